package dev.patrol.ingest.ado;

import java.net.http.HttpHeaders;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Spaces ADO requests so the client slows down <em>before</em> ADO delays or blocks it (ado-api.md §6): ADO sends
 * {@code X-RateLimit-Limit}, {@code -Remaining} and {@code -Reset} before delays start. While less than
 * {@value #SLOW_DOWN_BELOW_PERCENT}% of the limit remains, the rest of the budget is spread evenly until the reset:
 * one request every {@code (reset - now) / (remaining + 1)}, so with nothing left the next request waits for the
 * reset. A {@code Retry-After} pauses every thread, not only the one that got it.
 *
 * <p>Shared by all threads of one client (the inventory scanner calls from several): each request reserves the
 * next free slot. Waits are capped at {@link #MAX_PAUSE}, ADO's window, so a server clock far from ours cannot
 * stall ingest for long. Thread-safe.
 */
final class RatePacer {

    static final int SLOW_DOWN_BELOW_PERCENT = 10;
    /** ADO's sliding window; no reset or Retry-After is believed beyond it. */
    static final Duration MAX_PAUSE = Duration.ofMinutes(5);
    /** Spacing when the budget is low but the server says nothing about when it resets. */
    static final Duration SPACING_WITHOUT_RESET = Duration.ofSeconds(1);

    private Instant nextAllowed = Instant.MIN; // guarded by this
    private Instant slowUntil = Instant.MIN; // guarded by this
    private Duration spacing = Duration.ZERO; // guarded by this

    /** What a low budget made the pacer do, for one log line when slowing down starts. */
    record SlowDown(double remaining, double limit, Duration untilReset, Duration spacing) {
    }

    /** Reserves the next slot: how long the caller must wait before sending (zero when it may go now). */
    synchronized Duration reserve(Instant now) {
        Instant slot = nextAllowed.isAfter(now) ? nextAllowed : now;
        nextAllowed = slot.isBefore(slowUntil) ? slot.plus(spacing) : slot;
        return Duration.between(now, slot);
    }

    /**
     * Reads a response's rate-limit headers. Returns the new pacing when this response started a slow-down (so the
     * caller logs it once), empty otherwise.
     */
    synchronized Optional<SlowDown> observe(HttpHeaders headers, Instant now) {
        OptionalDouble limit = number(headers, "X-RateLimit-Limit");
        OptionalDouble remaining = number(headers, "X-RateLimit-Remaining");
        if (limit.isEmpty() || remaining.isEmpty() || limit.getAsDouble() <= 0) {
            return Optional.empty(); // nothing to go by; ADO omits them far from the limit
        }
        boolean wasSlow = now.isBefore(slowUntil);
        if (remaining.getAsDouble() * 100 >= limit.getAsDouble() * SLOW_DOWN_BELOW_PERCENT) {
            slowUntil = Instant.MIN;
            spacing = Duration.ZERO;
            return Optional.empty();
        }
        OptionalDouble reset = number(headers, "X-RateLimit-Reset");
        Duration untilReset;
        if (reset.isPresent()) {
            untilReset = Duration.between(now, Instant.ofEpochMilli((long) Math.ceil(reset.getAsDouble() * 1000)));
            if (untilReset.isNegative() || untilReset.isZero()) {
                return Optional.empty(); // the window is over already: full budget again
            }
            untilReset = untilReset.compareTo(MAX_PAUSE) > 0 ? MAX_PAUSE : untilReset;
            spacing = untilReset.dividedBy((long) Math.floor(remaining.getAsDouble()) + 1);
        } else {
            untilReset = Duration.ofMinutes(1);
            spacing = SPACING_WITHOUT_RESET;
        }
        slowUntil = now.plus(untilReset);
        Instant earliest = now.plus(spacing);
        if (earliest.isAfter(nextAllowed)) {
            nextAllowed = earliest;
        }
        return wasSlow ? Optional.empty()
                : Optional.of(new SlowDown(remaining.getAsDouble(), limit.getAsDouble(), untilReset, spacing));
    }

    /** Holds every request until {@code wait} from now (a {@code Retry-After}), capped at {@link #MAX_PAUSE}. */
    synchronized void pauseAll(Duration wait, Instant now) {
        Instant until = now.plus(wait.compareTo(MAX_PAUSE) > 0 ? MAX_PAUSE : wait);
        if (until.isAfter(nextAllowed)) {
            nextAllowed = until;
        }
    }

    private static OptionalDouble number(HttpHeaders headers, String name) {
        Optional<String> value = headers.firstValue(name);
        if (value.isEmpty()) {
            return OptionalDouble.empty();
        }
        try {
            double parsed = Double.parseDouble(value.get().strip());
            return Double.isFinite(parsed) && parsed >= 0 ? OptionalDouble.of(parsed) : OptionalDouble.empty();
        } catch (NumberFormatException e) {
            return OptionalDouble.empty();
        }
    }
}
