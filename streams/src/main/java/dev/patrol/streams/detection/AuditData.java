package dev.patrol.streams.detection;

import com.fasterxml.jackson.databind.JsonNode;
import dev.patrol.model.event.AuditEvent;
import java.util.Locale;
import java.util.Optional;

/**
 * Reads an audit entry's {@code data} object. Microsoft documents the keys only as the placeholders of each action's
 * text template (ado-api.md §3); everything else is what real entries were seen to carry. So every read is optional
 * and case-insensitive on the key, and a detection that needs a missing key says so in its finding instead of
 * guessing.
 */
public final class AuditData {

    private final JsonNode data;

    private AuditData(JsonNode data) {
        this.data = data;
    }

    public static AuditData of(AuditEvent event) {
        return new AuditData(event.data());
    }

    /** A text value by key, ignoring key case; empty when absent, null, blank or not a scalar. */
    public Optional<String> text(String key) {
        return node(data, key).filter(JsonNode::isValueNode).map(JsonNode::asText).filter(v -> !v.isBlank());
    }

    /** A nested value by key, ignoring key case. */
    public Optional<JsonNode> node(String key) {
        return node(data, key);
    }

    static Optional<JsonNode> node(JsonNode object, String key) {
        if (object == null || !object.isObject()) {
            return Optional.empty();
        }
        JsonNode exact = object.get(key);
        if (exact != null && !exact.isNull()) {
            return Optional.of(exact);
        }
        String lower = key.toLowerCase(Locale.ROOT);
        var names = object.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (name.toLowerCase(Locale.ROOT).equals(lower) && !object.get(name).isNull()) {
                return Optional.of(object.get(name));
            }
        }
        return Optional.empty();
    }
}
