package dev.patrol.alerts.sink;

/**
 * One place findings are delivered to: a chat webhook, a pager, a topic, the terminal.
 *
 * <p>A sink only makes one attempt per call and says how it went; retries, backoff, parking and grouping belong to
 * the delivery lane that drives it ({@code dev.patrol.alerts.delivery.DeliveryLane}), so each sink stays a payload
 * builder plus one request, testable on its own.
 */
public interface AlertSink extends AutoCloseable {

    /**
     * A stable, log-safe id ({@code slack}, {@code webhook-1a2b3c4d}): it names the sink's consumer group and its
     * grouping state, so it must not change between restarts, and it must never contain a secret.
     */
    String name();

    /** Where the sink delivers, safe to log: a host, a topic, "stdout". Never a URL path or query. */
    String target();

    /** One attempt. Interrupted only when the service stops. */
    Delivery deliver(Alert alert) throws InterruptedException;

    /** Releases what the sink holds (nothing, for most). */
    @Override
    default void close() {
    }
}
