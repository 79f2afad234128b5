package dev.patrol.deploy;

import dev.patrol.ingest.IngestService;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

/**
 * Shows a backfill's progress: on a terminal, one line redrawn in place with a bar and an ETA; otherwise (a log
 * file, CI) a plain line at most every {@code plainEvery}, and always the last one.
 */
final class ProgressPrinter implements IngestService.BackfillProgress {

    private static final int WIDTH = 30;

    private final PrintStream out;
    private final boolean terminal;
    private final Clock clock;
    private final Instant started;
    private final Duration plainEvery;
    private Instant lastPlain = Instant.MIN;

    ProgressPrinter(PrintStream out, boolean terminal, Clock clock, Duration plainEvery) {
        this.out = out;
        this.terminal = terminal;
        this.clock = clock;
        this.started = clock.instant();
        this.plainEvery = plainEvery;
    }

    @Override
    public synchronized void onProgress(Instant windowEnd, long entries, double fraction, boolean done) {
        Instant now = clock.instant();
        String line = String.format(Locale.ROOT, "%3.0f%%  read up to %s  %,d entries  %s",
                fraction * 100, windowEnd.truncatedTo(ChronoUnit.SECONDS), entries,
                done ? "done in " + human(Duration.between(started, now)) : "ETA " + eta(now, fraction));
        if (terminal) {
            int filled = (int) Math.round(fraction * WIDTH);
            out.print("\r[" + "#".repeat(filled) + ".".repeat(WIDTH - filled) + "] " + line + "   ");
            if (done) {
                out.println();
            }
            out.flush();
        } else if (done || !now.isBefore(lastPlain.plus(plainEvery))) {
            out.println("backfill: " + line);
            lastPlain = now;
        }
    }

    private String eta(Instant now, double fraction) {
        if (fraction <= 0.001) {
            return "unknown";
        }
        Duration elapsed = Duration.between(started, now);
        return human(Duration.ofMillis((long) (elapsed.toMillis() * (1 - fraction) / fraction)));
    }

    static String human(Duration duration) {
        long seconds = Math.max(0, duration.toSeconds());
        if (seconds < 60) {
            return seconds + "s";
        }
        if (seconds < 3600) {
            return (seconds / 60) + "m" + String.format(Locale.ROOT, "%02d", seconds % 60) + "s";
        }
        return (seconds / 3600) + "h" + String.format(Locale.ROOT, "%02d", (seconds % 3600) / 60) + "m";
    }
}
