package dev.patrol.ingest.stream;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patrol.ingest.stream.StreamDelivery.StreamedEntry;
import dev.patrol.model.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds audit entries in a stream payload whose exact shape ADO does not document (ado-api.md §7, ❌).
 *
 * <p>A payload may be the entry itself, a JSON string holding it (double-encoded), an array of entries, or an object
 * wrapping any of these one or two levels down (e.g. {@code {"records":[...]}}). An object counts as an entry when,
 * after its keys are put in camelCase, it has non-blank string {@code id}, {@code timestamp} and {@code actionId}.
 * The search stops at {@link #MAX_UNWRAP_DEPTH} levels so a hostile body cannot make it do unbounded work.
 */
final class AuditEntryPayloads {

    /** Levels of string decoding, array elements and wrapper fields followed below the payload. */
    static final int MAX_UNWRAP_DEPTH = 3;

    /** Azure Monitor's {@code AzureDevOpsAuditing} table renames two columns (ado-api.md §7, [AMON]). */
    private static final Map<String, String> AZURE_MONITOR_RENAMES = Map.of(
            "OperationName", "actionId",
            "TimeGenerated", "timestamp");

    private AuditEntryPayloads() {
    }

    /** The audit entries in a payload, in document order; empty when there are none. */
    static List<StreamedEntry> extract(JsonNode payload) {
        List<StreamedEntry> found = new ArrayList<>();
        collect(payload, 0, found);
        return found;
    }

    private static void collect(JsonNode node, int depth, List<StreamedEntry> found) {
        if (node == null || depth > MAX_UNWRAP_DEPTH) {
            return;
        }
        if (node.isTextual()) {
            parseEmbeddedJson(node.textValue()).ifPresent(decoded -> collect(decoded, depth + 1, found));
        } else if (node.isArray()) {
            for (JsonNode element : node) {
                collect(element, depth + 1, found);
            }
        } else if (node.isObject()) {
            ObjectNode normalised = normalise((ObjectNode) node);
            if (isAuditEntry(normalised)) {
                found.add(new StreamedEntry(normalised, node));
                return;
            }
            // Not an entry itself: perhaps a wrapper around one. An entry is never searched inside, so a
            // near-miss entry is rejected whole rather than mined for look-alikes.
            for (JsonNode child : node) {
                collect(child, depth + 1, found);
            }
        }
    }

    /** Whether a (normalised) object has what every audit entry has. */
    static boolean isAuditEntry(JsonNode node) {
        return hasText(node, "id") && hasText(node, "timestamp") && hasText(node, "actionId");
    }

    /**
     * A copy with camelCase top-level keys, as the audit query API spells them. Keys already in camelCase win over
     * their PascalCase twins; nested objects (the entry's {@code data}) are left as they are, since their keys are
     * the action's own.
     */
    static ObjectNode normalise(ObjectNode source) {
        ObjectNode target = Json.mapper().createObjectNode();
        for (Map.Entry<String, JsonNode> field : source.properties()) {
            String key = field.getKey();
            if (!startsUpperCase(key)) {
                target.set(key, field.getValue());
                continue;
            }
            String renamed = camelCase(source, key);
            if (!source.has(renamed) && !target.has(renamed)) {
                target.set(renamed, field.getValue());
            }
        }
        JsonNode data = target.get("data");
        if (data != null && data.isTextual()) {
            // Azure Monitor's Data column is "dynamic" and may arrive as a string holding the object.
            parseEmbeddedJson(data.textValue()).filter(JsonNode::isObject).ifPresent(decoded -> target.set("data", decoded));
        }
        return target;
    }

    private static String camelCase(ObjectNode source, String key) {
        String renamed = AZURE_MONITOR_RENAMES.get(key);
        if (renamed != null) {
            String pascalTwin = Character.toUpperCase(renamed.charAt(0)) + renamed.substring(1);
            if (!source.has(renamed) && !source.has(pascalTwin)) {
                return renamed;
            }
        }
        return Character.toLowerCase(key.charAt(0)) + key.substring(1);
    }

    /** The JSON value a string holds, if it plainly holds an object or array. */
    static Optional<JsonNode> parseEmbeddedJson(String text) {
        String trimmed = text.strip();
        if (trimmed.isEmpty() || (trimmed.charAt(0) != '{' && trimmed.charAt(0) != '[')) {
            return Optional.empty();
        }
        try (JsonParser parser = Json.mapper().createParser(trimmed)) {
            JsonNode value = Json.mapper().readTree(parser);
            if (value == null || parser.nextToken() != null) {
                return Optional.empty(); // trailing content: not one JSON value
            }
            return Optional.of(value);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** A value's JSON bytes, for a rejected item's payload. */
    static byte[] jsonBytes(JsonNode value) {
        try {
            return Json.mapper().writeValueAsBytes(value);
        } catch (IOException e) {
            return value.toString().getBytes(StandardCharsets.UTF_8);
        }
    }

    private static boolean startsUpperCase(String key) {
        return !key.isEmpty() && Character.isUpperCase(key.charAt(0));
    }

    private static boolean hasText(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value != null && value.isTextual() && !value.textValue().isBlank();
    }
}
