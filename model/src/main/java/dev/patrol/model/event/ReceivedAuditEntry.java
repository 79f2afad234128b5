package dev.patrol.model.event;

import dev.patrol.model.ado.AdoAuditEntry;
import java.time.Instant;
import java.util.Objects;

/** A parsed audit entry with its organization: the value of the audit topic, input of the detection topology. */
public record ReceivedAuditEntry(String organization, AuditSource source, Instant receivedAt, AdoAuditEntry entry) {

    public ReceivedAuditEntry {
        Objects.requireNonNull(organization, "organization");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(receivedAt, "receivedAt");
        Objects.requireNonNull(entry, "entry");
    }
}
