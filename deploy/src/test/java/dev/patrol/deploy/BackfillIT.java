package dev.patrol.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patrol.model.topic.Topics;
import dev.patrol.simulator.AdoSimulator;
import dev.patrol.simulator.SimulatorConfig;
import dev.patrol.testkit.CommittedRecords;
import dev.patrol.testkit.KafkaExtension;
import dev.patrol.testkit.TestKafka;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Guards {@code patrol ingest --backfill-from DATE}: it reads the whole requested period from ADO (the simulator,
 * over real HTTP) into a real broker, reports progress, finishes on its own, and a second backfill of the same
 * period stores nothing twice.
 */
@ExtendWith(KafkaExtension.class)
class BackfillIT {

    @Test
    void shouldBackfillThePeriodOnceAndFinish(TestKafka kafka) {
        try (var simulator = AdoSimulator.start(SimulatorConfig.defaults().withSeed(31).withAuditEntries(400)
                .withHistory(Duration.ofDays(10)))) {
            Map<String, String> env = Map.of(
                    "PATROL_ORGANIZATION", simulator.org().organization(),
                    "PATROL_ADO_AUDIT_BASE_URL", simulator.baseUrl().toString(),
                    "PATROL_ADO_VSSPS_BASE_URL", simulator.baseUrl().toString(),
                    "ADO_PAT", SimulatorConfig.defaults().pat(),
                    "PATROL_INGEST_BATCH_SIZE", "50",
                    "PATROL_KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                    "PATROL_KAFKA_TOPIC_PREFIX", "backfill.");
            String from = Instant.now().minus(Duration.ofDays(11)).truncatedTo(ChronoUnit.DAYS).toString().substring(0, 10);

            var first = run(env, "ingest", "--backfill-from", from);
            var second = run(env, "ingest", "--backfill-from", from);

            assertThat(first.code()).as(first.err()).isZero();
            assertThat(second.code()).as(second.err()).isZero();
            assertThat(first.err()).contains("backfilling organization 'contoso' from " + from)
                    .contains("backfill: 100%").contains("400 entries").contains("done in");
            assertThat(second.err()).contains("backfill: 100%").contains(" 0 entries");
            var keys = CommittedRecords.read(kafka.bootstrapServers(), "backfill." + Topics.AUDIT.name()).stream()
                    .map(r -> new String(r.key(), StandardCharsets.UTF_8)).toList();
            assertThat(keys).hasSize(400).doesNotHaveDuplicates();
        }
    }

    @Test
    void shouldRefuseADateInTheFuture() {
        var result = run(Map.of(), "ingest", "--backfill-from", "2999-01-01");

        assertThat(result.code()).isEqualTo(2);
        assertThat(result.err()).startsWith("patrol: --backfill-from: 2999-01-01 is in the future");
    }

    record Result(int code, String err) {
    }

    private static Result run(Map<String, String> env, String... args) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int code = new PatrolCli(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), env).run(args);
        return new Result(code, err.toString(StandardCharsets.UTF_8));
    }
}
