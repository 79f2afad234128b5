package dev.patrol.simulator;

import java.time.Duration;
import java.util.Objects;

/**
 * The simulator's rate limiter, a simple model of ADO's (ado-api.md §6): a budget of {@code limit} usage units per
 * fixed {@code window}, reported on every authenticated ADO response as {@code X-RateLimit-Resource},
 * {@code X-RateLimit-Limit}, {@code X-RateLimit-Remaining} (whole units left) and {@code X-RateLimit-Reset} (Unix
 * seconds when the window ends), so a client can slow down before it is held up.
 *
 * <p>ADO charges by load (TSTUs), not per request; here {@code requestsPerUnit} requests cost one unit. When
 * {@code enforced}, a request arriving with the budget spent is first held for {@code delay} (and answered with
 * {@code X-RateLimit-Delay}), {@code delayedRequests} times, as ADO delays before it blocks; after those the rest of
 * the window is blocked with 429 and a {@code Retry-After} that reaches the window's end. Unenforced, the headers
 * count down but nothing is ever held or blocked.
 *
 * @param limit           units per window before delays start (1..1,000,000); ADO's global limit is 200 TSTUs
 * @param window          the fixed window (1 s..1 h); it starts with the first request after the previous one ended
 * @param requestsPerUnit how many requests cost one unit (1..10,000)
 * @param enforced        whether a spent budget delays and then blocks
 * @param delayedRequests how many requests past the budget are delayed before the rest are blocked
 * @param delay           how long each delayed request is held (at most 30 s, ADO's longest delay)
 */
public record RateLimit(int limit, Duration window, int requestsPerUnit, boolean enforced, int delayedRequests,
                        Duration delay) {

    /** ADO's delays reach "up to 30 seconds per request". */
    public static final Duration MAX_DELAY = Duration.ofSeconds(30);

    public RateLimit {
        Objects.requireNonNull(window, "window");
        Objects.requireNonNull(delay, "delay");
        if (limit < 1 || limit > 1_000_000) {
            throw new IllegalArgumentException("rate limit " + limit + " is outside 1..1000000");
        }
        if (window.compareTo(Duration.ofSeconds(1)) < 0 || window.compareTo(Duration.ofHours(1)) > 0) {
            throw new IllegalArgumentException("rate-limit window " + window + " is outside 1 s..1 h");
        }
        if (requestsPerUnit < 1 || requestsPerUnit > 10_000) {
            throw new IllegalArgumentException("requestsPerUnit " + requestsPerUnit + " is outside 1..10000");
        }
        if (delayedRequests < 0) {
            throw new IllegalArgumentException("delayedRequests " + delayedRequests + " is negative");
        }
        if (delay.isNegative() || delay.compareTo(MAX_DELAY) > 0) {
            throw new IllegalArgumentException("delay " + delay + " is outside 0..30 s");
        }
    }

    /**
     * The default: ADO's 200 units per 5 minutes, reported but not enforced, at 50 requests a unit, so 10,000
     * requests a window pass before {@code Remaining} reaches 0 and a polite client starts pacing itself.
     */
    public static RateLimit reportOnly() {
        return new RateLimit(200, Duration.ofMinutes(5), 50, false, 0, Duration.ZERO);
    }

    /**
     * An enforced budget of {@code limit} requests per {@code window} (one request, one unit): then
     * {@code delayedRequests} requests held {@code delay} each, then 429 until the window ends.
     */
    public static RateLimit enforced(int limit, Duration window, int delayedRequests, Duration delay) {
        return new RateLimit(limit, window, 1, true, delayedRequests, delay);
    }
}
