package dev.patrol.ingest;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs the reads a start needs (checkpoint, seen entry ids, tokens, users: each its own consumer on its own topic)
 * side by side instead of one after another; each read spends most of its time waiting on the broker. Closing stops
 * whatever is still running, so a failed read does not leave the others behind.
 */
final class StartupReads implements AutoCloseable {

    private final ExecutorService threads;

    StartupReads(String threadName) {
        AtomicInteger count = new AtomicInteger();
        this.threads = Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, threadName + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    <T> Future<T> start(Callable<T> read) {
        return threads.submit(read);
    }

    /** The read's result; its failure is rethrown as it was thrown, as if the read had run on this thread. */
    static <T> T await(Future<T> read) throws InterruptedException {
        try {
            return read.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException("a start-up read failed", e.getCause());
        }
    }

    @Override
    public void close() {
        threads.shutdownNow();
    }
}
