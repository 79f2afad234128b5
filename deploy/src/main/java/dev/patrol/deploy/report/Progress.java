package dev.patrol.deploy.report;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * Progress lines on stderr for reads that can take a while (a large topic, thousands of users): at most one line per
 * {@code every}, so a log stays short, and always the line that says a step is done. Thread-safe: the scanner's
 * threads report through it.
 */
public final class Progress {

    private final PrintStream err;
    private final Clock clock;
    private final Duration every;
    private Instant last;

    public Progress(PrintStream err, Clock clock, Duration every) {
        this.err = err;
        this.clock = clock;
        this.every = every;
        this.last = clock.instant();
    }

    /** Prints the line if the last one is at least {@code every} old; the line is only built then. */
    public synchronized void update(Supplier<String> line) {
        Instant now = clock.instant();
        if (Duration.between(last, now).compareTo(every) >= 0) {
            last = now;
            err.println("patrol report: " + line.get());
        }
    }

    /** Prints the line now: a step finished, or something the reader must know. */
    public synchronized void done(String line) {
        last = clock.instant();
        err.println("patrol report: " + line);
    }
}
