package dev.patrol.model.event;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Objects;

/**
 * An audit entry exactly as ADO sent it, with where and when it was received. Kept in its own topic so a parser
 * fix can be replayed over history.
 */
public record RawAuditEntry(String organization, AuditSource source, Instant receivedAt, JsonNode entry) {

    public RawAuditEntry {
        Objects.requireNonNull(organization, "organization");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(receivedAt, "receivedAt");
        Objects.requireNonNull(entry, "entry");
    }
}
