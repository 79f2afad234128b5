package dev.patrol.ingest.stream;

import static dev.patrol.ingest.stream.StreamFixtures.EVENT_GRID_KEY;
import static dev.patrol.ingest.stream.StreamFixtures.HEC_TOKEN;
import static dev.patrol.ingest.stream.StreamFixtures.azureMonitorRow;
import static dev.patrol.ingest.stream.StreamFixtures.entry;
import static dev.patrol.ingest.stream.StreamFixtures.eventGridEvent;
import static dev.patrol.ingest.stream.StreamFixtures.hecEnvelope;
import static dev.patrol.ingest.stream.StreamFixtures.post;
import static dev.patrol.ingest.stream.StreamFixtures.send;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.TextNode;
import dev.patrol.ingest.stream.StreamDelivery.StreamedEntry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Random, truncated and mutated bodies. The parsers see many of them directly; a smaller share goes through HTTP.
 * Either way nothing may fail with a server error or hand the sink something that is not an audit entry. Seeded, so
 * a failure reproduces.
 */
class AuditStreamReceiverFuzzTest {

    private static final long SEED = 20260501L;
    private static final int PARSER_BODIES = 2000;
    private static final int HTTP_BODIES = 25;

    private static final String VALID_HEC = hecEnvelope(entry("e-1")) + "\n"
            + hecEnvelope(TextNode.valueOf(entry("e-2").toString())) + hecEnvelope(azureMonitorRow("e-3")) + "\n";
    private static final String VALID_EVENT_GRID = StreamFixtures.array(eventGridEvent("ev-1", entry("e-1")),
            eventGridEvent("ev-2", TextNode.valueOf(entry("e-2").toString())), eventGridEvent("ev-3", azureMonitorRow("e-3")));

    private final RecordingSink sink = new RecordingSink();
    private AuditStreamReceiver receiver;

    @BeforeEach
    void start() throws Exception {
        receiver = AuditStreamReceiver.start(StreamFixtures.settings(256 * 1024), sink, StreamFixtures.CLOCK);
    }

    @AfterEach
    void stop() {
        receiver.close();
    }

    @Test
    void shouldOnlyEverYieldAuditEntriesWhenHecParserGetsDamagedBodies() {
        List<StreamedEntry> yielded = new ArrayList<>();
        int parsed = 0;

        for (byte[] body : bodies(VALID_HEC, new Random(SEED), PARSER_BODIES)) {
            if (HecBatch.parse(body) instanceof HecBatch.Parsed result) {
                yielded.addAll(result.entries());
                parsed++;
            }
        }

        assertThat(parsed).isPositive();
        assertThat(yielded).isNotEmpty().allSatisfy(AuditStreamReceiverFuzzTest::assertIsAuditEntry);
    }

    @Test
    void shouldOnlyEverYieldAuditEntriesWhenEventGridParserGetsDamagedBodies() {
        List<StreamedEntry> yielded = new ArrayList<>();

        for (byte[] body : bodies(VALID_EVENT_GRID, new Random(SEED + 1), PARSER_BODIES)) {
            if (EventGridBatch.parse(body, false) instanceof EventGridBatch.Notifications result) {
                yielded.addAll(result.entries());
            }
        }

        assertThat(yielded).isNotEmpty().allSatisfy(AuditStreamReceiverFuzzTest::assertIsAuditEntry);
    }

    @Test
    void shouldAnswerOnlySuccessOrClientErrorWhenHecBodiesAreDamaged() {
        List<Integer> statuses = new ArrayList<>();

        for (byte[] body : bodies(VALID_HEC, new Random(SEED + 2), HTTP_BODIES)) {
            statuses.add(send(post(receiver.baseUrl().resolve("/services/collector"), body)
                    .header("Authorization", "Splunk " + HEC_TOKEN)).statusCode());
        }

        assertThat(statuses).allSatisfy(status -> assertThat(status).isIn(200, 400));
        assertThat(sink.deliveries()).flatMap(StreamDelivery::entries)
                .allSatisfy(AuditStreamReceiverFuzzTest::assertIsAuditEntry);
    }

    @Test
    void shouldAnswerOnlySuccessOrClientErrorWhenEventGridBodiesAreDamaged() {
        List<Integer> statuses = new ArrayList<>();

        for (byte[] body : bodies(VALID_EVENT_GRID, new Random(SEED + 3), HTTP_BODIES)) {
            statuses.add(send(post(receiver.baseUrl().resolve("/eventgrid?code=" + EVENT_GRID_KEY), body)).statusCode());
        }

        assertThat(statuses).allSatisfy(status -> assertThat(status).isIn(200, 400));
        assertThat(sink.deliveries()).flatMap(StreamDelivery::entries)
                .allSatisfy(AuditStreamReceiverFuzzTest::assertIsAuditEntry);
    }

    @Test
    void shouldAnswer400AndNotCallTheSinkWhenGzipBodiesAreDamaged() {
        Random random = new Random(SEED + 4);
        byte[] gzip = StreamFixtures.gzip(VALID_HEC.getBytes(StandardCharsets.UTF_8));
        List<Integer> statuses = new ArrayList<>();

        for (int i = 0; i < 12; i++) {
            byte[] body = i % 2 == 0 ? randomBytes(random, 1 + random.nextInt(200))
                    : Arrays.copyOf(gzip, 1 + random.nextInt(gzip.length - 9)); // cut before the trailer
            statuses.add(send(post(receiver.baseUrl().resolve("/services/collector"), body)
                    .header("Authorization", "Splunk " + HEC_TOKEN).header("Content-Encoding", "gzip")).statusCode());
        }

        assertThat(statuses).allSatisfy(status -> assertThat(status).isEqualTo(400));
        assertThat(sink.deliveries()).isEmpty();
    }

    private static void assertIsAuditEntry(StreamedEntry streamed) {
        assertThat(AuditEntryPayloads.isAuditEntry(streamed.entry())).as("entry %s", streamed.entry()).isTrue();
        assertThat(streamed.asSent()).isNotNull();
    }

    private static List<byte[]> bodies(String valid, Random random, int count) {
        byte[] bytes = valid.getBytes(StandardCharsets.UTF_8);
        List<byte[]> bodies = new ArrayList<>();
        bodies.add(bytes);
        bodies.add(("[".repeat(3000) + "]".repeat(3000)).getBytes(StandardCharsets.UTF_8));
        bodies.add("[1e999999999, -0.0e-99999, 123456789012345678901234567890]".getBytes(StandardCharsets.UTF_8));
        bodies.add("\"\\ud800\" {\"event\": \"\\u0000\"}".getBytes(StandardCharsets.UTF_8));
        while (bodies.size() < count) {
            switch (random.nextInt(4)) {
                case 0 -> bodies.add(Arrays.copyOf(bytes, random.nextInt(bytes.length)));
                case 1 -> bodies.add(randomBytes(random, random.nextInt(300)));
                case 2 -> bodies.add(mutated(bytes, random));
                default -> bodies.add(spliced(bytes, random));
            }
        }
        return bodies;
    }

    private static byte[] randomBytes(Random random, int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    /** A few bytes replaced by JSON-significant characters, which is what breaks parsers in interesting places. */
    private static byte[] mutated(byte[] valid, Random random) {
        byte[] copy = valid.clone();
        byte[] significant = "{}[]\",:\\ 0aE-\n".getBytes(StandardCharsets.UTF_8);
        for (int i = 0, n = 1 + random.nextInt(6); i < n; i++) {
            copy[random.nextInt(copy.length)] = significant[random.nextInt(significant.length)];
        }
        return copy;
    }

    /** Two pieces of the valid body glued in the wrong order. */
    private static byte[] spliced(byte[] valid, Random random) {
        int cut = random.nextInt(valid.length);
        byte[] copy = new byte[valid.length];
        System.arraycopy(valid, cut, copy, 0, valid.length - cut);
        System.arraycopy(valid, 0, copy, valid.length - cut, cut);
        return copy;
    }
}
