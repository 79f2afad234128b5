package dev.patrol.bench;

import java.util.Arrays;
import java.util.Random;

/**
 * Draws ranks {@code 0..n-1} with probability proportional to {@code 1 / (rank + 1)^exponent}: a few values very often,
 * a long tail rarely, as source addresses are in a real audit log (a handful of office NATs and CI egress, then
 * home connections). Inverse-CDF over a precomputed table; not thread-safe (one per thread).
 */
public final class Zipf {

    private final double[] cumulative;
    private final Random random;

    public Zipf(int n, double exponent, Random random) {
        if (n < 1) {
            throw new IllegalArgumentException("n " + n + " must be positive");
        }
        cumulative = new double[n];
        double sum = 0;
        for (int rank = 0; rank < n; rank++) {
            sum += 1 / Math.pow(rank + 1, exponent);
            cumulative[rank] = sum;
        }
        for (int rank = 0; rank < n; rank++) {
            cumulative[rank] /= sum;
        }
        this.random = random;
    }

    public int next() {
        int index = Arrays.binarySearch(cumulative, random.nextDouble());
        return Math.min(cumulative.length - 1, index >= 0 ? index : -index - 1);
    }

    /**
     * {@code n} distinct public IPv4 addresses (no private, shared, loopback, link-local, documentation, multicast or
     * reserved ranges), so GeoIP finds most of them in real data; rank 0 is the most frequent when drawn by a Zipf.
     */
    public static String[] publicAddresses(int n, Random random) {
        var seen = new java.util.LinkedHashSet<String>();
        while (seen.size() < n) {
            int a = 1 + random.nextInt(223);
            int b = random.nextInt(256);
            if (a == 10 || a == 127 || (a == 100 && b >= 64 && b < 128) || (a == 169 && b == 254)
                    || (a == 172 && b >= 16 && b < 32) || (a == 192 && b == 168) || (a == 192 && b == 0)
                    || (a == 198 && (b == 18 || b == 19 || b == 51)) || (a == 203 && b == 0)) {
                continue;
            }
            seen.add(a + "." + b + "." + random.nextInt(256) + "." + (1 + random.nextInt(254)));
        }
        return seen.toArray(String[]::new);
    }
}
