package dev.patrol.simulator;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Counts authenticated ADO requests against the {@link RateLimit} budget, one fixed window at a time on the
 * simulator's clock, and decides each request's fate: served (with the {@code X-RateLimit-*} headers), held first,
 * or blocked. Thread-safe.
 */
final class RateLimiter {

    static final String RESOURCE = "Core";

    private final RateLimit limit;
    private final Clock clock;
    private Instant windowEnd = Instant.MIN; // guarded by this
    private long requests; // guarded by this; counted in the current window, blocked ones excluded

    RateLimiter(RateLimit limit, Clock clock) {
        this.limit = limit;
        this.clock = clock;
    }

    /**
     * What happens to one request.
     *
     * @param headers           the {@code X-RateLimit-*} headers to send with the answer
     * @param delay             how long to hold the request before answering (zero for none)
     * @param retryAfterSeconds when positive, block it with 429 and this {@code Retry-After}
     */
    record Decision(Map<String, String> headers, Duration delay, long retryAfterSeconds) {
        boolean blocked() {
            return retryAfterSeconds > 0;
        }
    }

    synchronized Decision admit() {
        Instant now = clock.instant();
        if (!now.isBefore(windowEnd)) {
            windowEnd = now.plus(limit.window());
            requests = 0;
        }
        long budget = (long) limit.limit() * limit.requestsPerUnit();
        long reset = ceilSeconds(windowEnd);
        if (limit.enforced() && requests >= budget) {
            if (requests - budget < limit.delayedRequests()) {
                requests++;
                Map<String, String> headers = headers(0, reset);
                headers.put("X-RateLimit-Delay", String.format(java.util.Locale.ROOT, "%.3f",
                        limit.delay().toMillis() / 1000.0));
                return new Decision(headers, limit.delay(), 0);
            }
            long retryAfter = Math.max(1, reset - now.getEpochSecond());
            return new Decision(headers(0, reset), Duration.ZERO, retryAfter);
        }
        requests++;
        long remaining = Math.max(0, limit.limit() - requests / limit.requestsPerUnit());
        return new Decision(headers(remaining, reset), Duration.ZERO, 0);
    }

    /** The budget, for the 429 faults, so their headers agree with the ones on ordinary answers. */
    int limit() {
        return limit.limit();
    }

    private Map<String, String> headers(long remaining, long reset) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("X-RateLimit-Resource", RESOURCE);
        headers.put("X-RateLimit-Limit", Integer.toString(limit.limit()));
        headers.put("X-RateLimit-Remaining", Long.toString(remaining));
        headers.put("X-RateLimit-Reset", Long.toString(reset));
        return headers;
    }

    /** Unix seconds, rounded up: a client waiting until then is never early. */
    private static long ceilSeconds(Instant instant) {
        return instant.getNano() > 0 ? instant.getEpochSecond() + 1 : instant.getEpochSecond();
    }
}
