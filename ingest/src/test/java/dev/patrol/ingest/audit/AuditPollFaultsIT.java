package dev.patrol.ingest.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patrol.ingest.ado.AdoApiException;
import dev.patrol.ingest.ado.AdoCredential;
import dev.patrol.ingest.ado.AdoEndpoints;
import dev.patrol.ingest.ado.AdoHttpClient;
import dev.patrol.ingest.ado.ManualClock;
import dev.patrol.ingest.ado.RetryPolicy;
import dev.patrol.ingest.dedupe.SeenEntries;
import dev.patrol.ingest.kafka.TransactionalPublisher;
import dev.patrol.model.Secret;
import dev.patrol.model.event.AuditCheckpoint;
import dev.patrol.model.topic.Owner;
import dev.patrol.model.topic.TopicCreator;
import dev.patrol.model.topic.Topics;
import dev.patrol.simulator.AdoSimulator;
import dev.patrol.simulator.SimulatorConfig;
import dev.patrol.testkit.CommittedRecords;
import dev.patrol.testkit.KafkaExtension;
import dev.patrol.testkit.TestKafka;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Guards the poller's behaviour under a misbehaving audit API on a real broker: a truncated page, an HTML page or a
 * looping continuation token fails the whole window without committing anything or moving the checkpoint, and the
 * next poll stores every entry exactly once; an entry that ADO shows late is stored once if it appears within the
 * overlap (and, by design, missed if later than that).
 */
@ExtendWith(KafkaExtension.class)
class AuditPollFaultsIT {

    private static final DateTimeFormatter ADO_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSSxxx")
            .withZone(ZoneOffset.UTC);
    private static final Duration OVERLAP = Duration.ofMinutes(15);

    /** The poller as IngestService wires it, polling when the test says so, on a clock shared with the simulator. */
    private static final class Poller implements AutoCloseable {
        final AdoSimulator simulator;
        final ManualClock clock;
        final AuditPoll poll;
        final TransactionalPublisher publisher;
        final String prefix;

        Poller(TestKafka kafka, String prefix, long seed) {
            this.prefix = prefix;
            // Now, not a fixed date: the broker keeps records by their timestamps.
            this.clock = new ManualClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
            this.simulator = AdoSimulator.start(SimulatorConfig.defaults().withSeed(seed).withClock(clock));
            String org = simulator.org().organization();
            TopicCreator.ensure(kafka.admin(), Topics.ownedBy(Owner.INGEST), prefix);
            var client = new AdoHttpClient(AdoCredential.pat(Secret.of(SimulatorConfig.defaults().pat())),
                    Duration.ofSeconds(5), new RetryPolicy(3, Duration.ofMillis(10), Duration.ofMillis(50)),
                    clock.sleeper(), clock);
            var reader = new AuditLogReader(new AdoEndpoints(simulator.baseUrl(), simulator.baseUrl(), org), client, 50);
            // First window: the whole generated history (6 h), as IngestService starts with the initial lookback.
            var start = new AuditCheckpoint(org, clock.instant().minus(Duration.ofHours(7)).plus(OVERLAP), Map.of());
            this.poll = new AuditPoll(org, reader, new AuditWindowPlanner(OVERLAP, Duration.ofHours(24)), clock, start,
                    new SeenEntries(Duration.ofDays(8)));
            this.publisher = new TransactionalPublisher(
                    Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()), "it-poll-" + prefix, prefix);
        }

        AuditPoll.Result poll() throws InterruptedException {
            return poll.pollOnce(publisher);
        }

        Set<String> simulatorIds() {
            return simulator.org().auditEntries().stream().map(e -> e.get("id").asText()).collect(Collectors.toSet());
        }

        @Override
        public void close() {
            publisher.close();
            simulator.close();
        }
    }

    @Test
    void shouldKeepTheCheckpointAndStoreEveryEntryOnceWhenAPageIsTruncatedMidWindow(TestKafka kafka) throws Exception {
        assertWindowRetriedAfter(kafka, "truncated.", 41, faults -> {
            faults.delayNext("auditlog", 2, Duration.ZERO); // pages 1 and 2 pass
            faults.truncateNext("auditlog", 1);
        }, "is not valid JSON");
    }

    @Test
    void shouldKeepTheCheckpointAndStoreEveryEntryOnceWhenAPageIsHtml(TestKafka kafka) throws Exception {
        assertWindowRetriedAfter(kafka, "html.", 42, faults -> {
            faults.delayNext("auditlog", 1, Duration.ZERO);
            faults.invalidJsonNext("auditlog", 1);
        }, "is not valid JSON");
    }

    @Test
    void shouldKeepTheCheckpointAndStoreEveryEntryOnceWhenTheContinuationTokenRepeats(TestKafka kafka) throws Exception {
        assertWindowRetriedAfter(kafka, "loop.", 43, faults -> faults.repeatContinuationTokenNext(1),
                "continuation token repeated");
    }

    private void assertWindowRetriedAfter(TestKafka kafka, String prefix, long seed,
                                          Consumer<dev.patrol.simulator.Faults> fault, String message) throws Exception {
        try (var poller = new Poller(kafka, prefix, seed)) {
            // given
            fault.accept(poller.simulator.faults());
            AuditCheckpoint before = poller.poll.checkpoint();

            // when
            assertThatThrownBy(poller::poll).isInstanceOf(AdoApiException.class).hasMessageContaining(message);
            AuditCheckpoint afterFailure = poller.poll.checkpoint();
            List<String> storedAfterFailure = keys(kafka, prefix + Topics.AUDIT.name());
            AuditPoll.Result retried = poller.poll();

            // then
            assertThat(afterFailure).isEqualTo(before);
            assertThat(storedAfterFailure).isEmpty();
            assertThat(retried.produced()).isEqualTo(200);
            assertThat(poller.poll.checkpoint().windowEnd()).isEqualTo(poller.clock.instant());
            // Commit markers reach the partitions just after commitTransaction returns.
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                assertThat(CommittedRecords.read(kafka.bootstrapServers(), prefix + Topics.INGEST_CHECKPOINTS.name()))
                        .hasSize(1);
                assertThat(keys(kafka, prefix + Topics.AUDIT.name())).doesNotHaveDuplicates()
                        .containsExactlyInAnyOrderElementsOf(poller.simulatorIds());
            });
        }
    }

    @Test
    void shouldStoreALateEntryOnceWhenItAppearsWithinTheOverlap(TestKafka kafka) throws Exception {
        String prefix = "late.";
        try (var poller = new Poller(kafka, prefix, 44)) {
            // given: two entries ADO shows three minutes after the first poll, one 5 and one 30 minutes old by then
            Instant t0 = poller.clock.instant();
            poller.poll();
            ObjectNode withinOverlap = lateEntry(poller, t0.minus(Duration.ofMinutes(5)));
            ObjectNode beyondOverlap = lateEntry(poller, t0.minus(Duration.ofMinutes(30)));
            poller.simulator.org().appendAuditEntry(withinOverlap, t0.plus(Duration.ofMinutes(3)));
            poller.simulator.org().appendAuditEntry(beyondOverlap, t0.plus(Duration.ofMinutes(3)));

            // when: a poll before it shows, the one that finds it, and two more that re-read the overlap
            poller.clock.advance(Duration.ofMinutes(1));
            AuditPoll.Result beforeVisible = poller.poll();
            poller.clock.advance(Duration.ofMinutes(3));
            AuditPoll.Result found = poller.poll();
            poller.clock.advance(Duration.ofMinutes(1));
            AuditPoll.Result again = poller.poll();
            poller.clock.advance(Duration.ofMinutes(1));
            poller.poll();

            // then
            assertThat(beforeVisible.produced()).isZero();
            assertThat(found.produced()).isEqualTo(1);
            assertThat(again.produced()).isZero();
            assertThat(again.duplicates()).as("the late entry among the overlap's re-read ones").isPositive();
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(keys(kafka, prefix + Topics.AUDIT.name()))
                    .doesNotHaveDuplicates().hasSize(201)
                    .contains(withinOverlap.get("id").asText())
                    .as("later than the overlap: the reason ingest.overlap must exceed ADO's delay")
                    .doesNotContain(beyondOverlap.get("id").asText()));
        }
    }

    private static ObjectNode lateEntry(Poller poller, Instant timestamp) {
        ObjectNode entry = poller.simulator.org().auditEntries().get(0).deepCopy();
        entry.put("id", "2500000000000000000;00000064-0000-8888-8000-000000000000;" + UUID.randomUUID());
        entry.put("timestamp", ADO_TIME.format(timestamp));
        return entry;
    }

    private static List<String> keys(TestKafka kafka, String topic) {
        return CommittedRecords.read(kafka.bootstrapServers(), topic).stream()
                .map(r -> new String(r.key(), StandardCharsets.UTF_8)).toList();
    }
}
