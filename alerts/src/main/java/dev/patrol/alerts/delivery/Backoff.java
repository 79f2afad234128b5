package dev.patrol.alerts.delivery;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Exponential backoff with "equal jitter": after the n-th failure in a row wait between half and all of
 * {@code min(max, initial * 2^(n-1))}, so sinks that failed together do not retry in lockstep. A receiver's own
 * {@code Retry-After} wins when it asks for longer.
 */
public record Backoff(Duration initial, Duration max) {

    public Backoff {
        Objects.requireNonNull(initial, "initial");
        Objects.requireNonNull(max, "max");
        if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("need 0 < initial <= max, was " + initial + " and " + max);
        }
    }

    /**
     * How long to wait after {@code failures} failures in a row.
     *
     * @param jitter a number in [0, 1): where between half and all of the cap to land
     */
    public Duration delay(int failures, Optional<Duration> retryAfter, double jitter) {
        if (failures < 1) {
            throw new IllegalArgumentException("failures must be at least 1, was " + failures);
        }
        long capMillis = max.toMillis();
        long grown = initial.toMillis();
        for (int i = 1; i < failures && grown < capMillis; i++) {
            grown *= 2;
        }
        long cap = Math.min(grown, capMillis);
        long delay = cap / 2 + (long) (Math.max(0, Math.min(jitter, 1)) * (cap - cap / 2));
        Duration chosen = Duration.ofMillis(delay);
        return retryAfter.filter(asked -> asked.compareTo(chosen) > 0).orElse(chosen);
    }
}
