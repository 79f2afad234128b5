package dev.patrol.model.ado;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.arbitrary;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;
import static org.quicktheories.generators.SourceDSL.strings;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patrol.model.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.quicktheories.api.Pair;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * The audit-entry parser (raw ADO JSON to {@link AdoAuditEntry}) over generated entries and hostile variants of them:
 * wrong types in every field, truncation, huge and non-BMP strings, deep nesting, unknown fields. Ingest catches any
 * {@link Exception} from this parse and dead-letters the entry with the reason, so the properties are: a valid entry
 * round-trips exactly; a hostile one yields either a valid entry or an exception, never an {@link Error} and never an
 * entry without id or timestamp. Examples and seeds are fixed (docs/RELIABILITY.md).
 */
class AdoAuditEntryPropertyTest {

    static final int ROUND_TRIP_EXAMPLES = 2000;
    static final int HOSTILE_EXAMPLES = 4000;

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final List<String> STRING_FIELDS = List.of("correlationId", "activityId", "actorCUID", "actorUserId",
            "actorClientId", "actorUPN", "actorDisplayName", "actorImageUrl", "authenticationMechanism", "scopeType",
            "scopeDisplayName", "scopeId", "projectId", "projectName", "ipAddress", "userAgent", "actionId", "details",
            "area", "category", "categoryDisplayName");
    private static final Set<String> KNOWN = Set.copyOf(concat(STRING_FIELDS, List.of("id", "timestamp", "data")));

    @Test
    void shouldRoundTripExactlyWhenTheEntryIsValid() {
        AtomicInteger checked = new AtomicInteger();

        qt().withExamples(ROUND_TRIP_EXAMPLES).withFixedSeed(20261125L).forAll(validEntries()).checkAssert(json -> {
            AdoAuditEntry parsed = parse(json);
            AdoAuditEntry again = parse(Json.mapper().valueToTree(parsed));

            assertThat(again).isEqualTo(parsed);
            assertThat(parsed.id()).isEqualTo(json.get("id").textValue());
            assertThat(parsed.timestamp()).isEqualTo(Instant.parse(json.get("timestamp").textValue()));
            json.properties().forEach(field -> {
                if (!KNOWN.contains(field.getKey())) {
                    assertThat(parsed.unknownFields()).containsEntry(field.getKey(), field.getValue());
                }
            });
            assertThat(Json.mapper().<JsonNode>valueToTree(parsed)).isEqualTo(json);
            checked.incrementAndGet();
        });

        assertThat(checked).hasValue(ROUND_TRIP_EXAMPLES);
    }

    @Test
    void shouldYieldAValidEntryOrAnExceptionWhenTheJsonIsHostile() {
        AtomicInteger accepted = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();

        qt().withExamples(HOSTILE_EXAMPLES).withFixedSeed(20261126L).forAll(hostileBodies()).checkAssert(body -> {
            Object outcome = outcome(() -> Json.mapper().readValue(body, AdoAuditEntry.class));
            if (outcome instanceof AdoAuditEntry entry) {
                assertThat(entry.id()).isNotBlank();
                assertThat(entry.timestamp()).isNotNull();
                accepted.incrementAndGet();
            } else if (outcome == null) {
                // Jackson's contract for the JSON literal null; ingest never parses one (it needs an id first)
                assertThat(new String(body, StandardCharsets.UTF_8).strip()).isEqualTo("null");
            } else {
                assertThat(outcome).isInstanceOf(Exception.class);
                refused.incrementAndGet();
            }
        });

        System.out.printf("AdoAuditEntryPropertyTest hostile: examples=%d accepted=%d refused=%d%n", HOSTILE_EXAMPLES,
                accepted.get(), refused.get());
        // Both branches must be exercised, or the generator has drifted into testing nothing.
        assertThat(accepted.get()).isGreaterThan(HOSTILE_EXAMPLES / 20);
        assertThat(refused.get()).isGreaterThan(HOSTILE_EXAMPLES / 4);
    }

    @Test
    void shouldRefuseWithAJsonExceptionWhenTheBodyIsNestedTooDeeply() {
        byte[] deep = ("{\"id\":\"x\",\"timestamp\":\"2026-01-01T00:00:00Z\",\"data\":" + "[".repeat(200_000)
                + "]".repeat(200_000) + "}").getBytes(StandardCharsets.UTF_8);

        Object outcome = outcome(() -> Json.mapper().readValue(deep, AdoAuditEntry.class));

        assertThat(outcome).isInstanceOf(IOException.class);
    }

    // ------------------------------------------------------------------------------------------- helpers

    private static AdoAuditEntry parse(JsonNode json) {
        try {
            return Json.mapper().treeToValue(json, AdoAuditEntry.class);
        } catch (IOException e) {
            return fail("valid entry refused: " + e.getMessage(), e);
        }
    }

    @FunctionalInterface
    private interface Parse {
        Object run() throws Exception;
    }

    /** The parsed value, or what was thrown (an Error fails the property at once). */
    private static Object outcome(Parse parse) {
        try {
            return parse.run();
        } catch (Exception e) {
            return e;
        } catch (StackOverflowError | OutOfMemoryError e) {
            return fail("parser failed with " + e.getClass().getSimpleName());
        }
    }

    // ------------------------------------------------------------------------------------------- generators

    /** Text a real entry might carry: any code point (incl. non-BMP), quotes, backslashes, control characters. */
    static Gen<String> texts() {
        return Generate.frequency(
                Pair.of(6, strings().allPossible().ofLengthBetween(0, 40)),
                Pair.of(2, arbitrary().pick("", " ", "\"", "\\", "\u0000", "\uD83D\uDE00", "null", "{}", "</script>")),
                Pair.of(1, strings().basicLatinAlphabet().ofLengthBetween(1, 8).zip(integers().between(500, 5000),
                        (piece, times) -> piece.repeat(times))));
    }

    static Gen<Instant> instants() {
        return longs().between(-62_135_596_800L, 253_402_300_799L) // years 1..9999
                .zip(integers().between(0, 999_999_999), Instant::ofEpochSecond);
    }

    /** A JSON value of bounded depth: scalars, arrays and objects with arbitrary keys. */
    static Gen<JsonNode> jsonValues(int depth) {
        Gen<JsonNode> scalars = Generate.frequency(
                Pair.of(3, texts().map(s -> (JsonNode) NODES.textNode(s))),
                Pair.of(2, longs().all().map(n -> (JsonNode) NODES.numberNode(n))),
                Pair.of(1, arbitrary().pick(NODES.booleanNode(true), NODES.booleanNode(false), NODES.nullNode(),
                        NODES.numberNode(1.5e300), NODES.numberNode(-0.0)).map(n -> (JsonNode) n)));
        if (depth <= 0) {
            return scalars;
        }
        Gen<JsonNode> children = jsonValues(depth - 1);
        Gen<JsonNode> arrays = integers().between(0, 4).zip(children, children, children, children,
                (size, a, b, c, d) -> {
                    ArrayNode array = NODES.arrayNode();
                    List.of(a, b, c, d).subList(0, size).forEach(array::add);
                    return (JsonNode) array;
                });
        Gen<JsonNode> objects = integers().between(0, 4).zip(texts(), children, texts(), children,
                (size, k1, v1, k2, v2) -> {
                    ObjectNode object = NODES.objectNode();
                    if (size > 0) {
                        object.set(k1, v1);
                    }
                    if (size > 1) {
                        object.set(k2, v2);
                    }
                    return (JsonNode) object;
                });
        return Generate.frequency(Pair.of(3, scalars), Pair.of(1, arrays), Pair.of(1, objects));
    }

    /** Entries as ADO would send them: every documented field (some absent), data, and unknown fields. */
    static Gen<ObjectNode> validEntries() {
        Gen<String> ids = texts().map(s -> s.isBlank() ? "id" + s : s);
        Gen<ObjectNode> strings = Generate.intArrays(Generate.constant(STRING_FIELDS.size()), integers().between(0, 3))
                .zip(texts(), texts(), (presence, a, b) -> {
                    ObjectNode object = NODES.objectNode();
                    for (int i = 0; i < STRING_FIELDS.size(); i++) {
                        if (presence[i] > 0) { // a field ADO omits is simply absent
                            object.put(STRING_FIELDS.get(i), (i % 2 == 0 ? a : b) + i);
                        }
                    }
                    return object;
                });
        Gen<ObjectNode> data = jsonValues(3).map(value -> {
            ObjectNode holder = NODES.objectNode();
            if (value.isObject()) {
                holder.set("data", value);
            }
            return holder;
        });
        Gen<ObjectNode> unknown = texts().map(name -> KNOWN.contains(name) ? "x-" + name : name).zip(jsonValues(2),
                (name, value) -> {
                    ObjectNode holder = NODES.objectNode();
                    if (!value.isNull()) { // a null unknown field is dropped on the way out (NON_NULL), not kept
                        holder.set(name, value);
                    }
                    return holder;
                });
        return ids.zip(instants(), strings, data, unknown, (id, timestamp, fields, dataField, unknownField) -> {
            ObjectNode entry = NODES.objectNode();
            entry.put("id", id);
            entry.put("timestamp", timestamp.toString());
            entry.setAll(fields);
            entry.setAll(dataField);
            entry.setAll(unknownField);
            return entry;
        });
    }

    /** Valid entries damaged: a field of the wrong type, truncated bytes, spliced bytes, or random bytes. */
    static Gen<byte[]> hostileBodies() {
        List<String> fields = concat(STRING_FIELDS, List.of("id", "id", "timestamp", "timestamp", "data"));
        Gen<JsonNode> wrongValues = Generate.frequency(
                Pair.of(3, jsonValues(2)),
                Pair.of(1, arbitrary().pick("", " ", "2026-13-01T00:00:00Z", "2026-05-01", "1e400", "NaN",
                        "+999999999-12-31T23:59:59Z", "2026-05-01T10:15:30.1234567+00:00").map(s -> (JsonNode) NODES.textNode(s))),
                Pair.of(1, arbitrary().pick(NODES.numberNode(Long.MAX_VALUE), NODES.numberNode(1e300),
                        NODES.numberNode(-1)).map(n -> (JsonNode) n)));
        Gen<byte[]> wrongType = validEntries().zip(arbitrary().pick(fields), wrongValues, (entry, field, value) -> {
            entry.set(field, value);
            return bytes(entry);
        });
        Gen<byte[]> truncated = validEntries().zip(integers().between(0, 1000), (entry, percent) -> {
            byte[] all = bytes(entry);
            return Arrays.copyOf(all, (int) ((long) all.length * (percent % 1000) / 1000));
        });
        Gen<byte[]> notAnObject = jsonValues(3).map(AdoAuditEntryPropertyTest::bytes);
        Gen<byte[]> noise = Generate.byteArrays(integers().between(0, 300), Generate.bytes(Byte.MIN_VALUE, Byte.MAX_VALUE, (byte) 0));
        Gen<byte[]> hostile = Generate.frequency(
                Pair.of(4, wrongType),
                Pair.of(2, validEntries().map(AdoAuditEntryPropertyTest::bytes)),
                Pair.of(2, truncated),
                Pair.of(1, notAnObject),
                Pair.of(1, noise));
        return hostile.describedAs(AdoAuditEntryPropertyTest::shown);
    }

    /** A body as a failure shows it: UTF-8, cut at 300 characters. */
    static String shown(byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8);
        return text.length() > 300 ? text.substring(0, 300) + "... (" + body.length + " bytes)" : text;
    }

    static byte[] bytes(JsonNode node) {
        try {
            return Json.mapper().writeValueAsBytes(node);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static <T> List<T> concat(List<T> a, List<T> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
    }
}
