package dev.patrol.bench.jmh;

import dev.patrol.model.ado.AdoAuditEntry;
import dev.patrol.model.event.ReceivedAuditEntry;
import dev.patrol.model.json.Json;
import dev.patrol.model.topic.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.serialization.Deserializer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Decoding one audit entry: the ADO JSON as the audit API sends it (what ingest parses), and the audit topic's value
 * (what the streams source deserializes for every event). Entries cycle through 1,000 different ones of the mix.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class AuditDecodeBenchmark {

    private byte[][] adoJson;
    private byte[][] topicValues;
    private final Deserializer<ReceivedAuditEntry> deserializer = Topics.AUDIT.valueSerde().deserializer();
    private int next;

    @Setup
    public void setUp() throws Exception {
        List<ReceivedAuditEntry> entries = SampleOrg.entries(SampleOrg.org(), 1_000, Instant.parse("2026-11-21T08:00:00Z"));
        adoJson = new byte[entries.size()][];
        topicValues = new byte[entries.size()][];
        for (int i = 0; i < entries.size(); i++) {
            adoJson[i] = Json.mapper().writeValueAsString(entries.get(i).entry()).getBytes(StandardCharsets.UTF_8);
            topicValues[i] = Topics.AUDIT.valueSerde().serializer().serialize(Topics.AUDIT.name(), entries.get(i));
        }
    }

    @Benchmark
    public AdoAuditEntry adoEntry() throws Exception {
        next = (next + 1) % adoJson.length;
        return Json.mapper().readValue(adoJson[next], AdoAuditEntry.class);
    }

    @Benchmark
    public ReceivedAuditEntry auditTopicValue() {
        next = (next + 1) % topicValues.length;
        return deserializer.deserialize(Topics.AUDIT.name(), topicValues[next]);
    }
}
