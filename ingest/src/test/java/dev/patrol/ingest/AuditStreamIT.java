package dev.patrol.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patrol.model.config.PatrolConfig;
import dev.patrol.model.topic.Topics;
import dev.patrol.simulator.AdoSimulator;
import dev.patrol.simulator.SimulatorConfig;
import dev.patrol.testkit.CommittedRecords;
import dev.patrol.testkit.KafkaExtension;
import dev.patrol.testkit.TestKafka;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Guards the push path on a real broker: Splunk HEC and Event Grid deliveries (real HTTP) land in the audit topic,
 * an unauthenticated one is refused, and an entry that arrives by stream and by polling is stored once.
 */
@ExtendWith(KafkaExtension.class)
class AuditStreamIT {

    private static final DateTimeFormatter ADO_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSSxxx")
            .withZone(ZoneOffset.UTC);
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    @SuppressWarnings("try") // the service runs while the try block works
    void shouldStoreStreamedEntriesOnceAlongsidePolledOnes(TestKafka kafka) throws Exception {
        try (var simulator = AdoSimulator.start(SimulatorConfig.defaults().withSeed(21).withAuditEntries(30))) {
            Map<String, String> env = new HashMap<>(Map.of(
                    "PATROL_ORGANIZATION", simulator.org().organization(),
                    "PATROL_ADO_AUDIT_BASE_URL", simulator.baseUrl().toString(),
                    "PATROL_ADO_VSSPS_BASE_URL", simulator.baseUrl().toString(),
                    "ADO_PAT", SimulatorConfig.defaults().pat(),
                    "PATROL_INGEST_POLL_INTERVAL", "300ms",
                    "PATROL_KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                    "PATROL_KAFKA_TOPIC_PREFIX", "push."));
            env.putAll(Map.of(
                    "PATROL_AUDIT_STREAM_ENABLED", "true",
                    "PATROL_AUDIT_STREAM_BIND_ADDRESS", "127.0.0.1",
                    "PATROL_AUDIT_STREAM_PORT", "0",
                    "ADO_STREAM_HEC_TOKEN", "hec-token-for-test",
                    "ADO_STREAM_EVENTGRID_KEY", "grid-key-for-test"));
            PatrolConfig config = PatrolConfig.load(Optional.empty(), env).requireForIngest();
            String audit = "push." + Topics.AUDIT.name();
            List<ObjectNode> polled = simulator.org().auditEntries();

            try (var ingest = new IngestService(config, Clock.systemUTC()).start()) {
                await().atMost(Duration.ofSeconds(60)).until(() -> ingest.streamReceiverUrl().isPresent()
                        && keys(kafka, audit).size() >= polled.size());
                URI base = ingest.streamReceiverUrl().orElseThrow();
                ObjectNode onlyStreamed = fresh(polled.get(0));
                ObjectNode streamedThenPolled = fresh(polled.get(1));

                String hecBody = envelope(polled.get(2)) + "\n" + envelope(polled.get(3)) + "\n" + envelope(onlyStreamed);
                assertThat(post(base.resolve("/services/collector/event"), hecBody, "Splunk wrong-token")).isEqualTo(403);
                assertThat(post(base.resolve("/services/collector/event"), hecBody, null)).isEqualTo(401);
                assertThat(post(base.resolve("/services/collector/event"), hecBody, "Splunk hec-token-for-test")).isEqualTo(200);
                String grid = "[" + gridEvent(polled.get(4)) + "," + gridEvent(streamedThenPolled) + "]";
                assertThat(post(base.resolve("/eventgrid?code=grid-key-for-test"), grid, null)).isEqualTo(200);
                assertThat(post(base.resolve("/eventgrid"), grid, null)).isIn(401, 403);

                // The poller now sees the entry the stream delivered first.
                simulator.org().appendAuditEntry(streamedThenPolled);
                await().atMost(Duration.ofSeconds(30)).until(() -> keys(kafka, audit).size() >= polled.size() + 2);
                await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10))
                        .until(() -> keys(kafka, audit).size() == polled.size() + 2);

                List<String> keys = keys(kafka, audit);
                assertThat(keys).doesNotHaveDuplicates()
                        .contains(onlyStreamed.get("id").asText(), streamedThenPolled.get("id").asText());
                assertThat(keys(kafka, "push." + Topics.AUDIT_RAW.name())).doesNotHaveDuplicates().hasSize(keys.size());
            }
        }
    }

    private static ObjectNode fresh(ObjectNode template) {
        ObjectNode entry = template.deepCopy();
        entry.put("id", "2500000000000000009;00000064-0000-8888-8000-000000000000;" + UUID.randomUUID());
        entry.put("timestamp", ADO_TIME.format(Instant.now().minusSeconds(20)));
        return entry;
    }

    private static String envelope(ObjectNode entry) {
        return "{\"time\":" + Instant.now().getEpochSecond() + ",\"sourcetype\":\"azure:devops:audit\",\"event\":"
                + entry + "}";
    }

    private static String gridEvent(ObjectNode entry) {
        return "{\"id\":\"" + UUID.randomUUID() + "\",\"topic\":\"/subscriptions/x/topics/ado\",\"subject\":\"audit\","
                + "\"eventType\":\"AuditEvent\",\"eventTime\":\"" + Instant.now() + "\",\"dataVersion\":\"1.0\",\"data\":"
                + entry + "}";
    }

    private int post(URI uri, String body, String authorization) throws Exception {
        var request = HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static List<String> keys(TestKafka kafka, String topic) {
        return CommittedRecords.read(kafka.bootstrapServers(), topic).stream()
                .map(r -> new String(r.key(), StandardCharsets.UTF_8)).toList();
    }
}
