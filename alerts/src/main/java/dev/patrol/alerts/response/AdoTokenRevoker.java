package dev.patrol.alerts.response;

import dev.patrol.model.Secret;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST {vssps}/{org}/_apis/tokenadmin/revocations?isPublic=false&api-version=7.1} with body
 * {@code [{"authorizationId": "<id>"}]} (ado-api.md §4.2): 204 on success. Retries 429 (honouring
 * {@code Retry-After}, at most a minute), 408, 5xx and connection failures a few times with backoff; 400, 401 and 403
 * fail at once. The PAT is only ever placed in the {@code Authorization} header.
 */
final class AdoTokenRevoker implements TokenRevoker {

    private static final Logger LOG = LoggerFactory.getLogger(AdoTokenRevoker.class);
    private static final int MAX_ATTEMPTS = 4;
    private static final Duration MAX_RETRY_AFTER = Duration.ofMinutes(1);

    private final HttpClient http;
    private final URI vsspsBaseUrl;
    private final String authorization;
    private final Duration requestTimeout;

    AdoTokenRevoker(URI vsspsBaseUrl, Secret pat, Duration requestTimeout) {
        this.vsspsBaseUrl = vsspsBaseUrl;
        this.requestTimeout = requestTimeout;
        this.http = HttpClient.newBuilder().connectTimeout(requestTimeout)
                .followRedirects(HttpClient.Redirect.NEVER).build();
        // ADO takes a PAT as the password of Basic auth with an empty user name.
        this.authorization = "Basic " + Base64.getEncoder()
                .encodeToString((":" + pat.reveal()).getBytes(StandardCharsets.UTF_8));
    }

    /** The revocation endpoint of an organization under the configured vssps base (which may carry a path). */
    static URI endpoint(URI vsspsBaseUrl, String organization) {
        String base = vsspsBaseUrl.toString();
        while (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        return URI.create(base + "/" + URLEncoder.encode(organization, StandardCharsets.UTF_8)
                + "/_apis/tokenadmin/revocations?isPublic=false&api-version=7.1");
    }

    @Override
    public Result revoke(String organization, String authorizationId) throws InterruptedException {
        URI uri = endpoint(vsspsBaseUrl, organization);
        // authorizationId is a validated GUID: it needs no JSON escaping.
        String body = "[{\"authorizationId\":\"" + authorizationId + "\"}]";
        for (int attempt = 1; ; attempt++) {
            HttpRequest request = HttpRequest.newBuilder(uri)
                    .timeout(requestTimeout)
                    .header("Authorization", authorization)
                    .header("Content-Type", "application/json")
                    .header("Accept", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                    .build();
            HttpResponse<Void> response;
            try {
                response = http.send(request, HttpResponse.BodyHandlers.discarding());
            } catch (IOException e) {
                if (attempt >= MAX_ATTEMPTS) {
                    return new Result(false, "no answer from ADO after " + attempt + " attempts ("
                            + e.getClass().getSimpleName() + ")");
                }
                pause(backoff(attempt), attempt, "connection " + e.getClass().getSimpleName());
                continue;
            }
            int status = response.statusCode();
            if (status >= 200 && status < 300) {
                return new Result(true, "ADO answered " + status + " to tokenadmin/revocations");
            }
            switch (status) {
                case 400 -> {
                    return new Result(false, "ADO answered 400: the revocation request was refused as malformed");
                }
                case 401 -> {
                    return new Result(false, "ADO answered 401: the configured PAT was rejected (expired, revoked or wrong)");
                }
                case 403 -> {
                    return new Result(false, "ADO answered 403: the configured PAT lacks the Token administration "
                            + "permission (Project Collection Administrator)");
                }
                default -> {
                    // handled below
                }
            }
            boolean transientStatus = status == 429 || status == 408 || status >= 500;
            if (!transientStatus || attempt >= MAX_ATTEMPTS) {
                return new Result(false, "ADO answered " + status + " after " + attempt + " attempt(s)");
            }
            Duration wait = status == 429 ? retryAfter(response).orElse(backoff(attempt)) : backoff(attempt);
            pause(wait, attempt, "status " + status);
        }
    }

    private static void pause(Duration wait, int attempt, String why) throws InterruptedException {
        LOG.warn("revocation call not served, retrying attempt={} cause={} waitMs={}", attempt, why, wait.toMillis());
        Thread.sleep(wait.toMillis());
    }

    private static Duration backoff(int attempt) {
        return Duration.ofMillis(500L << Math.min(attempt, 6));
    }

    private static Optional<Duration> retryAfter(HttpResponse<?> response) {
        return response.headers().firstValue("Retry-After").flatMap(value -> {
            try {
                long seconds = Long.parseLong(value.strip());
                return seconds < 0 ? Optional.empty()
                        : Optional.of(Duration.ofSeconds(Math.min(seconds, MAX_RETRY_AFTER.toSeconds())));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        });
    }
}
