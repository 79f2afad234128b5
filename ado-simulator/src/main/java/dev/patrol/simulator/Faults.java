package dev.patrol.simulator;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Failures on demand, so client retry and back-off code meets the errors ADO really returns.
 *
 * <p>A rule applies to the next {@code count} requests whose path contains its text (case-sensitive, the decoded
 * path without the query; {@code ""} matches every request). Faults are checked before anything else, so a faulted
 * request gets the fault whatever its credentials or parameters. Rules queue: when several match, the oldest one
 * with requests left wins. Thread-safe.
 */
public final class Faults {

    private final List<Rule> rules = new ArrayList<>(); // guarded by this

    Faults() {
    }

    /**
     * The next {@code count} matching requests get {@code status} with an ADO-style JSON error body.
     *
     * @param status an error status, 400..599
     */
    public synchronized void failNext(String pathContains, int count, int status) {
        Objects.requireNonNull(pathContains, "pathContains");
        requirePositive(count);
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("status " + status + " is not an error status (400..599)");
        }
        rules.add(new Rule(pathContains, count, new InjectedFault(status, null)));
    }

    /**
     * The next {@code count} matching requests are blocked the way ADO's rate limiter blocks: 429, {@code Retry-After}
     * in whole seconds (rounded up), the {@code X-RateLimit-*} headers and a TF400733 body.
     */
    public synchronized void throttleNext(String pathContains, int count, Duration retryAfter) {
        Objects.requireNonNull(pathContains, "pathContains");
        Objects.requireNonNull(retryAfter, "retryAfter");
        requirePositive(count);
        if (retryAfter.isNegative()) {
            throw new IllegalArgumentException("retryAfter " + retryAfter + " is negative");
        }
        rules.add(new Rule(pathContains, count, new InjectedFault(429, retryAfter)));
    }

    /** Drops every pending fault. */
    public synchronized void clear() {
        rules.clear();
    }

    /** Consumes one use of the oldest rule matching {@code path}, if any. */
    synchronized Optional<InjectedFault> take(String path) {
        for (Iterator<Rule> it = rules.iterator(); it.hasNext(); ) {
            Rule rule = it.next();
            if (path.contains(rule.pathContains)) {
                rule.remaining--;
                if (rule.remaining == 0) {
                    it.remove();
                }
                return Optional.of(rule.fault);
            }
        }
        return Optional.empty();
    }

    private static void requirePositive(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("count " + count + " must be at least 1");
        }
    }

    /** What a faulted request gets; {@code retryAfter} is set for throttling only. */
    record InjectedFault(int status, Duration retryAfter) {

        /** Retry-After is whole seconds; rounding down would invite a retry that is still too early. */
        long retryAfterSeconds() {
            long seconds = retryAfter.getSeconds();
            return retryAfter.getNano() > 0 ? seconds + 1 : seconds;
        }
    }

    private static final class Rule {
        private final String pathContains;
        private final InjectedFault fault;
        private int remaining;

        private Rule(String pathContains, int count, InjectedFault fault) {
            this.pathContains = pathContains;
            this.remaining = count;
            this.fault = fault;
        }
    }
}
