package dev.patrol.bench;

import java.io.PrintStream;
import java.util.Locale;

/** Progress lines on stderr: one when a step starts, at most one every few seconds while it runs, one when it ends. */
final class Progress {

    private static final long EVERY_NANOS = 3_000_000_000L;

    private final PrintStream err;
    private final long started = System.nanoTime();
    private long lastLine;
    private String step = "";

    Progress(PrintStream err) {
        this.err = err;
    }

    void step(String name, String what) {
        step = name;
        line(what);
    }

    /** A running figure; printed only if the last line is a few seconds old. */
    void tick(String format, Object... args) {
        if (System.nanoTime() - lastLine >= EVERY_NANOS) {
            line(String.format(Locale.ROOT, format, args));
        }
    }

    void done(String format, Object... args) {
        line(String.format(Locale.ROOT, format, args));
    }

    private void line(String text) {
        lastLine = System.nanoTime();
        err.printf(Locale.ROOT, "patrol bench [%4ds] %s: %s%n", (lastLine - started) / 1_000_000_000L, step, text);
    }
}
