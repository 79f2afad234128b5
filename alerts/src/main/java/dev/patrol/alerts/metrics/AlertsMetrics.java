package dev.patrol.alerts.metrics;

import dev.patrol.model.event.ResponseAction;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import org.apache.kafka.clients.consumer.Consumer;

/**
 * The alerts service's own meters, with constant names and descriptions. Tags are low-cardinality only: sink,
 * outcome, reason, status — never a finding id, user, address or token.
 */
public final class AlertsMetrics {

    public static final String DELIVERIES = "patrol.alert.deliveries";
    public static final String DELIVERY_LATENCY = "patrol.alert.delivery.latency";
    public static final String PARKED = "patrol.alert.parked";
    public static final String REVOCATIONS = "patrol.revocations";

    /** Why an alert or record went to the dead-letter topic. */
    public enum ParkReason {
        /** The sink refused it (a 4xx-style answer): retrying would not help. */
        REJECTED,
        /** The sink kept failing for longer than {@code alerts.retry.giveUpAfter}. */
        GAVE_UP,
        /** The findings record could not be read at all. */
        BAD_RECORD;

        String tag() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final MeterRegistry registry;

    public AlertsMetrics(MeterRegistry registry) {
        this.registry = registry;
        // At zero from the start (nine statuses): the revocation panels show 0, not "no data", before the first one.
        for (ResponseAction.Status status : ResponseAction.Status.values()) {
            revocations(status);
        }
    }

    /** The Kafka client meters of one consumer (fetch rates, lag); close the result with the client. */
    public AutoCloseable bindClient(Consumer<?, ?> consumer) {
        var clientMetrics = new KafkaClientMetrics(consumer);
        clientMetrics.bindTo(registry);
        return clientMetrics;
    }

    /** Registers a sink's meters at zero, so a dashboard or rule sees the sink before its first alert. */
    public void sinkConfigured(String sink) {
        deliveries(sink, "delivered");
        deliveries(sink, "retry");
        deliveries(sink, "parked");
        latency(sink);
        parkedCounter(sink, ParkReason.REJECTED);
        parkedCounter(sink, ParkReason.GAVE_UP);
    }

    /** The sink took the alert; latency runs from when PATrol produced the finding. */
    public void delivered(String sink, Instant detectedAt, Instant now) {
        deliveries(sink, "delivered").increment();
        Duration latency = Duration.between(detectedAt, now);
        if (!latency.isNegative()) {
            latency(sink).record(latency);
        }
    }

    /** A group update (the window's count) went out: counted, but its latency would be the window, not delivery. */
    public void updateDelivered(String sink) {
        deliveries(sink, "delivered").increment();
    }

    /** One failed attempt that will be retried with backoff. */
    public void retried(String sink) {
        deliveries(sink, "retry").increment();
    }

    public void parked(String sink, ParkReason reason) {
        if (reason != ParkReason.BAD_RECORD) {
            deliveries(sink, "parked").increment();
        }
        parkedCounter(sink, reason).increment();
    }

    private Counter parkedCounter(String sink, ParkReason reason) {
        return Counter.builder(PARKED).description("Alerts and unreadable findings records sent to the dead-letter topic")
                .tag("sink", sink).tag("reason", reason.tag()).register(registry);
    }

    /** What a revocation playbook step ended with (proposed, approved, revoked, failed, ...). */
    public void responseAction(ResponseAction action) {
        if (action.kind() == ResponseAction.Kind.REVOKE_TOKEN) {
            revocations(action.status()).increment();
        }
    }

    private Counter revocations(ResponseAction.Status status) {
        return Counter.builder(REVOCATIONS).description("Token revocation actions by status, as the playbook recorded them")
                .tag("status", status.name()).register(registry);
    }

    private Counter deliveries(String sink, String outcome) {
        return Counter.builder(DELIVERIES)
                .description("Delivery attempts per sink: delivered, retry (failed, will retry), parked (dead-lettered)")
                .tag("sink", sink).tag("outcome", outcome).register(registry);
    }

    private Timer latency(String sink) {
        return Timer.builder(DELIVERY_LATENCY)
                .description("From when PATrol produced a finding to when the sink took its alert (retries included)")
                .tag("sink", sink)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(10))
                .maximumExpectedValue(Duration.ofHours(1))
                .register(registry);
    }
}
