package dev.patrol.deploy;

import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Turns Ctrl-C (SIGINT) and SIGTERM into an orderly stop: the first signal releases {@link #await}, so the command
 * closes its services and exits 0; a second signal during that shutdown stops the JVM at once.
 *
 * <p>The JVM's own handling would run shutdown hooks and exit 130/143, which reports a normal stop as a failure.
 */
final class ShutdownSignal {

    private final CountDownLatch requested = new CountDownLatch(1);

    /** Installs the handlers; {@code err} receives the "stopping" notice. */
    static ShutdownSignal install(PrintStream err) {
        ShutdownSignal signal = new ShutdownSignal();
        for (String name : new String[] {"INT", "TERM"}) {
            try {
                SignalHandler previous = Signal.handle(new Signal(name), s -> {
                    if (signal.requested.getCount() == 0) {
                        err.println("patrol: second " + s.getName() + ", stopping now");
                        Runtime.getRuntime().halt(130);
                    }
                    err.println("patrol: stopping (press Ctrl-C again to force)");
                    signal.requested.countDown();
                });
                if (previous == SignalHandler.SIG_IGN && name.equals("INT")) {
                    // Started with SIGINT ignored (nohup, `cmd &` from a script): the JVM keeps it ignored, so say how
                    // to stop instead of leaving Ctrl-C to do nothing.
                    err.println("patrol: Ctrl-C (SIGINT) is ignored in this environment; stop with `kill "
                            + ProcessHandle.current().pid() + "` (SIGTERM)");
                }
            } catch (IllegalArgumentException e) {
                // The platform lacks this signal; the other one, or the JVM default, still stops us.
            }
        }
        return signal;
    }

    /** Asks for a stop from code (tests, a failed service). */
    void request() {
        requested.countDown();
    }

    boolean isRequested() {
        return requested.getCount() == 0;
    }

    /** Waits for a stop request; returns true if one came within {@code timeout}. */
    boolean await(Duration timeout) throws InterruptedException {
        return requested.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
}
