package dev.patrol.model.ado;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * The envelope of {@code GET _apis/audit/auditlog} (ado-api.md §1): a page of entries, kept as raw JSON so each
 * entry can be archived unchanged and parsed on its own (one malformed entry must not cost the page).
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record AuditLogQueryResult(List<JsonNode> decoratedAuditLogEntries, String continuationToken, boolean hasMore) {

    public AuditLogQueryResult {
        decoratedAuditLogEntries = decoratedAuditLogEntries == null ? List.of() : List.copyOf(decoratedAuditLogEntries);
    }
}
