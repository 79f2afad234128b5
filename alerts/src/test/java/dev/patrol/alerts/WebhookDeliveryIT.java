package dev.patrol.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.patrol.alerts.sink.WebhookSink;
import dev.patrol.model.config.PatrolConfig;
import dev.patrol.model.event.Finding;
import dev.patrol.model.event.FindingSubject;
import dev.patrol.model.event.Severity;
import dev.patrol.model.topic.TopicCreator;
import dev.patrol.model.topic.Topics;
import dev.patrol.testkit.HttpReceiver;
import dev.patrol.testkit.KafkaExtension;
import dev.patrol.testkit.TestKafka;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Guards at-least-once delivery on a real broker: while the webhook answers 503, alerts keeps the findings and
 * retries; once it answers 200 every finding arrives, and none that was accepted is sent again.
 */
@ExtendWith(KafkaExtension.class)
class WebhookDeliveryIT {

    @Test
    @SuppressWarnings("try") // the service runs while the try block waits
    void shouldDeliverEveryFindingOnceTheWebhookRecovers(TestKafka kafka) throws Exception {
        try (var receiver = HttpReceiver.start()) {
            var config = PatrolConfig.load(Optional.empty(), Map.of(
                    "PATROL_ALERTS_WEBHOOKS", receiver.url("/hook").toString(),
                    "PATROL_ALERTS_CONSUMER_GROUP", "alerts-it",
                    "PATROL_KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers()));
            TopicCreator.ensure(kafka.admin(), List.of(Topics.FINDINGS), "");
            List<Finding> findings = IntStream.range(0, 5).mapToObj(WebhookDeliveryIT::finding).toList();
            int failures = 7;
            receiver.respondWith(503, failures);
            var terminal = new ByteArrayOutputStream();

            try (var producer = new KafkaProducer<>(Map.<String, Object>of("bootstrap.servers", kafka.bootstrapServers()),
                    Topics.FINDINGS.keySerde().serializer(), Topics.FINDINGS.valueSerde().serializer())) {
                findings.forEach(f -> producer.send(new ProducerRecord<>(Topics.FINDINGS.name(), f.id(), f)));
            }
            try (var alerts = new AlertsService(config, new PrintStream(terminal, true, StandardCharsets.UTF_8)).start()) {
                await().atMost(Duration.ofSeconds(60))
                        .until(() -> receiver.received().size() >= findings.size() + failures);
                await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10))
                        .until(() -> receiver.received().size() == findings.size() + failures);
            }

            var ids = receiver.received().stream().map(r -> r.header(WebhookSink.FINDING_ID_HEADER).orElseThrow()).toList();
            assertThat(ids.stream().distinct()).containsExactlyInAnyOrderElementsOf(findings.stream().map(Finding::id).toList());
            assertThat(terminal.toString(StandardCharsets.UTF_8).lines()).hasSize(findings.size());
        }
    }

    private static Finding finding(int i) {
        return new Finding(Finding.stableId("PAT-OFFNET-01", "token-" + i, "entry-" + i), "PAT-OFFNET-01",
                "PAT used from outside the corporate network", Severity.HIGH, List.of("T1078.004"), "contoso",
                new FindingSubject("token-" + i, "user@contoso.example", null, "203.0.113." + i), "summary " + i,
                Map.of("ip", "203.0.113." + i), Instant.parse("2026-05-01T10:00:00Z"), Instant.now(), List.of("entry-" + i));
    }
}
