package dev.patrol.streams.enrich;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Decides when watched files are checked again. Checks ride on lookups instead of a timer thread: no thread to
 * start or stop, nothing happens while no events arrive, and tests drive it with a {@link Clock}. Of the threads
 * that find a check due, exactly one gets {@code true}.
 */
final class ReloadSchedule {

    private final Clock clock;
    private final long intervalMillis;
    private final AtomicLong nextCheckMillis;

    ReloadSchedule(Clock clock, Duration interval) {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("reload check interval must be positive: " + interval);
        }
        this.clock = clock;
        this.intervalMillis = interval.toMillis();
        this.nextCheckMillis = new AtomicLong(clock.millis() + intervalMillis);
    }

    /** True for the one caller that should check now; the next check is then one interval away. */
    boolean claimDueCheck() {
        long now = clock.millis();
        long due = nextCheckMillis.get();
        return now >= due && nextCheckMillis.compareAndSet(due, now + intervalMillis);
    }
}
