package dev.patrol.ingest.ado;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A clock tests move by hand, shared by the simulator and the code under test, and a {@link AdoHttpClient.Sleeper}
 * that "sleeps" by moving it: waits cost no wall-clock time, yet everything timed on the clock (rate-limit windows,
 * token expiry) sees them pass. Public so tests in other ingest packages can share it.
 */
public final class ManualClock extends Clock {

    private volatile Instant now;
    private final List<Duration> sleeps = new CopyOnWriteArrayList<>();

    public ManualClock(Instant start) {
        this.now = start;
    }

    public synchronized void advance(Duration duration) {
        now = now.plus(duration);
    }

    /** Sleeps by advancing the clock, and records the wait. */
    public AdoHttpClient.Sleeper sleeper() {
        return duration -> {
            sleeps.add(duration);
            advance(duration);
        };
    }

    /** Every wait the sleeper was asked for, in order. */
    public List<Duration> sleeps() {
        return List.copyOf(sleeps);
    }

    @Override
    public Instant instant() {
        return now;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
