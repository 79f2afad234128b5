package dev.patrol.ingest.stream;

import com.sun.net.httpserver.Headers;
import dev.patrol.model.Secret;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * Checks the credential a stream delivery carries. Every comparison goes through {@link Secret#matches}, which is
 * constant-time, and nothing here keeps or prints a presented value.
 */
final class StreamAuth {

    /** The header an Event Grid subscription can send as a delivery property, instead of a URL parameter. */
    static final String EVENT_GRID_KEY_HEADER = "X-Patrol-Key";

    private StreamAuth() {
    }

    /** How a credential check ended. */
    enum Verdict {
        ACCEPTED,
        /** Nothing presented. */
        MISSING,
        /** Presented in a form that is not accepted (unknown scheme, undecodable Basic). */
        MALFORMED,
        /** Presented in a form HEC accepts only when query-string auth is turned on (it is not, here). */
        QUERY_STRING,
        /** Presented and wrong. */
        WRONG
    }

    /**
     * Splunk HEC accepts {@code Authorization: Splunk <token>}, Basic authentication with the token as the password,
     * and, only where the token allows it, {@code ?token=}. The first two are accepted; the query form is refused as
     * Splunk refuses it by default, because a token in a URL ends up in proxy and access logs.
     */
    static Verdict checkHec(Headers headers, String rawQuery, Secret token) {
        String authorization = headers.getFirst("Authorization");
        if (authorization == null || authorization.isBlank()) {
            return hasQueryParameter(rawQuery, "token") ? Verdict.QUERY_STRING : Verdict.MISSING;
        }
        String trimmed = authorization.strip();
        int space = trimmed.indexOf(' ');
        String scheme = space < 0 ? trimmed : trimmed.substring(0, space);
        String credentials = space < 0 ? "" : trimmed.substring(space + 1).strip();
        if (scheme.equalsIgnoreCase("Splunk")) {
            if (credentials.isEmpty()) {
                return Verdict.MISSING;
            }
            return token.matches(credentials) ? Verdict.ACCEPTED : Verdict.WRONG;
        }
        if (scheme.equalsIgnoreCase("Basic")) {
            return basicPassword(credentials)
                    .map(password -> token.matches(password) ? Verdict.ACCEPTED : Verdict.WRONG)
                    .orElse(Verdict.MALFORMED);
        }
        return Verdict.MALFORMED;
    }

    /**
     * Event Grid webhooks carry no shared secret of their own, so the subscription URL carries the key as
     * {@code ?code=} or {@code ?key=}, or the subscription sends it in the {@value #EVENT_GRID_KEY_HEADER} header.
     * The header is looked at first, then {@code code}, then {@code key}; a wrong value is not retried with another
     * form.
     */
    static Verdict checkEventGrid(Headers headers, String rawQuery, Secret key) {
        String header = headers.getFirst(EVENT_GRID_KEY_HEADER);
        if (header != null && !header.isBlank()) {
            return key.matches(header.strip()) ? Verdict.ACCEPTED : Verdict.WRONG;
        }
        Optional<String> raw = rawQueryParameter(rawQuery, "code").or(() -> rawQueryParameter(rawQuery, "key"))
                .filter(value -> !value.isBlank());
        if (raw.isEmpty()) {
            return Verdict.MISSING;
        }
        // A key pasted into the URL without percent-encoding keeps a literal '+', which URL decoding turns into a
        // space; so the value matches either as decoded or as written.
        boolean decodedMatches = key.matches(urlDecoded(raw.get()));
        boolean rawMatches = key.matches(raw.get());
        return decodedMatches || rawMatches ? Verdict.ACCEPTED : Verdict.WRONG;
    }

    private static Optional<String> basicPassword(String credentials) {
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(credentials), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        int colon = decoded.indexOf(':');
        return colon < 0 ? Optional.empty() : Optional.of(decoded.substring(colon + 1));
    }

    /** Whether the query has a parameter of that name. */
    static boolean hasQueryParameter(String rawQuery, String name) {
        return rawQueryParameter(rawQuery, name).isPresent();
    }

    /** The first value of a query parameter, still URL-encoded. */
    static Optional<String> rawQueryParameter(String rawQuery, String name) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return Optional.empty();
        }
        for (String pair : rawQuery.split("&")) {
            int equals = pair.indexOf('=');
            String rawName = equals < 0 ? pair : pair.substring(0, equals);
            if (rawName.equals(name)) {
                return Optional.of(equals < 0 ? "" : pair.substring(equals + 1));
            }
        }
        return Optional.empty();
    }

    /** URL-decoded; an undecodable value is kept as it is (and so will not match a sane key). */
    private static String urlDecoded(String raw) {
        try {
            return URLDecoder.decode(raw, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return raw;
        }
    }
}
