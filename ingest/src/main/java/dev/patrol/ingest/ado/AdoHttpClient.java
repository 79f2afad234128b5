package dev.patrol.ingest.ado;

import dev.patrol.model.Secret;
import java.io.IOException;
import java.net.URI;
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
 * GETs JSON from ADO with a PAT, politely: honours {@code Retry-After} on 429, backs off with jitter on 5xx,
 * connection errors and timeouts, and never retries 401/403 (see {@link AdoAuthException}).
 *
 * <p>The credential is only ever placed in the {@code Authorization} header; it appears in no log line and no
 * exception message.
 */
public final class AdoHttpClient {

    private static final Logger LOG = LoggerFactory.getLogger(AdoHttpClient.class);

    private final HttpClient http;
    private final String authorization;
    private final Duration requestTimeout;
    private final RetryPolicy retry;
    private final Sleeper sleeper;

    /** Blocks for a while; replaced in tests so retries do not cost wall-clock time. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    /** A response that succeeded: its body and the one header ADO pages Graph users with. */
    public record JsonResponse(byte[] body, Optional<String> continuationHeader) {
    }

    public AdoHttpClient(Secret pat, Duration requestTimeout, RetryPolicy retry, Sleeper sleeper) {
        this.http = HttpClient.newBuilder()
                .connectTimeout(requestTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        // ADO takes a PAT as the password of Basic auth with an empty user name.
        this.authorization = "Basic " + Base64.getEncoder()
                .encodeToString((":" + pat.reveal()).getBytes(StandardCharsets.UTF_8));
        this.requestTimeout = requestTimeout;
        this.retry = retry;
        this.sleeper = sleeper;
    }

    public AdoHttpClient(Secret pat, Duration requestTimeout) {
        this(pat, requestTimeout, RetryPolicy.DEFAULT, d -> Thread.sleep(d.toMillis()));
    }

    /** GETs {@code uri}; {@code what} names the call in messages (e.g. "audit log"). */
    public JsonResponse get(URI uri, String what) throws InterruptedException {
        for (int attempt = 1; ; attempt++) {
            HttpRequest request = HttpRequest.newBuilder(uri)
                    .timeout(requestTimeout)
                    .header("Authorization", authorization)
                    .header("Accept", "application/json")
                    .GET()
                    .build();
            HttpResponse<byte[]> response;
            try {
                response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            } catch (IOException e) {
                // Connection refused, reset, or the request timed out: transient until proven otherwise.
                if (attempt >= retry.maxAttempts()) {
                    throw new AdoApiException(what + ": no response after " + attempt + " attempts ("
                            + e.getClass().getSimpleName() + ")", e);
                }
                Duration wait = retry.backoff(attempt);
                LOG.warn("ado request failed, retrying call={} attempt={} error={} waitMs={}", what, attempt,
                        e.getClass().getSimpleName(), wait.toMillis());
                sleeper.sleep(wait);
                continue;
            }
            int status = response.statusCode();
            if (status >= 200 && status < 300) {
                return new JsonResponse(response.body(), response.headers().firstValue("X-MS-ContinuationToken"));
            }
            if (status == 401 || status == 403) {
                throw new AdoAuthException(what + ": ADO answered " + status + (status == 401
                        ? " (credential rejected: expired, revoked or wrong PAT)"
                        : " (credential lacks the permission or scope)"), status);
            }
            boolean transientStatus = status == 429 || status == 408 || status >= 500;
            if (!transientStatus || attempt >= retry.maxAttempts()) {
                throw new AdoApiException(what + ": ADO answered " + status + " after " + attempt + " attempt(s)", status);
            }
            Duration wait = status == 429 ? retryAfter(response).orElse(retry.backoff(attempt)) : retry.backoff(attempt);
            LOG.warn("ado request not served, retrying call={} status={} attempt={} waitMs={} rateLimitResource={}",
                    what, status, attempt, wait.toMillis(),
                    response.headers().firstValue("X-RateLimit-Resource").orElse("-"));
            sleeper.sleep(wait);
        }
    }

    /** {@code Retry-After} in seconds (RFC 6585 as ADO sends it); absent or unreadable means "use backoff". */
    static Optional<Duration> retryAfter(HttpResponse<?> response) {
        return response.headers().firstValue("Retry-After").flatMap(value -> {
            try {
                long seconds = Long.parseLong(value.strip());
                return seconds >= 0 ? Optional.of(Duration.ofSeconds(seconds)) : Optional.empty();
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        });
    }
}
