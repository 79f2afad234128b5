package dev.patrol.ingest.stream;

import static dev.patrol.ingest.stream.StreamFixtures.entry;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patrol.ingest.stream.StreamDelivery.StreamedEntry;
import dev.patrol.model.json.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Finding and normalising audit entries inside payloads of undocumented shape. */
class AuditEntryPayloadsTest {

    private static ObjectNode json(String text) throws Exception {
        return (ObjectNode) Json.mapper().readTree(text);
    }

    @Test
    void shouldKeepTheCamelCaseValueWhenBothSpellingsArePresent() throws Exception {
        ObjectNode both = json("{\"id\":\"camel\",\"Id\":\"pascal\",\"ActionId\":\"A.B\",\"OperationName\":\"Op\","
                + "\"TimeGenerated\":\"2026-05-01T00:00:00Z\",\"timestamp\":\"2026-05-01T00:00:01Z\"}");

        ObjectNode normalised = AuditEntryPayloads.normalise(both);

        assertThat(normalised).isEqualTo(json("{\"id\":\"camel\",\"actionId\":\"A.B\",\"operationName\":\"Op\","
                + "\"timeGenerated\":\"2026-05-01T00:00:00Z\",\"timestamp\":\"2026-05-01T00:00:01Z\"}"));
    }

    @Test
    void shouldNotTouchNestedKeysWhenNormalising() throws Exception {
        ObjectNode row = json("{\"Id\":\"x\",\"Data\":{\"RepoName\":\"r\"}}");

        assertThat(AuditEntryPayloads.normalise(row).path("data").has("RepoName")).isTrue();
    }

    @Test
    void shouldLeaveTheInputUntouchedWhenNormalising() throws Exception {
        ObjectNode row = StreamFixtures.azureMonitorRow("e-1");

        AuditEntryPayloads.normalise(row);

        assertThat(row).isEqualTo(StreamFixtures.azureMonitorRow("e-1"));
    }

    @Test
    void shouldFindEveryEntryWhenPayloadIsAnArray() {
        JsonNode array = Json.mapper().createArrayNode().add(entry("e-1")).add(entry("e-2"));

        assertThat(AuditEntryPayloads.extract(array)).extracting(StreamedEntry::id).containsExactly("e-1", "e-2");
    }

    @Test
    void shouldFindNothingWhenAnObjectLacksActionId() {
        ObjectNode incomplete = entry("e-1");
        incomplete.remove("actionId");

        assertThat(AuditEntryPayloads.extract(incomplete)).isEmpty();
    }

    @Test
    void shouldNotSearchInsideAnEntryWhenItsDataLooksLikeAnotherEntry() {
        ObjectNode outer = entry("outer");
        outer.set("data", entry("inner"));

        assertThat(AuditEntryPayloads.extract(outer)).extracting(StreamedEntry::id).containsExactly("outer");
    }

    @Test
    void shouldFindTheEntryWhenWrappedAsDeepAsAllowed() throws Exception {
        // object (0) > array (1) > string (2) > entry (3)
        JsonNode payload = json("{\"records\":[" + Json.mapper().writeValueAsString(entry("e-1").toString()) + "]}");

        assertThat(AuditEntryPayloads.extract(payload)).extracting(StreamedEntry::id).containsExactly("e-1");
    }

    @Test
    void shouldStopSearchingWhenTheEntryIsWrappedTooDeep() throws Exception {
        // object (0) > object (1) > array (2) > string (3) > entry (4)
        JsonNode payload = json("{\"outer\":{\"records\":[" + Json.mapper().writeValueAsString(entry("e-1").toString())
                + "]}}");

        List<StreamedEntry> found = AuditEntryPayloads.extract(payload);

        assertThat(found).isEmpty();
    }

    @Test
    void shouldDecodeDataWhenItIsAStringHoldingAnObject() throws Exception {
        ObjectNode row = json("{\"Id\":\"x\",\"Data\":\"{\\\"DisplayName\\\":\\\"ci\\\"}\"}");

        assertThat(AuditEntryPayloads.normalise(row).path("data").path("DisplayName").asText()).isEqualTo("ci");
    }
}
