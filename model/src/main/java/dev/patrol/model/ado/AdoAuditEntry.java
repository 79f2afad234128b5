package dev.patrol.model.ado;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One {@code DecoratedAuditLogEntry} as the ADO audit API returns it (ado-api.md §1).
 *
 * <p>Mirrors the payload: every documented field, with unknown fields kept in {@link #unknownFields()} rather than
 * dropped, and nulls tolerated wherever the API may omit a value. Only {@code id} (the de-duplication key) and
 * {@code timestamp} (event time) are required. Identifiers stay strings: the decorated {@code id} is not a GUID, and
 * parsing GUIDs here would turn one odd value into a lost entry.
 */
public record AdoAuditEntry(
        String id,
        String correlationId,
        String activityId,
        String actorCUID,
        String actorUserId,
        String actorClientId,
        String actorUPN,
        String actorDisplayName,
        String actorImageUrl,
        String authenticationMechanism,
        Instant timestamp,
        String scopeType,
        String scopeDisplayName,
        String scopeId,
        String projectId,
        String projectName,
        String ipAddress,
        String userAgent,
        String actionId,
        JsonNode data,
        String details,
        String area,
        String category,
        String categoryDisplayName,
        @JsonAnySetter Map<String, JsonNode> unknownFields) {

    public AdoAuditEntry {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("audit entry has no id");
        }
        Objects.requireNonNull(timestamp, "audit entry has no timestamp");
        unknownFields = unknownFields == null ? Map.of() : Map.copyOf(new LinkedHashMap<>(unknownFields));
    }

    @Override
    @JsonAnyGetter
    public Map<String, JsonNode> unknownFields() {
        return unknownFields;
    }
}
