package dev.patrol.alerts.sink;

import com.fasterxml.jackson.databind.JsonNode;
import dev.patrol.model.topic.Topics;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RetriableException;

/**
 * Writes each finding to {@code patrol.findings.ocsf} as an OCSF Detection Finding ({@link OcsfFinding}), keyed by
 * finding id, for SIEM connectors. Never grouped: a SIEM correlates for itself. At least once like every sink: a
 * repeat carries the same key and {@code finding_info.uid}.
 *
 * <p>The producer is shared and owned by the service; a send waits for the broker's acknowledgement so the lane
 * commits only what is written.
 */
public final class OcsfTopicSink implements AlertSink {

    private final Producer<byte[], byte[]> producer;
    private final String topic;
    private final Links links;
    private final Duration timeout;

    /** {@code topic} is the full (prefixed) topic name. */
    public OcsfTopicSink(Producer<byte[], byte[]> producer, String topic, Links links, Duration timeout) {
        this.producer = producer;
        this.topic = topic;
        this.links = links;
        this.timeout = timeout;
    }

    @Override
    public String name() {
        return "ocsf";
    }

    @Override
    public String target() {
        return "topic " + topic;
    }

    @Override
    public Delivery deliver(Alert alert) throws InterruptedException {
        JsonNode value = OcsfFinding.build(alert.finding(), links);
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic,
                Topics.FINDINGS_OCSF.keySerde().serializer().serialize(topic, alert.finding().id()),
                Topics.FINDINGS_OCSF.valueSerde().serializer().serialize(topic, value));
        try {
            producer.send(record).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return Delivery.delivered();
        } catch (TimeoutException e) {
            return Delivery.retry("no acknowledgement within " + timeout);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            return cause instanceof RetriableException
                    ? Delivery.retry(cause.getClass().getSimpleName())
                    : Delivery.rejected(cause.getClass().getSimpleName());
        }
    }
}
