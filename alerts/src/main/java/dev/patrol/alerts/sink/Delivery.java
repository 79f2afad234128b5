package dev.patrol.alerts.sink;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How one delivery attempt went.
 *
 * @param detail     why it did not work, safe to log ("HTTP 503", "ConnectException"): never a URL or a payload
 * @param retryAfter how long the receiver asked us to wait (HTTP {@code Retry-After}), when it said
 */
public record Delivery(Outcome outcome, String detail, Optional<Duration> retryAfter) {

    /** Whether a delivery worked, may work later, or never will. */
    public enum Outcome {
        DELIVERED,
        /** Connection failure, timeout, 408, 429 or 5xx: worth retrying. */
        RETRY,
        /** The receiver refuses this alert (other 4xx, or a payload it cannot take): retrying would not help. */
        REJECTED
    }

    private static final Delivery DELIVERED = new Delivery(Outcome.DELIVERED, "delivered", Optional.empty());

    public Delivery {
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(detail, "detail");
        Objects.requireNonNull(retryAfter, "retryAfter");
    }

    public static Delivery delivered() {
        return DELIVERED;
    }

    public static Delivery retry(String detail) {
        return new Delivery(Outcome.RETRY, detail, Optional.empty());
    }

    public static Delivery retry(String detail, Optional<Duration> retryAfter) {
        return new Delivery(Outcome.RETRY, detail, retryAfter);
    }

    public static Delivery rejected(String detail) {
        return new Delivery(Outcome.REJECTED, detail, Optional.empty());
    }
}
