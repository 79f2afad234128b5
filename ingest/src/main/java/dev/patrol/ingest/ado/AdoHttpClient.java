package dev.patrol.ingest.ado;

import dev.patrol.model.Secret;
import dev.patrol.model.config.AdoSettings;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * GETs JSON from ADO, politely:
 * <ul>
 *   <li>reads {@code X-RateLimit-Limit}/{@code -Remaining}/{@code -Reset} on every answer and spaces its requests
 *       out once the budget runs low, before ADO delays or blocks it ({@link RatePacer});</li>
 *   <li>honours {@code Retry-After} on 429 and 503, for every thread of the client;</li>
 *   <li>backs off exponentially with jitter on 5xx, 408, connection errors and timeouts, up to the
 *       {@link RetryPolicy}'s attempts, so every page is eventually fetched or the caller's cycle fails whole;</li>
 *   <li>never retries 401/403 with the same credential ({@link AdoAuthException}); a bearer token refused with 401 is
 *       dropped and the request tried once more with a fresh one;</li>
 *   <li>speaks HTTP/1.1 to a cleartext {@code http://} URL (the simulator, a local proxy) instead of the JDK
 *       client's default attempt to upgrade to HTTP/2 ({@code Upgrade: h2c}), which a server without h2c can only
 *       ignore; {@code https://} ADO still negotiates HTTP/2 or 1.1 through TLS ALPN
 *       ({@link #versionFor}).</li>
 * </ul>
 *
 * <p>The credential is only ever placed in the {@code Authorization} header; it appears in no log line and no
 * exception message. Thread-safe.
 */
public final class AdoHttpClient {

    private static final Logger LOG = LoggerFactory.getLogger(AdoHttpClient.class);

    private final HttpClient http;
    private final AdoCredential credential;
    private final Duration requestTimeout;
    private final RetryPolicy retry;
    private final Sleeper sleeper;
    private final Clock clock;
    private final RatePacer pacer = new RatePacer();

    /** Blocks for a while; replaced in tests so retries do not cost wall-clock time. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    /** Hears every answer ADO gives (and every request that got none), for metrics. */
    public interface Observer {
        Observer NONE = new Observer() { };

        /** {@code remaining}/{@code limit}: the X-RateLimit headers, negative when absent. */
        default void answered(String call, int status, long remaining, long limit) {
        }

        default void unanswered(String call) {
        }
    }

    private volatile Observer observer = Observer.NONE;

    /** Reports each answer to {@code observer} (a metrics class); returns this client. */
    public AdoHttpClient observedBy(Observer observer) {
        this.observer = Objects.requireNonNull(observer, "observer");
        return this;
    }

    /** A response that succeeded: its body and the one header ADO pages Graph users with. */
    public record JsonResponse(byte[] body, Optional<String> continuationHeader) {
    }

    /**
     * @param clock "now" for rate-limit resets (and, through the credential, token expiry); the sleeper is what
     *              actually waits
     */
    public AdoHttpClient(AdoCredential credential, Duration requestTimeout, RetryPolicy retry, Sleeper sleeper,
                         Clock clock) {
        this.credential = Objects.requireNonNull(credential, "credential");
        this.http = HttpClient.newBuilder()
                .connectTimeout(requestTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        this.requestTimeout = requestTimeout;
        this.retry = retry;
        this.sleeper = sleeper;
        this.clock = clock;
    }

    public AdoHttpClient(Secret pat, Duration requestTimeout, RetryPolicy retry, Sleeper sleeper) {
        this(AdoCredential.pat(pat), requestTimeout, retry, sleeper, Clock.systemUTC());
    }

    public AdoHttpClient(Secret pat, Duration requestTimeout) {
        this(pat, requestTimeout, RetryPolicy.DEFAULT, AdoHttpClient::sleep);
    }

    /**
     * The client a configured service uses: the credential {@code ado.credential} selects, {@code ado.requestTimeout},
     * the default retry policy.
     */
    public static AdoHttpClient forSettings(AdoSettings settings, Clock clock) {
        return new AdoHttpClient(AdoCredential.from(settings, clock), settings.requestTimeout(), RetryPolicy.DEFAULT,
                AdoHttpClient::sleep, clock);
    }

    /** The credential this client sends, for messages. */
    public AdoCredential credential() {
        return credential;
    }

    /** GETs {@code uri}; {@code what} names the call in messages (e.g. "audit log"). */
    public JsonResponse get(URI uri, String what) throws InterruptedException {
        boolean retriedAuth = false;
        boolean justWaited = false;
        for (int attempt = 1; ; attempt++) {
            if (!justWaited) {
                // A retry has just waited its own back-off or Retry-After; only a fresh request takes a slot.
                Duration pace = pacer.reserve(clock.instant());
                if (!pace.isZero()) {
                    LOG.debug("ado request paced call={} waitMs={}", what, pace.toMillis());
                    sleeper.sleep(pace);
                }
            }
            justWaited = false;
            HttpRequest request = versionFor(uri, HttpRequest.newBuilder(uri))
                    .timeout(requestTimeout)
                    .header("Authorization", credential.authorization())
                    .header("Accept", "application/json")
                    .GET()
                    .build();
            HttpResponse<byte[]> response;
            try {
                response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            } catch (IOException e) {
                observer.unanswered(what);
                // Connection refused, reset, or the request timed out: transient until proven otherwise.
                if (attempt >= retry.maxAttempts()) {
                    throw new AdoApiException(what + ": no response after " + attempt + " attempts ("
                            + e.getClass().getSimpleName() + ")", e);
                }
                Duration wait = retry.backoff(attempt);
                LOG.warn("ado request failed, retrying call={} attempt={} error={} waitMs={}", what, attempt,
                        e.getClass().getSimpleName(), wait.toMillis());
                sleeper.sleep(wait);
                justWaited = true;
                continue;
            }
            pacer.observe(response.headers(), clock.instant()).ifPresent(slow -> LOG.info(
                    "ado rate limit nearly used, slowing down call={} remaining={} limit={} resetInS={} spacingMs={}",
                    what, slow.remaining(), slow.limit(), slow.untilReset().toSeconds(), slow.spacing().toMillis()));
            response.headers().firstValue("X-RateLimit-Delay").ifPresent(delay ->
                    LOG.debug("ado delayed a request call={} delayS={}", what, delay));
            int status = response.statusCode();
            observer.answered(what, status, header(response, "X-RateLimit-Remaining"), header(response, "X-RateLimit-Limit"));
            if (status >= 200 && status < 300) {
                return new JsonResponse(response.body(), response.headers().firstValue("X-MS-ContinuationToken"));
            }
            if (status == 401 && !retriedAuth && credential.rejected()) {
                // A bearer token can be revoked before it expires; one fresh token settles whether it was that.
                retriedAuth = true;
                attempt--;
                LOG.info("ado refused the bearer token, fetching a new one call={}", what);
                continue;
            }
            if (status == 401 || status == 403) {
                throw new AdoAuthException(what + ": ADO answered " + status + (status == 401
                        ? " (" + credential.rejectionHint() + ")"
                        : " (credential lacks the permission or scope)"), status);
            }
            boolean transientStatus = status == 429 || status == 408 || status >= 500;
            if (!transientStatus || attempt >= retry.maxAttempts()) {
                throw new AdoApiException(what + ": ADO answered " + status + " after " + attempt + " attempt(s)", status);
            }
            Optional<Duration> retryAfter = status == 429 || status == 503 ? retryAfter(response) : Optional.empty();
            Duration wait = retryAfter.orElse(retry.backoff(attempt));
            retryAfter.ifPresent(after -> pacer.pauseAll(after, clock.instant()));
            LOG.warn("ado request not served, retrying call={} status={} attempt={} waitMs={} retryAfter={} "
                            + "rateLimitResource={}", what, status, attempt, wait.toMillis(), retryAfter.isPresent(),
                    response.headers().firstValue("X-RateLimit-Resource").orElse("-"));
            sleeper.sleep(wait);
            justWaited = true;
        }
    }

    /**
     * HTTP/1.1 for {@code http://}: on cleartext the JDK client's default (HTTP/2) means an {@code Upgrade: h2c}
     * request, which a server without h2c (the simulator's JDK server) can only ignore, and which buys nothing for
     * one request at a time per connection. Over TLS the version is negotiated in the handshake (ALPN) at no cost, so {@code https://} keeps the
     * client's default.
     */
    static HttpRequest.Builder versionFor(URI uri, HttpRequest.Builder request) {
        return "http".equalsIgnoreCase(uri.getScheme()) ? request.version(HttpClient.Version.HTTP_1_1) : request;
    }

    private static long header(HttpResponse<?> response, String name) {
        return response.headers().firstValue(name).map(value -> {
            try {
                return (long) Double.parseDouble(value.strip());
            } catch (NumberFormatException e) {
                return -1L;
            }
        }).orElse(-1L);
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

    private static void sleep(Duration duration) throws InterruptedException {
        Thread.sleep(duration.toMillis());
    }
}
