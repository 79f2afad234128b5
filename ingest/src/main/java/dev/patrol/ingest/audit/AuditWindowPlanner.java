package dev.patrol.ingest.audit;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Decides which window the next poll reads. ADO may show an entry some time after its timestamp (the delay is not
 * documented), so every window starts {@code overlap} before the previous one ended; ids seen inside the overlap are
 * remembered so the re-read produces nothing twice. A backlog (first start, backfill, an outage) is read in slices
 * of at most {@code maxWindow} so one transaction never holds an unbounded number of entries.
 */
public record AuditWindowPlanner(Duration overlap, Duration maxWindow) {

    public AuditWindowPlanner {
        Objects.requireNonNull(overlap, "overlap");
        if (maxWindow.compareTo(Duration.ofMinutes(1)) < 0) {
            throw new IllegalArgumentException("maxWindow must be at least one minute");
        }
    }

    /** A window to read: {@code [start, end)}; {@code caughtUp} when it reaches now. */
    public record Window(Instant start, Instant end, boolean caughtUp) {
    }

    public Window next(Instant previousEnd, Instant now) {
        Instant start = previousEnd.minus(overlap);
        Instant limit = previousEnd.plus(maxWindow);
        boolean caughtUp = !limit.isBefore(now);
        Instant end = caughtUp ? now : limit;
        if (end.isBefore(previousEnd)) {
            end = previousEnd; // a clock that stepped back must not move the checkpoint backwards
        }
        return new Window(start, end, caughtUp);
    }
}
