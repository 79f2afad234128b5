package dev.patrol.model.event;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * Where the audit poller of one organization stands.
 *
 * @param windowEnd the end of the last window fully read; the next poll re-reads from {@code windowEnd - overlap}
 *                  because ADO may show an entry some time after its timestamp
 * @param recentIds entry id to entry timestamp for the entries inside the overlap, so the re-read produces none
 *                  of them twice
 */
public record AuditCheckpoint(String organization, Instant windowEnd, Map<String, Instant> recentIds) {

    public AuditCheckpoint {
        Objects.requireNonNull(organization, "organization");
        Objects.requireNonNull(windowEnd, "windowEnd");
        recentIds = recentIds == null ? Map.of() : Map.copyOf(recentIds);
    }
}
