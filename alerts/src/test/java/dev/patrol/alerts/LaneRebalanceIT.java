package dev.patrol.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.patrol.alerts.delivery.Backoff;
import dev.patrol.alerts.delivery.DeliveryLane;
import dev.patrol.alerts.delivery.Parking;
import dev.patrol.alerts.metrics.AlertsMetrics;
import dev.patrol.alerts.sink.Alert;
import dev.patrol.alerts.sink.AlertSink;
import dev.patrol.alerts.sink.Delivery;
import dev.patrol.model.config.AlertsSettings.Route;
import dev.patrol.model.event.Finding;
import dev.patrol.model.event.Severity;
import dev.patrol.model.topic.Topics;
import dev.patrol.testkit.KafkaExtension;
import dev.patrol.testkit.TestKafka;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Guards against a lane skipping the records of the poll in which its group rebalanced: with the default (eager)
 * assignor every rebalance revokes and re-assigns all partitions, and the records that same poll returns belong to
 * the new assignment. The lane once took them for records of a revoked partition, dropped them, and committed past
 * them with the next finding it delivered: up to {@code max.poll.records} findings never reached the sink. The fault
 * suite found it as 10 findings lost after alerts was killed and restarted (the dead instance's members leaving the
 * group one session timeout later rebalanced the new instance's lanes while findings were waiting).
 */
@ExtendWith(KafkaExtension.class)
class LaneRebalanceIT {

    private static final int FINDINGS = 400;
    private static final int VISITS = 3;

    @Test
    void shouldDeliverEveryFindingWhenItsGroupRebalancesWhileFindingsAreWaiting(TestKafka kafka) throws Exception {
        String name = "rebalance";
        String group = name + ".recorder";
        String other = name + ".elsewhere";
        List<Finding> findings = IntStream.range(0, FINDINGS).mapToObj(i -> ItSupport.finding(name, i, Severity.HIGH))
                .toList();
        ItSupport.produce(kafka, name + ".", findings);
        kafka.admin().createTopics(List.of(new NewTopic(other, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        var sink = new RecordingSink();

        try (var producer = new KafkaProducer<>(Map.<String, Object>of("bootstrap.servers", kafka.bootstrapServers()),
                new ByteArraySerializer(), new ByteArraySerializer());
             var lane = new DeliveryLane(sink, Route.all(), Optional.empty(), Optional.empty(),
                     new Backoff(Duration.ofMillis(200), Duration.ofSeconds(1)), Duration.ofMinutes(5),
                     laneConsumer(kafka, group), name + "." + Topics.FINDINGS.name(),
                     new Parking(producer, name + "." + Topics.DEAD_LETTERS.name(), Clock.systemUTC()), false,
                     Clock.systemUTC(), new AlertsMetrics(new SimpleMeterRegistry())).start()) {
            await().atMost(Duration.ofSeconds(20)).until(() -> !sink.received.isEmpty());
            // Each member that joins, then leaves, rebalances the lane's group twice; it reads another topic, so the
            // lane keeps every findings partition, and gets them back in the same poll.
            for (int i = 0; i < VISITS; i++) {
                try (var visitor = new KafkaConsumer<>(laneConsumer(kafka, group))) {
                    visitor.subscribe(List.of(other));
                    await().atMost(Duration.ofSeconds(30)).until(() -> {
                        visitor.poll(Duration.ofMillis(100));
                        return !visitor.assignment().isEmpty();
                    });
                }
            }
            assertThat(sink.received).as("every rebalance came while findings were waiting").hasSizeLessThan(FINDINGS);
            await().atMost(Duration.ofSeconds(60)).until(() -> committedTotal(kafka, group, name) == FINDINGS);
        }

        assertThat(sink.received).as("every finding reached the sink before its offset was committed")
                .containsAll(findings.stream().map(Finding::id).toList());
    }

    /** The lane's consumer settings as {@code AlertsService} makes them. */
    private static Map<String, Object> laneConsumer(TestKafka kafka, String group) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        return props;
    }

    private static long committedTotal(TestKafka kafka, String group, String name) throws Exception {
        String topic = name + "." + Topics.FINDINGS.name();
        return kafka.admin().listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().entrySet().stream()
                .filter(e -> e.getKey().topic().equals(topic) && e.getValue() != null)
                .mapToLong(e -> e.getValue().offset()).sum();
    }

    /** Takes every alert, a little slowly, so rebalances start while the lane is busy with a batch. */
    private static final class RecordingSink implements AlertSink {

        final Queue<String> received = new ConcurrentLinkedQueue<>();

        @Override
        public String name() {
            return "recorder";
        }

        @Override
        public String target() {
            return "memory";
        }

        @Override
        public Delivery deliver(Alert alert) throws InterruptedException {
            TimeUnit.MILLISECONDS.sleep(40);
            received.add(alert.finding().id());
            return Delivery.delivered();
        }
    }
}
