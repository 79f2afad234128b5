package dev.patrol.bench;

import java.util.Arrays;

/** Latency samples in nanoseconds; percentiles by nearest rank. Thread-safe. */
final class Latencies {

    private long[] samples = new long[1024];
    private int count;

    synchronized void add(long nanos) {
        if (count == samples.length) {
            samples = Arrays.copyOf(samples, count * 2);
        }
        samples[count++] = nanos;
    }

    synchronized int count() {
        return count;
    }

    /** The p-th percentile (0..100) in milliseconds; NaN without samples. */
    synchronized double percentileMs(double p) {
        if (count == 0) {
            return Double.NaN;
        }
        long[] sorted = Arrays.copyOf(samples, count);
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100 * count);
        return sorted[Math.max(0, Math.min(count - 1, rank - 1))] / 1e6;
    }
}
