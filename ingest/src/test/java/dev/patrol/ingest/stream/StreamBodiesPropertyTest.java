package dev.patrol.ingest.stream;

import static dev.patrol.ingest.stream.StreamFixtures.EVENT_GRID_KEY;
import static dev.patrol.ingest.stream.StreamFixtures.HEC_TOKEN;
import static dev.patrol.ingest.stream.StreamFixtures.post;
import static dev.patrol.ingest.stream.StreamFixtures.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.arbitrary;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;
import static org.quicktheories.generators.SourceDSL.strings;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patrol.ingest.stream.StreamDelivery.Rejected;
import dev.patrol.ingest.stream.StreamDelivery.StreamedEntry;
import dev.patrol.model.ado.AdoAuditEntry;
import dev.patrol.model.json.Json;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.quicktheories.api.Pair;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * HEC and Event Grid bodies built from generated audit entries (any code point in ids, values and unknown fields;
 * every envelope the receiver accepts; items that are not entries mixed in), and damaged copies of them. Properties:
 * every entry in a valid body comes out exactly as it went in and parses to an {@link AdoAuditEntry} with the same id
 * and time; every item that is not an entry is rejected with a reason that quotes nothing of it; a damaged body never
 * makes the parser throw and yields only audit entries; over real HTTP, a valid body is answered 200 with exactly its
 * entries handed on, anything else 400. Examples and seeds are fixed (docs/RELIABILITY.md).
 */
class StreamBodiesPropertyTest {

    static final int PARSER_EXAMPLES = 2000;
    static final int HOSTILE_EXAMPLES = 3000;
    static final int HTTP_EXAMPLES = 150;

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** A reason names the item by position only. */
    private static final Pattern REASON = Pattern.compile(
            "(HEC value \\d+( element \\d+)?|HEC body|Event Grid event \\d+) [a-zA-Z ,.0-9]+");

    private final RecordingSink sink = new RecordingSink();
    private AuditStreamReceiver receiver;

    @BeforeEach
    void start() throws Exception {
        receiver = AuditStreamReceiver.start(StreamFixtures.settings(1024 * 1024), sink, StreamFixtures.CLOCK);
    }

    @AfterEach
    void stop() {
        receiver.close();
    }

    @Test
    void shouldHandOnEveryEntryExactlyAndRejectEveryOtherItemWithAReasonWhenAHecBodyIsValid() {
        AtomicInteger entries = new AtomicInteger();

        qt().withExamples(PARSER_EXAMPLES).withFixedSeed(20261129L).forAll(hecBodies()).checkAssert(body -> {
            HecBatch.Parsed parsed = (HecBatch.Parsed) HecBatch.parse(body.bytes());

            assertExactly(parsed.entries(), parsed.rejected(), body);
            entries.addAndGet(parsed.entries().size());
        });

        System.out.printf("StreamBodiesPropertyTest HEC: bodies=%d entries=%d%n", PARSER_EXAMPLES, entries.get());
        assertThat(entries.get()).isGreaterThan(PARSER_EXAMPLES);
    }

    @Test
    void shouldHandOnEveryEntryExactlyAndRejectEveryOtherItemWithAReasonWhenAnEventGridBodyIsValid() {
        AtomicInteger entries = new AtomicInteger();

        qt().withExamples(PARSER_EXAMPLES).withFixedSeed(20261130L).forAll(eventGridBodies()).checkAssert(body -> {
            EventGridBatch.Notifications parsed = (EventGridBatch.Notifications) EventGridBatch.parse(body.bytes(), false);

            assertExactly(parsed.entries(), parsed.rejected(), body);
            entries.addAndGet(parsed.entries().size());
        });

        System.out.printf("StreamBodiesPropertyTest Event Grid: bodies=%d entries=%d%n", PARSER_EXAMPLES, entries.get());
        assertThat(entries.get()).isGreaterThan(PARSER_EXAMPLES);
    }

    @Test
    void shouldNeverThrowAndYieldOnlyAuditEntriesWhenABodyIsDamaged() {
        AtomicInteger outcomes = new AtomicInteger();

        qt().withExamples(HOSTILE_EXAMPLES).withFixedSeed(20261131L).forAll(damaged(hecBodies()), damaged(eventGridBodies()))
                .checkAssert((hec, eventGrid) -> {
                    HecBatch.Outcome hecOutcome = HecBatch.parse(hec);
                    EventGridBatch.Outcome gridOutcome = EventGridBatch.parse(eventGrid, false);

                    if (hecOutcome instanceof HecBatch.Parsed parsed) {
                        assertOnlyEntriesAndReasons(parsed.entries(), parsed.rejected());
                    }
                    if (gridOutcome instanceof EventGridBatch.Notifications parsed) {
                        assertOnlyEntriesAndReasons(parsed.entries(), parsed.rejected());
                    } else if (gridOutcome instanceof EventGridBatch.Invalid invalid) {
                        assertThat(invalid.message()).isNotBlank();
                    }
                    outcomes.incrementAndGet();
                });

        assertThat(outcomes.get()).isPositive();
    }

    @Test
    void shouldAnswer200AndStoreExactlyTheEntriesWhenValidBodiesArriveOverHttp() {
        qt().withExamples(HTTP_EXAMPLES).withFixedSeed(20261132L).forAll(hecBodies(), eventGridBodies())
                .checkAssert((hec, eventGrid) -> {
                    int before = sink.deliveries().size();

                    HttpResponse<String> hecAnswer = send(post(receiver.baseUrl().resolve("/services/collector"),
                            hec.bytes()).header("Authorization", "Splunk " + HEC_TOKEN));
                    HttpResponse<String> gridAnswer = send(post(receiver.baseUrl().resolve("/eventgrid"),
                            eventGrid.bytes()).header(StreamAuth.EVENT_GRID_KEY_HEADER, EVENT_GRID_KEY));

                    assertThat(hecAnswer.statusCode()).isEqualTo(200);
                    assertThat(gridAnswer.statusCode()).isEqualTo(200);
                    List<StreamDelivery> delivered = sink.deliveries().subList(before, sink.deliveries().size());
                    assertThat(delivered).hasSize(2);
                    assertExactly(delivered.get(0).entries(), delivered.get(0).rejected(), hec);
                    assertExactly(delivered.get(1).entries(), delivered.get(1).rejected(), eventGrid);
                });
    }

    // ------------------------------------------------------------------------------------------- assertions

    private static void assertExactly(List<StreamedEntry> entries, List<Rejected> rejected, Body body) {
        assertThat(entries).extracting(StreamedEntry::entry).containsExactlyElementsOf(body.entries());
        assertThat(entries).extracting(StreamedEntry::asSent).containsExactlyElementsOf(body.entries());
        for (StreamedEntry entry : entries) {
            AdoAuditEntry parsed = parse(entry.entry());
            assertThat(parsed.id()).isEqualTo(entry.entry().get("id").textValue());
            assertThat(parsed.timestamp()).isEqualTo(Instant.parse(entry.entry().get("timestamp").textValue()));
        }
        assertThat(rejected).hasSize(body.junk());
        assertOnlyEntriesAndReasons(entries, rejected);
    }

    private static void assertOnlyEntriesAndReasons(List<StreamedEntry> entries, List<Rejected> rejected) {
        assertThat(entries).allSatisfy(entry -> assertThat(AuditEntryPayloads.isAuditEntry(entry.entry())).isTrue());
        assertThat(rejected).allSatisfy(item -> {
            assertThat(item.reason()).matches(REASON);
            assertThat(item.payload()).isNotNull();
        });
    }

    private static AdoAuditEntry parse(JsonNode entry) {
        try {
            return Json.mapper().treeToValue(entry, AdoAuditEntry.class);
        } catch (IOException e) {
            throw new AssertionError("a generated entry did not parse: " + e.getMessage(), e);
        }
    }

    // ------------------------------------------------------------------------------------------- generators

    /** A body, the entries it carries in order, and how many of its items are not entries. */
    record Body(byte[] bytes, List<ObjectNode> entries, int junk) {
        @Override
        public String toString() {
            String text = new String(bytes, StandardCharsets.UTF_8);
            return (text.length() > 400 ? text.substring(0, 400) + "..." : text) + " entries=" + entries.size()
                    + " junk=" + junk;
        }
    }

    /** One item of a body: an entry in some wrapping, or something that is not an entry. */
    private record Item(ObjectNode entry, JsonNode hec, JsonNode eventGrid) {
    }

    /** Any code point that UTF-8 can carry: a lone surrogate cannot cross the wire, so it is replaced first. */
    static Gen<String> texts() {
        return Generate.frequency(
                Pair.of(5, strings().allPossible().ofLengthBetween(1, 24)
                        .map(s -> new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8))),
                Pair.of(1, arbitrary().pick("\"", "\\", "\u0000", "\uD83D\uDE00", "null", "{\"id\":1}", " x ")));
    }

    static Gen<ObjectNode> entries() {
        Gen<String> nonBlank = texts().map(s -> s.isBlank() ? "x" + s : s);
        Gen<Instant> instants = longs().between(0, 4_102_444_800L).zip(integers().between(0, 999_999_999),
                Instant::ofEpochSecond);
        Gen<String> unknownNames = strings().betweenCodePoints('a', 'z').ofLengthBetween(1, 6).map(s -> "x" + s);
        return nonBlank.zip(instants, nonBlank, texts(), unknownNames, (id, time, action, value, unknown) -> {
            ObjectNode entry = NODES.objectNode();
            entry.put("id", id);
            entry.put("timestamp", time.toString());
            entry.put("actionId", action);
            entry.put("authenticationMechanism", "PAT authorizationId: 4ab5764f-4193-4f1d-b995-64144880b7d7");
            entry.put("details", value);
            entry.put(unknown, value);
            entry.putObject("data").put("Value", value).putArray("List").add(value).add(1);
            return entry;
        });
    }

    private static Gen<Item> hecItems() {
        Gen<Item> wrapped = entries().zip(arbitrary().pick("envelope", "envelope-string", "bare"), (entry, how) -> {
            JsonNode hec = switch (how) {
                case "envelope" -> envelope(entry);
                case "envelope-string" -> envelope(NODES.textNode(entry.toString()));
                default -> entry;
            };
            return new Item(entry, hec, null);
        });
        Gen<Item> junk = arbitrary().pick((JsonNode) envelope(NODES.numberNode(42)),
                envelope(NODES.objectNode().put("foo", "bar")), envelope(NODES.textNode("not json {")),
                NODES.objectNode().put("id", "only an id"), NODES.textNode("a string"), NODES.numberNode(7),
                envelope(NODES.objectNode().put("id", "x").put("timestamp", "t")))
                .map(node -> new Item(null, node, null));
        return Generate.frequency(Pair.of(4, wrapped), Pair.of(1, junk));
    }

    static Gen<Body> hecBodies() {
        Gen<List<Item>> items = lists().of(hecItems()).ofSizeBetween(1, 6);
        return items.zip(arbitrary().pick("\n", "", " ", "\r\n", "array"), (list, separator) -> {
            List<ObjectNode> expected = list.stream().map(Item::entry).filter(e -> e != null).toList();
            int junk = (int) list.stream().filter(item -> item.entry() == null).count();
            String text;
            if (separator.equals("array")) {
                // a top-level array is read element by element; bare strings and numbers are still not entries
                text = NODES.arrayNode().addAll(list.stream().map(Item::hec).toList()).toString();
            } else {
                StringBuilder joined = new StringBuilder();
                list.forEach(item -> joined.append(item.hec().toString()).append(separator));
                text = joined.toString();
                if (separator.isEmpty() && list.stream().anyMatch(item -> item.hec().isNumber())) {
                    text = String.join("\n", list.stream().map(item -> item.hec().toString()).toList());
                }
            }
            return new Body(text.getBytes(StandardCharsets.UTF_8), expected, junk);
        });
    }

    private static Gen<Item> eventGridItems() {
        Gen<Item> wrapped = entries().zip(arbitrary().pick("object", "string"), (entry, how) -> new Item(entry, null,
                event(how.equals("object") ? entry : NODES.textNode(entry.toString()))));
        Gen<Item> junk = arbitrary().pick((JsonNode) event(NODES.numberNode(1)), event(NODES.objectNode().put("a", 1)),
                        NODES.textNode("not an event"), NODES.objectNode().put("eventType", "AzureDevOps.Audit"))
                .map(node -> new Item(null, null, node));
        return Generate.frequency(Pair.of(4, wrapped), Pair.of(1, junk));
    }

    static Gen<Body> eventGridBodies() {
        return lists().of(eventGridItems()).ofSizeBetween(1, 6).map(list -> {
            List<ObjectNode> expected = list.stream().map(Item::entry).filter(e -> e != null).toList();
            int junk = (int) list.stream().filter(item -> item.entry() == null).count();
            String text = NODES.arrayNode().addAll(list.stream().map(Item::eventGrid).toList()).toString();
            return new Body(text.getBytes(StandardCharsets.UTF_8), expected, junk);
        });
    }

    /** Truncated, mutated with JSON-significant bytes, spliced, or deeply nested. */
    static Gen<byte[]> damaged(Gen<Body> bodies) {
        byte[] significant = "{}[]\",:\\ 0aE-\n\u00ff".getBytes(StandardCharsets.ISO_8859_1);
        Gen<byte[]> truncated = bodies.zip(integers().between(0, 999),
                (body, cut) -> Arrays.copyOf(body.bytes(), body.bytes().length * cut / 1000));
        Gen<byte[]> mutated = bodies.zip(lists().of(integers().between(0, Integer.MAX_VALUE)).ofSizeBetween(1, 6),
                (body, positions) -> {
                    byte[] copy = body.bytes().clone();
                    for (int position : positions) {
                        copy[position % copy.length] = significant[position % significant.length];
                    }
                    return copy;
                });
        Gen<byte[]> spliced = bodies.zip(integers().between(0, Integer.MAX_VALUE), (body, at) -> {
            byte[] bytes = body.bytes();
            int cut = at % bytes.length;
            byte[] copy = new byte[bytes.length];
            System.arraycopy(bytes, cut, copy, 0, bytes.length - cut);
            System.arraycopy(bytes, 0, copy, bytes.length - cut, cut);
            return copy;
        });
        Gen<byte[]> nested = integers().between(1, 3000).map(depth -> ("[".repeat(depth) + "{\"event\":" + "{\"x\":".repeat(depth))
                .getBytes(StandardCharsets.UTF_8));
        return Generate.frequency(Pair.of(3, truncated), Pair.of(3, mutated), Pair.of(2, spliced), Pair.of(1, nested));
    }

    private static ObjectNode envelope(JsonNode event) {
        ObjectNode envelope = NODES.objectNode().put("time", 1777630530.123).put("host", "dev.azure.com")
                .put("source", "AzureDevOps").put("sourcetype", "azure:devops:audit");
        envelope.set("event", event);
        return envelope;
    }

    private static ObjectNode event(JsonNode data) {
        ObjectNode event = NODES.objectNode().put("id", "ev").put("subject", "contoso")
                .put("eventType", "AzureDevOps.Audit").put("eventTime", "2026-05-01T10:15:31Z").put("dataVersion", "1.0");
        event.set("data", data);
        return event;
    }
}
