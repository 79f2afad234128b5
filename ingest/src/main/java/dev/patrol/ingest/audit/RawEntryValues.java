package dev.patrol.ingest.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.patrol.model.event.AuditSource;
import dev.patrol.model.event.RawAuditEntry;
import dev.patrol.model.json.Json;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * The raw topic's values for the entries of one poll: a {@link RawAuditEntry} as the topic's serde writes it, with
 * the entry's bytes as ADO sent them in place of a tree parsed and written again. The other fields are the same for
 * every entry of a poll, so they are written once, by the shared mapper.
 */
final class RawEntryValues {

    private final byte[] head;

    RawEntryValues(String organization, AuditSource source, Instant receivedAt) {
        ObjectMapper mapper = Json.mapper();
        try {
            // RawAuditEntry's components in order; RawEntryValuesTest holds this to what the serde writes.
            head = ("{\"organization\":" + mapper.writeValueAsString(organization)
                    + ",\"source\":" + mapper.writeValueAsString(source)
                    + ",\"receivedAt\":" + mapper.writeValueAsString(receivedAt)
                    + ",\"entry\":").getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a string, an enum or an instant as JSON", e);
        }
    }

    /** The value for {@code entry}: the same bytes as a serialised {@link RawAuditEntry}, up to whitespace. */
    byte[] of(PageEntry entry) {
        byte[] value = new byte[head.length + entry.length() + 1];
        System.arraycopy(head, 0, value, 0, head.length);
        entry.copyTo(value, head.length);
        value[value.length - 1] = '}';
        return value;
    }
}
