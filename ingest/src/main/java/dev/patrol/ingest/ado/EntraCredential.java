package dev.patrol.ingest.ado;

import com.fasterxml.jackson.databind.JsonNode;
import dev.patrol.model.Secret;
import dev.patrol.model.config.AdoSettings;
import dev.patrol.model.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Microsoft Entra bearer token for the Azure DevOps resource ({@value #ADO_RESOURCE}), obtained with the OAuth 2.0
 * client-credentials grant from {@code {authority}/{tenant}/oauth2/v2.0/token}: the service principal proves itself
 * with a client secret, or with a federated workload-identity token ({@code client_assertion}) read from a file
 * that Kubernetes rotates, so the file is read again for every token request.
 *
 * <p>The token is cached and refreshed {@value #REFRESH_EARLY_MINUTES} minutes before it expires (half its lifetime
 * when that is shorter), so no ADO request ever carries one about to lapse. Thread-safe: while a still-valid token
 * is being refreshed, other threads keep using it instead of queueing; without a valid token they wait for the one
 * fetch. A failed refresh keeps the current token until it expires (tried again every
 * {@value #RETRY_REFRESH_SECONDS} s), so a short Entra outage costs nothing.
 *
 * <p>Transient failures (no response, 429, 5xx) are retried with the client's {@link RetryPolicy}; a refusal
 * (400/401 with an OAuth error) is an {@link AdoAuthException} naming the OAuth error and the AADSTS code, never the
 * secret, the assertion or a token.
 */
public final class EntraCredential implements AdoCredential {

    /** The application id of Azure DevOps in every tenant. */
    public static final String ADO_RESOURCE = "499b84ac-1321-427f-aa17-267ca6975798";
    static final String SCOPE = ADO_RESOURCE + "/.default";
    static final String JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
    static final int REFRESH_EARLY_MINUTES = 5;
    static final int RETRY_REFRESH_SECONDS = 30;
    private static final Duration REFRESH_EARLY = Duration.ofMinutes(REFRESH_EARLY_MINUTES);
    private static final Pattern AADSTS = Pattern.compile("AADSTS\\d+");
    private static final Logger LOG = LoggerFactory.getLogger(EntraCredential.class);

    /** How the service principal proves who it is. */
    public sealed interface ClientProof permits ClientSecret, FederatedTokenFile {
    }

    /** A client secret; {@code source} says where it came from, for messages. */
    public record ClientSecret(Secret secret, String source) implements ClientProof {
        public ClientSecret {
            Objects.requireNonNull(secret, "secret");
            Objects.requireNonNull(source, "source");
        }
    }

    /** A file holding a federated token (a JWT from Kubernetes), re-read for every token request. */
    public record FederatedTokenFile(Path file) implements ClientProof {
        public FederatedTokenFile {
            Objects.requireNonNull(file, "file");
        }
    }

    /** A token and when to stop using it; never printed. */
    private record CachedToken(String header, Instant refreshAt, Instant expiresAt) {
        @Override
        public String toString() {
            return "CachedToken[****, refreshAt=" + refreshAt + ", expiresAt=" + expiresAt + "]";
        }
    }

    private final URI tokenUri;
    private final String tenantId;
    private final String clientId;
    private final ClientProof proof;
    private final HttpClient http;
    private final Duration requestTimeout;
    private final RetryPolicy retry;
    private final AdoHttpClient.Sleeper sleeper;
    private final Clock clock;
    private final ReentrantLock refreshing = new ReentrantLock();
    private volatile CachedToken cached;
    private Instant nextRefreshAttempt = Instant.MIN; // guarded by refreshing

    public EntraCredential(URI authorityUrl, String tenantId, String clientId, ClientProof proof,
                           Duration requestTimeout, RetryPolicy retry, AdoHttpClient.Sleeper sleeper, Clock clock) {
        this.tenantId = Objects.requireNonNull(tenantId, "tenantId");
        this.clientId = Objects.requireNonNull(clientId, "clientId");
        this.proof = Objects.requireNonNull(proof, "proof");
        String authority = authorityUrl.toString();
        authority = authority.endsWith("/") ? authority.substring(0, authority.length() - 1) : authority;
        this.tokenUri = URI.create(authority + "/" + URLEncoder.encode(tenantId, StandardCharsets.UTF_8)
                + "/oauth2/v2.0/token");
        this.requestTimeout = requestTimeout;
        this.retry = retry;
        this.sleeper = sleeper;
        this.clock = clock;
        this.http = HttpClient.newBuilder().connectTimeout(requestTimeout)
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** The credential the settings describe (client secret or workload identity), with the default retry policy. */
    static EntraCredential from(AdoSettings settings, Clock clock) {
        AdoSettings.Entra entra = settings.entra();
        ClientProof proof = switch (settings.credential()) {
            case CLIENT_SECRET -> new ClientSecret(entra.clientSecret().orElseThrow(() -> missing("client secret")),
                    entra.clientSecretSource());
            case WORKLOAD_IDENTITY -> new FederatedTokenFile(entra.federatedTokenFile()
                    .orElseThrow(() -> missing("federated token file")));
            case PAT -> throw new IllegalArgumentException("ado.credential is pat, not an Entra credential");
        };
        return new EntraCredential(entra.authorityUrl(), entra.tenantId().orElseThrow(() -> missing("tenant id")),
                entra.clientId().orElseThrow(() -> missing("client id")), proof, settings.requestTimeout(),
                RetryPolicy.DEFAULT, d -> Thread.sleep(d.toMillis()), clock);
    }

    private static IllegalStateException missing(String what) {
        return new IllegalStateException("no " + what + " configured: call PatrolConfig.requireForIngest first");
    }

    @Override
    public String authorization() throws InterruptedException {
        CachedToken current = cached;
        Instant now = clock.instant();
        if (current != null && now.isBefore(current.refreshAt())) {
            return current.header();
        }
        boolean stillValid = current != null && now.isBefore(current.expiresAt());
        if (stillValid) {
            if (!refreshing.tryLock()) {
                return current.header(); // another thread is refreshing; this one is still good
            }
        } else {
            refreshing.lockInterruptibly();
        }
        try {
            current = cached;
            now = clock.instant();
            if (current != null && now.isBefore(current.refreshAt())) {
                return current.header(); // refreshed while this thread waited
            }
            stillValid = current != null && now.isBefore(current.expiresAt());
            if (stillValid && now.isBefore(nextRefreshAttempt)) {
                return current.header();
            }
            try {
                CachedToken fresh = fetch();
                cached = fresh;
                nextRefreshAttempt = Instant.MIN;
                return fresh.header();
            } catch (AdoApiException e) {
                if (!stillValid) {
                    throw e;
                }
                nextRefreshAttempt = now.plusSeconds(RETRY_REFRESH_SECONDS);
                LOG.warn("entra token refresh failed; using the current token until it expires clientId={} "
                        + "expiresAt={} error={}", clientId, current.expiresAt(), e.getMessage());
                return current.header();
            }
        } finally {
            refreshing.unlock();
        }
    }

    @Override
    public boolean rejected() {
        refreshing.lock();
        try {
            cached = null;
            nextRefreshAttempt = Instant.MIN;
        } finally {
            refreshing.unlock();
        }
        return true;
    }

    @Override
    public String description() {
        String how = proof instanceof ClientSecret secret ? "client secret from " + secret.source()
                : "workload identity, token file " + ((FederatedTokenFile) proof).file();
        return "service principal " + clientId + " in tenant " + tenantId + " (" + how + ")";
    }

    @Override
    public String rejectionHint() {
        return "Entra token of " + description() + " refused: is the service principal a member of the organization,"
                + " with an access level and the permissions PATrol needs?";
    }

    @Override
    public String toString() {
        return "EntraCredential[" + description() + "]";
    }

    private CachedToken fetch() throws InterruptedException {
        for (int attempt = 1; ; attempt++) {
            Instant requested = clock.instant();
            HttpRequest request = AdoHttpClient.versionFor(tokenUri, HttpRequest.newBuilder(tokenUri))
                    .timeout(requestTimeout)
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .header("Accept", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(form()))
                    .build();
            HttpResponse<byte[]> response;
            try {
                response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            } catch (IOException e) {
                if (attempt >= retry.maxAttempts()) {
                    throw new AdoApiException("entra token: no response from " + tokenUri.getHost() + " after "
                            + attempt + " attempts (" + e.getClass().getSimpleName() + ")", e);
                }
                Duration wait = retry.backoff(attempt);
                LOG.warn("entra token request failed, retrying attempt={} error={} waitMs={}", attempt,
                        e.getClass().getSimpleName(), wait.toMillis());
                sleeper.sleep(wait);
                continue;
            }
            int status = response.statusCode();
            if (status == 200) {
                return parse(response.body(), requested);
            }
            Optional<String> oauthError = oauthError(response.body());
            if ((status == 400 || status == 401 || status == 403) && oauthError.isPresent()) {
                throw new AdoAuthException("entra token for " + description() + " refused: HTTP " + status + " "
                        + oauthError.get(), status);
            }
            boolean transientStatus = status == 429 || status == 408 || status >= 500;
            if (!transientStatus || attempt >= retry.maxAttempts()) {
                throw new AdoApiException("entra token: " + tokenUri.getHost() + " answered " + status + " after "
                        + attempt + " attempt(s)", status);
            }
            Duration wait = AdoHttpClient.retryAfter(response).orElse(retry.backoff(attempt));
            LOG.warn("entra token request not served, retrying status={} attempt={} waitMs={}", status, attempt,
                    wait.toMillis());
            sleeper.sleep(wait);
        }
    }

    /** The form, built anew each time: the federated token file may have been rotated since the last request. */
    private String form() {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("grant_type", "client_credentials");
        fields.put("client_id", clientId);
        fields.put("scope", SCOPE);
        if (proof instanceof ClientSecret secret) {
            fields.put("client_secret", secret.secret().reveal());
        } else {
            fields.put("client_assertion_type", JWT_BEARER);
            fields.put("client_assertion", readAssertion(((FederatedTokenFile) proof).file()));
        }
        return fields.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    private static String readAssertion(Path file) {
        String assertion;
        try {
            assertion = Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new AdoAuthException("entra token: cannot read the federated token file " + file + " ("
                    + e.getClass().getSimpleName() + ")", -1);
        }
        if (assertion.isEmpty()) {
            throw new AdoAuthException("entra token: the federated token file " + file + " is empty", -1);
        }
        return assertion;
    }

    private CachedToken parse(byte[] body, Instant requested) {
        JsonNode json;
        try {
            json = Json.mapper().readTree(body);
        } catch (IOException e) {
            throw new AdoApiException("entra token: the response is not JSON (" + e.getClass().getSimpleName() + ")", 200);
        }
        String token = json == null ? "" : json.path("access_token").asText("");
        // v2 sends a number; v1 and some proxies a string. Both read as seconds.
        long expiresIn = json == null ? 0 : json.path("expires_in").asLong(0);
        if (token.isBlank() || expiresIn <= 0) {
            throw new AdoApiException("entra token: the response has no access_token or expires_in", 200);
        }
        Duration lifetime = Duration.ofSeconds(expiresIn);
        Duration early = REFRESH_EARLY.compareTo(lifetime.dividedBy(2)) < 0 ? REFRESH_EARLY : lifetime.dividedBy(2);
        // Timed from when the request left, so a slow answer cannot make the token look fresher than it is.
        Instant expiresAt = requested.plus(lifetime);
        LOG.info("entra token obtained clientId={} tenant={} expiresInS={}", clientId, tenantId, expiresIn);
        return new CachedToken("Bearer " + token, expiresAt.minus(early), expiresAt);
    }

    /** {@code invalid_client (AADSTS7000215)} from an OAuth error body; the description itself is not repeated. */
    private static Optional<String> oauthError(byte[] body) {
        try {
            JsonNode json = Json.mapper().readTree(body);
            if (json == null || !json.path("error").isTextual()) {
                return Optional.empty();
            }
            String error = json.get("error").asText();
            Matcher code = AADSTS.matcher(json.path("error_description").asText(""));
            return Optional.of(error.replaceAll("[^A-Za-z0-9_.-]", "") + (code.find() ? " (" + code.group() + ")" : ""));
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
