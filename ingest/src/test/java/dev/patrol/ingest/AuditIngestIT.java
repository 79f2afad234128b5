package dev.patrol.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patrol.model.event.DeadLetter;
import dev.patrol.model.topic.Topics;
import dev.patrol.simulator.AdoSimulator;
import dev.patrol.simulator.SimToken;
import dev.patrol.simulator.SimulatorConfig;
import dev.patrol.testkit.CommittedRecords;
import dev.patrol.testkit.KafkaExtension;
import dev.patrol.testkit.TestKafka;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Guards ingest's promises on a real broker against the simulator over real HTTP: every audit entry lands once
 * (also across a restart), a malformed entry goes to the dead-letter topic without stopping the poll, the
 * inventory topic mirrors the simulator's tokens, and a rejected credential is survived.
 */
@ExtendWith(KafkaExtension.class)
class AuditIngestIT {

    private static final DateTimeFormatter ADO_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSSxxx")
            .withZone(ZoneOffset.UTC);

    @Test
    void shouldProduceEveryEntryOnceAcrossARestart(TestKafka kafka) throws Exception {
        try (var simulator = AdoSimulator.start(SimulatorConfig.defaults().withSeed(11))) {
            var config = IngestConfigs.against(simulator, kafka.bootstrapServers(), "restart.");
            String auditTopic = "restart." + Topics.AUDIT.name();
            Set<String> expected = simulator.org().auditEntries().stream().map(e -> e.get("id").asText())
                    .collect(Collectors.toSet());

            try (var ingest = new IngestService(config, Clock.systemUTC()).start()) {
                await().atMost(Duration.ofSeconds(60)).until(() -> keys(kafka, auditTopic).size() >= expected.size());
            }
            ObjectNode late = simulator.org().auditEntries().get(0).deepCopy();
            late.put("id", "2500000000000000000;00000064-0000-8888-8000-000000000000;" + java.util.UUID.randomUUID());
            late.put("timestamp", ADO_TIME.format(Instant.now().minusSeconds(30)));
            simulator.org().appendAuditEntry(late);
            try (var ingest = new IngestService(config, Clock.systemUTC()).start()) {
                await().atMost(Duration.ofSeconds(60)).until(() -> keys(kafka, auditTopic).contains(late.get("id").asText()));
                // Several more polls re-read the overlap; none of them may add a record.
                await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10))
                        .until(() -> keys(kafka, auditTopic).size() == expected.size() + 1);
            }

            List<String> keys = keys(kafka, auditTopic);
            assertThat(keys).doesNotHaveDuplicates();
            assertThat(Set.copyOf(keys)).containsAll(expected).contains(late.get("id").asText()).hasSize(expected.size() + 1);
            assertThat(keys(kafka, "restart." + Topics.AUDIT_RAW.name())).doesNotHaveDuplicates().hasSize(expected.size() + 1);

            Map<String, Boolean> inventory = new HashMap<>();
            for (ConsumerRecord<byte[], byte[]> r : CommittedRecords.read(kafka.bootstrapServers(), "restart." + Topics.TOKENS.name())) {
                var token = Topics.TOKENS.valueSerde().deserializer().deserialize("t", r.value());
                inventory.put(new String(r.key(), StandardCharsets.UTF_8), token == null ? null : token.token().isValid());
            }
            assertThat(inventory).isEqualTo(simulator.org().tokens().stream()
                    .collect(Collectors.toMap(SimToken::authorizationId, SimToken::isValid)));
        }
    }

    @Test
    void shouldDeadLetterAMalformedEntryAndKeepPolling(TestKafka kafka) throws Exception {
        try (var simulator = AdoSimulator.start(SimulatorConfig.defaults().withSeed(12))) {
            ObjectNode malformed = simulator.org().auditEntries().get(0).deepCopy();
            String badId = "2500000000000000001;00000064-0000-8888-8000-000000000000;" + java.util.UUID.randomUUID();
            malformed.put("id", badId);
            malformed.putObject("ipAddress").put("unexpected", "object");
            simulator.org().appendAuditEntry(malformed);
            var config = IngestConfigs.against(simulator, kafka.bootstrapServers(), "dlq.");
            int total = simulator.org().auditEntries().size();

            try (var ingest = new IngestService(config, Clock.systemUTC()).start()) {
                await().atMost(Duration.ofSeconds(60))
                        .until(() -> keys(kafka, "dlq." + Topics.AUDIT.name()).size() >= total - 1);
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> !CommittedRecords.read(kafka.bootstrapServers(), "dlq." + Topics.DEAD_LETTERS.name()).isEmpty());
            }

            assertThat(keys(kafka, "dlq." + Topics.AUDIT.name())).hasSize(total - 1).doesNotContain(badId);
            assertThat(keys(kafka, "dlq." + Topics.AUDIT_RAW.name())).hasSize(total).contains(badId);
            List<DeadLetter> letters = CommittedRecords.read(kafka.bootstrapServers(), "dlq." + Topics.DEAD_LETTERS.name())
                    .stream().map(r -> Topics.DEAD_LETTERS.valueSerde().deserializer().deserialize("t", r.value())).toList();
            assertThat(letters).singleElement().satisfies(d -> {
                assertThat(d.stage()).isEqualTo("ingest-parse");
                assertThat(d.reason()).startsWith("not a valid audit entry");
                assertThat(new String(d.payload(), StandardCharsets.UTF_8)).contains(badId);
                assertThat(dev.patrol.model.json.Json.mapper().readTree(d.payload())).as("the entry as sent")
                        .isEqualTo(malformed);
            });
            // The raw topic keeps it too, as sent, so a parser fix can replay it.
            assertThat(CommittedRecords.read(kafka.bootstrapServers(), "dlq." + Topics.AUDIT_RAW.name()).stream()
                    .filter(r -> badId.equals(new String(r.key(), StandardCharsets.UTF_8)))
                    .map(r -> Topics.AUDIT_RAW.valueSerde().deserializer().deserialize("t", r.value()).entry()))
                    .singleElement().isEqualTo(malformed);
        }
    }

    @Test
    void shouldResumeWhenTheCredentialIsRejectedForAWhile(TestKafka kafka) throws Exception {
        try (var simulator = AdoSimulator.start(SimulatorConfig.defaults().withSeed(13))) {
            simulator.faults().failNext("/_apis/", 3, 401);
            var config = IngestConfigs.against(simulator, kafka.bootstrapServers(), "auth.");
            int total = simulator.org().auditEntries().size();

            try (var ingest = new IngestService(config, Clock.systemUTC()).start()) {
                await().atMost(Duration.ofSeconds(60)).until(() -> keys(kafka, "auth." + Topics.AUDIT.name()).size() >= total);
                assertThat(ingest.failure()).isNull();
            }

            assertThat(keys(kafka, "auth." + Topics.AUDIT.name())).hasSize(total).doesNotHaveDuplicates();
            // The outage reached the SOC as one pipeline-health finding, not only as log lines.
            var health = CommittedRecords.read(kafka.bootstrapServers(), "auth." + Topics.FINDINGS.name()).stream()
                    .map(r -> Topics.FINDINGS.valueSerde().deserializer().deserialize("t", r.value())).toList();
            assertThat(health).singleElement().satisfies(f -> {
                assertThat(f.ruleId()).isEqualTo(IngestService.CREDENTIAL_RULE);
                assertThat(f.evidence()).containsEntry("status", "401");
                assertThat(f.toString()).doesNotContain(SimulatorConfig.defaults().pat());
            });
        }
    }

    @Test
    void shouldKeepPollingTheAuditLogWhenTheInventoryCannotBeRead(TestKafka kafka) throws Exception {
        try (var simulator = AdoSimulator.start(SimulatorConfig.defaults().withSeed(14))) {
            // Graph refuses for the whole test (tokenadmin and Graph need more rights than the audit log).
            simulator.faults().failNext("/_apis/graph/users", 10_000, 403);
            var config = IngestConfigs.against(simulator, kafka.bootstrapServers(), "noinv.");
            int total = simulator.org().auditEntries().size();

            try (var ingest = new IngestService(config, Clock.systemUTC()).start()) {
                await().atMost(Duration.ofSeconds(60)).until(() -> keys(kafka, "noinv." + Topics.AUDIT.name()).size() >= total);
                assertThat(ingest.failure()).isNull();
            }

            assertThat(keys(kafka, "noinv." + Topics.AUDIT.name())).hasSize(total).doesNotHaveDuplicates();
        }
    }

    @Test
    void shouldAnnounceTheFirstPageRequestOnceBeforeAnyCommitWhenBackfilling(TestKafka kafka) throws Exception {
        try (var simulator = AdoSimulator.start(SimulatorConfig.defaults().withSeed(15))) {
            var config = IngestConfigs.against(simulator, kafka.bootstrapServers(), "backfill.");
            List<String> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
            long[] requestsAtReadingStarted = {-1};
            var listener = new IngestService.BackfillProgress() {
                @Override
                public void onReadingStarted() {
                    requestsAtReadingStarted[0] = simulator.requestCount();
                    heard.add("reading");
                }

                @Override
                public void onProgress(Instant windowEnd, long entries, double fraction, boolean done) {
                    heard.add(done ? "done " + entries : "window");
                }
            };

            try (var ingest = new IngestService(config, Clock.systemUTC())
                    .backfill(Instant.now().minus(Duration.ofDays(1)), listener).start()) {
                assertThat(ingest.awaitStop(Duration.ofSeconds(60))).isTrue();
                assertThat(ingest.failure()).isNull();
            }

            assertThat(heard).first().isEqualTo("reading");
            assertThat(heard).last().isEqualTo("done " + simulator.org().auditEntries().size());
            assertThat(heard).filteredOn("reading"::equals).hasSize(1);
            assertThat(requestsAtReadingStarted[0]).as("no page requested before start-up ended").isZero();
        }
    }

    private static List<String> keys(TestKafka kafka, String topic) {
        return CommittedRecords.read(kafka.bootstrapServers(), topic).stream()
                .map(r -> new String(r.key(), StandardCharsets.UTF_8)).toList();
    }
}
