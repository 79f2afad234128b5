package dev.patrol.ingest.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.patrol.model.event.AuditSource;
import dev.patrol.model.event.RawAuditEntry;
import dev.patrol.model.json.Json;
import dev.patrol.model.topic.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class RawEntryValuesTest {

    private static final Instant RECEIVED = Instant.parse("2026-11-22T05:50:01.123456789Z");
    private static final String ENTRY = "{ \"id\" : \"1;a\", \"actorDisplayName\":\"Zoë \\\"Z\\\"\",\"data\":{\"n\":[1,2.50]} }";

    private static PageEntry entryOfPage() throws Exception {
        String body = "{\"decoratedAuditLogEntries\":[" + ENTRY + "],\"hasMore\":false}";
        return AuditLogPage.parse(body.getBytes(StandardCharsets.UTF_8)).entries().get(0);
    }

    @Test
    void shouldWriteWhatTheRawTopicSerdeReadsAsTheEntryWhenGivenItsOriginalBytes() throws Exception {
        // given
        PageEntry entry = entryOfPage();
        JsonNode tree = Json.mapper().readTree(ENTRY);

        // when
        byte[] value = new RawEntryValues("contoso", AuditSource.POLL, RECEIVED).of(entry);

        // then
        assertThat(Topics.AUDIT_RAW.valueSerde().deserializer().deserialize("t", value))
                .isEqualTo(new RawAuditEntry("contoso", AuditSource.POLL, RECEIVED, tree));
        assertThat(Json.mapper().readTree(value)).as("the serde's own output, as a tree")
                .isEqualTo(Json.mapper().readTree(Topics.AUDIT_RAW.valueSerde().serializer()
                        .serialize("t", new RawAuditEntry("contoso", AuditSource.POLL, RECEIVED, tree))));
    }

    @Test
    void shouldCarryTheEntryBytesUnchangedWhenWritingTheValue() throws Exception {
        // when
        byte[] value = new RawEntryValues("contoso", AuditSource.POLL, RECEIVED).of(entryOfPage());

        // then: the entry field's value is the original text, spacing and escapes included
        byte[] original = ENTRY.getBytes(StandardCharsets.UTF_8);
        byte[] carried = Arrays.copyOfRange(value, value.length - 1 - original.length, value.length - 1);
        assertThat(new String(carried, StandardCharsets.UTF_8)).isEqualTo(ENTRY);
        assertThat(new String(value, StandardCharsets.UTF_8)).endsWith("\"entry\":" + ENTRY + "}");
    }
}
