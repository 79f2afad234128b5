package dev.patrol.simulator;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Failures on demand, so client retry, back-off and parsing code meets the errors ADO (and what stands in front of
 * it) really returns.
 *
 * <p>A rule applies to the next {@code count} requests whose path contains its text (case-sensitive, the decoded
 * path without the query; {@code ""} matches every request). Faults are checked before anything else, so a faulted
 * request gets the fault whatever its credentials or parameters. Rules queue: when several match, the oldest one
 * with requests left wins, and a request gets one fault at most. Kinds:
 * <ul>
 *   <li>{@link #failNext}: an error status with ADO's JSON error body (503 this way has no {@code Retry-After});</li>
 *   <li>{@link #throttleNext}: 429 as ADO's rate limiter blocks, with {@code Retry-After};</li>
 *   <li>{@link #unavailableNext}: 503 with {@code Retry-After}, as a front end in maintenance answers;</li>
 *   <li>{@link #delayNext}: the normal answer, after a delay (a slow response, not an error);</li>
 *   <li>{@link #truncateNext}: the normal status and headers, the body cut in half: JSON that ends mid-way;</li>
 *   <li>{@link #invalidJsonNext}: 200 with an HTML page instead of JSON, as a proxy or sign-in page answers.</li>
 * </ul>
 * {@link #repeatContinuationTokenNext} is not tied to a path: it makes audit-log pages loop.
 *
 * <p>Thread-safe.
 */
public final class Faults {

    private final List<Rule> rules = new ArrayList<>(); // guarded by this
    private int repeatTokens; // guarded by this

    Faults() {
    }

    /**
     * The next {@code count} matching requests get {@code status} with an ADO-style JSON error body.
     *
     * @param status an error status, 400..599
     */
    public synchronized void failNext(String pathContains, int count, int status) {
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("status " + status + " is not an error status (400..599)");
        }
        add(pathContains, count, new InjectedFault(Kind.STATUS, status, null));
    }

    /**
     * The next {@code count} matching requests are blocked the way ADO's rate limiter blocks: 429, {@code Retry-After}
     * in whole seconds (rounded up), the {@code X-RateLimit-*} headers and a TF400733 body.
     */
    public synchronized void throttleNext(String pathContains, int count, Duration retryAfter) {
        add(pathContains, count, new InjectedFault(Kind.THROTTLE, 429, requireNotNegative(retryAfter, "retryAfter")));
    }

    /**
     * The next {@code count} matching requests get 503 with {@code Retry-After} in whole seconds (rounded up). For
     * a 503 without the header, use {@link #failNext} with 503.
     */
    public synchronized void unavailableNext(String pathContains, int count, Duration retryAfter) {
        add(pathContains, count, new InjectedFault(Kind.UNAVAILABLE, 503, requireNotNegative(retryAfter, "retryAfter")));
    }

    /**
     * The next {@code count} matching requests are answered normally, but only after {@code delay}: the worker holds
     * the request, so the client sees no response headers until then (its request timeout runs).
     *
     * @param delay at most a minute: longer than any sane client timeout, short enough not to hang a test run
     */
    public synchronized void delayNext(String pathContains, int count, Duration delay) {
        requireNotNegative(delay, "delay");
        if (delay.compareTo(Duration.ofMinutes(1)) > 0) {
            throw new IllegalArgumentException("delay " + delay + " is longer than a minute");
        }
        add(pathContains, count, new InjectedFault(Kind.DELAY, 0, delay));
    }

    /**
     * The next {@code count} matching requests get their normal status and headers but only the first half of the
     * body (at least one byte short), with a {@code Content-Length} that matches what is sent: the HTTP exchange
     * completes and the JSON ends mid-way, as when a proxy cuts a response. A body-less answer (204) is unchanged.
     */
    public synchronized void truncateNext(String pathContains, int count) {
        add(pathContains, count, new InjectedFault(Kind.TRUNCATE, 0, null));
    }

    /**
     * The next {@code count} matching requests get 200 with an HTML page ({@code Content-Type: text/html}) instead
     * of JSON, as a sign-in page or an intercepting proxy answers.
     */
    public synchronized void invalidJsonNext(String pathContains, int count) {
        add(pathContains, count, new InjectedFault(Kind.INVALID_JSON, 200, null));
    }

    /**
     * The next {@code count} audit-log requests that carry a {@code continuationToken} are answered with that same
     * token and {@code hasMore: true}, whatever the page holds: a client that simply follows tokens loops forever.
     * Counted separately from the path rules; {@link #clear()} drops it too.
     */
    public synchronized void repeatContinuationTokenNext(int count) {
        requirePositive(count);
        repeatTokens += count;
    }

    /** Drops every pending fault. */
    public synchronized void clear() {
        rules.clear();
        repeatTokens = 0;
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

    /** Consumes one repeated continuation token, if any is pending. */
    synchronized boolean takeRepeatedToken() {
        if (repeatTokens == 0) {
            return false;
        }
        repeatTokens--;
        return true;
    }

    private void add(String pathContains, int count, InjectedFault fault) {
        Objects.requireNonNull(pathContains, "pathContains");
        requirePositive(count);
        rules.add(new Rule(pathContains, count, fault));
    }

    private static void requirePositive(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("count " + count + " must be at least 1");
        }
    }

    private static Duration requireNotNegative(Duration duration, String name) {
        Objects.requireNonNull(duration, name);
        if (duration.isNegative()) {
            throw new IllegalArgumentException(name + " " + duration + " is negative");
        }
        return duration;
    }

    /** How a faulted request is answered. */
    enum Kind {
        /** {@code status} with an ADO error body. */
        STATUS,
        /** 429 with {@code Retry-After} = {@code duration}. */
        THROTTLE,
        /** 503 with {@code Retry-After} = {@code duration}. */
        UNAVAILABLE,
        /** The normal answer after {@code duration}. */
        DELAY,
        /** The normal answer with half its body. */
        TRUNCATE,
        /** 200 with HTML. */
        INVALID_JSON
    }

    /** What a faulted request gets; {@code duration} is the Retry-After or the delay where the kind has one. */
    record InjectedFault(Kind kind, int status, Duration duration) {

        /** Retry-After is whole seconds; rounding down would invite a retry that is still too early. */
        long retryAfterSeconds() {
            long seconds = duration.getSeconds();
            return duration.getNano() > 0 ? seconds + 1 : seconds;
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
