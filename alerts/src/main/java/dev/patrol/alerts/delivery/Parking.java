package dev.patrol.alerts.delivery;

import dev.patrol.alerts.sink.Alert;
import dev.patrol.model.event.DeadLetter;
import dev.patrol.model.topic.Topics;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where an alert goes that a sink will not take: the dead-letter topic, with the finding's coordinates, the stage
 * {@code alerts-<sink>} and the reason, so it can be found and replayed once the cause is fixed. Logged with sink
 * name, finding id and reason only: never a URL or the payload.
 */
public final class Parking {

    private static final Logger LOG = LoggerFactory.getLogger(Parking.class);
    private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(30);

    /** Where a parked alert came from: a finding record, or (partition and offset -1) a grouped update. */
    public record Coordinates(String topic, int partition, long offset) {
    }

    private final Producer<byte[], byte[]> producer;
    private final String deadLetterTopic;
    private final Clock clock;

    /** {@code deadLetterTopic} is the full (prefixed) name. */
    public Parking(Producer<byte[], byte[]> producer, String deadLetterTopic, Clock clock) {
        this.producer = producer;
        this.deadLetterTopic = deadLetterTopic;
        this.clock = clock;
    }

    /** Writes the dead letter and waits for it, so the lane may then move past the finding. */
    public void park(String sink, Alert alert, Coordinates from, byte[] payload, String reason)
            throws InterruptedException {
        LOG.error("alert parked in the dead-letter topic sink={} findingId={} update={} reason={}", sink,
                alert.finding().id(), alert.isUpdate(), reason);
        write(new DeadLetter(from.topic(), from.partition(), from.offset(), "alerts-" + sink, reason, null, payload,
                clock.instant()));
    }

    /** A finding record that does not parse: skipped by every sink, recorded once. */
    public void badRecord(Coordinates from, byte[] payload, String errorClass) throws InterruptedException {
        LOG.error("finding skipped: cannot deserialize topic={} partition={} offset={} error={}", from.topic(),
                from.partition(), from.offset(), errorClass);
        write(new DeadLetter(from.topic(), from.partition(), from.offset(), "alerts-deserialize",
                "not a valid Finding", errorClass, payload, clock.instant()));
    }

    private void write(DeadLetter letter) throws InterruptedException {
        String key = letter.sourceTopic() + "/" + letter.partition() + "/" + letter.offset();
        try {
            producer.send(new ProducerRecord<>(deadLetterTopic,
                    Topics.DEAD_LETTERS.keySerde().serializer().serialize(deadLetterTopic, key),
                    Topics.DEAD_LETTERS.valueSerde().serializer().serialize(deadLetterTopic, letter)))
                    .get(WRITE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new KafkaException("cannot write to " + deadLetterTopic, e.getCause());
        } catch (TimeoutException e) {
            throw new KafkaException("cannot write to " + deadLetterTopic + " within " + WRITE_TIMEOUT, e);
        }
    }
}
