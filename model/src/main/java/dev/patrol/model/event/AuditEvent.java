package dev.patrol.model.event;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A normalised audit entry: what the detections read.
 *
 * @param id           the ADO entry id (opaque; the de-duplication key)
 * @param organization the ADO organization the entry came from
 * @param timestamp    event time, from the ADO timestamp
 * @param actionId     e.g. {@code Git.RefUpdatePoliciesBypassed}
 * @param ipAddress    the caller's address as ADO wrote it; empty for system and some service-principal events
 * @param data         the action-specific payload as ADO sent it (undocumented per action; may be null)
 */
public record AuditEvent(
        String id,
        String organization,
        Instant timestamp,
        String actionId,
        String area,
        String category,
        Actor actor,
        Optional<String> ipAddress,
        String userAgent,
        AuthMechanism mechanism,
        String projectName,
        String details,
        com.fasterxml.jackson.databind.JsonNode data) {

    public AuditEvent {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(organization, "organization");
        Objects.requireNonNull(timestamp, "timestamp");
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(ipAddress, "ipAddress");
        Objects.requireNonNull(mechanism, "mechanism");
        actionId = actionId == null ? "" : actionId;
    }
}
