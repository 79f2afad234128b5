package dev.patrol.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.patrol.alerts.AlertsService;
import dev.patrol.alerts.sink.WebhookSink;
import dev.patrol.ingest.IngestService;
import dev.patrol.model.event.Finding;
import dev.patrol.model.json.Json;
import dev.patrol.simulator.AdoSimulator;
import dev.patrol.simulator.OffNetworkUse;
import dev.patrol.simulator.SimulatorConfig;
import dev.patrol.streams.StreamsService;
import dev.patrol.testkit.HttpReceiver;
import dev.patrol.testkit.KafkaExtension;
import dev.patrol.testkit.TestKafka;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Guards the walking skeleton end to end: simulated ADO → ingest (real HTTP) → Kafka (a real broker) → streams →
 * alerts → a real HTTP webhook receiver must carry exactly the simulator's off-network PAT uses as PAT-OFFNET-01
 * findings, each once (other rules may fire on the generated org too; none may be delivered twice).
 */
@ExtendWith(KafkaExtension.class)
class PipelineIT {

    record Use(String entryId, String authorizationId, String ip) {
    }

    @Test
    @SuppressWarnings("try") // the services run while the try block waits; they are closed at its end
    void shouldDeliverExactlyTheOffNetworkPatUsesWhenTheWholePipelineRuns(TestKafka kafka, @TempDir Path dir)
            throws Exception {
        try (var simulator = AdoSimulator.start(SimulatorConfig.defaults().withSeed(7));
             var receiver = HttpReceiver.start()) {
            var config = Demo.configFor(simulator, kafka.bootstrapServers(), dir,
                    new Demo.Options(7, List.of(receiver.url("/hook")), "it."));
            Set<Use> expected = simulator.org().offNetworkPatUses().stream()
                    .map(u -> new Use(u.entryId(), u.authorizationId(), u.ipAddress()))
                    .collect(Collectors.toSet());
            assertThat(expected).as("the simulator scripts off-network uses").isNotEmpty();
            assertThat(simulator.org().offNetworkPatUses()).anyMatch(u -> !u.tokenInInventory());
            var terminal = new ByteArrayOutputStream();

            try (var ingest = new IngestService(config, Clock.systemUTC()).start();
                 var streams = new StreamsService(config, Clock.systemUTC()).start();
                 var alerts = new AlertsService(config, new PrintStream(terminal, true, StandardCharsets.UTF_8)).start()) {

                await().atMost(Duration.ofSeconds(90))
                        .until(() -> latestPerId(offNetwork(receiver)).size() >= expected.size());
                // Nothing else may follow: the simulator's history was read in the first poll.
                await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(20))
                        .until(() -> latestPerId(offNetwork(receiver)).size() == expected.size());
            }

            // A finding id may arrive twice only as an update (its token reached the inventory after the use, so the
            // finding was sent again with the token's facts); the same body twice would be a duplicate delivery.
            assertThat(receiver.received()).extracting(r -> r.body()).doesNotHaveDuplicates();
            List<Finding> all = latestPerId(receiver.received().stream().map(r -> read(r.body())).toList());
            List<Finding> delivered = latestPerId(offNetwork(receiver));
            assertThat(delivered).map(f -> new Use(f.sourceEventIds().get(0), f.subject().authorizationId(),
                    f.subject().ipAddress())).containsExactlyInAnyOrderElementsOf(expected);
            assertThat(receiver.received()).allSatisfy(r -> assertThat(r.headers()
                    .entrySet().stream().filter(h -> h.getKey().equalsIgnoreCase(WebhookSink.FINDING_ID_HEADER))
                    .findFirst().orElseThrow().getValue()).containsExactly(read(r.body()).id()));

            String unknownEntry = simulator.org().offNetworkPatUses().stream()
                    .filter(u -> !u.tokenInInventory()).map(OffNetworkUse::entryId).findFirst().orElseThrow();
            assertThat(delivered).filteredOn(f -> f.sourceEventIds().contains(unknownEntry)).singleElement()
                    .satisfies(f -> assertThat(f.evidence().get("token")).startsWith("not in inventory"));
            assertThat(delivered).filteredOn(f -> !f.sourceEventIds().contains(unknownEntry))
                    .allSatisfy(f -> assertThat(f.evidence()).containsEntry("token", "in inventory"));

            String printed = terminal.toString(StandardCharsets.UTF_8);
            // The terminal shows what the webhook got at medium severity and above (the demo's console route),
            // updates included.
            long mediumOrAbove = receiver.received().stream().map(r -> read(r.body()))
                    .filter(f -> f.severity().compareTo(dev.patrol.model.event.Severity.MEDIUM) >= 0).count();
            assertThat(printed.lines().filter(l -> l.startsWith("FINDING ")).count()).isEqualTo(mediumOrAbove);
        }
    }

    /** The last version of each finding, in first-seen order. */
    private static List<Finding> latestPerId(List<Finding> findings) {
        var byId = new java.util.LinkedHashMap<String, Finding>();
        findings.forEach(f -> byId.put(f.id(), f));
        return List.copyOf(byId.values());
    }

    /** The off-network findings delivered so far: the rule the simulator's ground truth describes. */
    private static List<Finding> offNetwork(HttpReceiver receiver) {
        return receiver.received().stream().map(r -> read(r.body()))
                .filter(f -> f.ruleId().equals("PAT-OFFNET-01")).toList();
    }

    private static Finding read(String body) {
        try {
            return Json.mapper().readValue(body, Finding.class);
        } catch (Exception e) {
            throw new AssertionError("webhook body is not a Finding: " + e.getMessage(), e);
        }
    }
}
