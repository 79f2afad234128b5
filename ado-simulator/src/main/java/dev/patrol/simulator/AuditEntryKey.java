package dev.patrol.simulator;

import java.time.Instant;
import java.util.Comparator;
import java.util.Objects;

/**
 * Where an audit entry sits in the log: newest first, ties broken by id so the order is total and a continuation
 * token (an id) names exactly one position.
 */
record AuditEntryKey(Instant timestamp, String id) implements Comparable<AuditEntryKey> {

    private static final Comparator<AuditEntryKey> NEWEST_FIRST = Comparator
            .comparing(AuditEntryKey::timestamp, Comparator.reverseOrder())
            .thenComparing(AuditEntryKey::id);

    AuditEntryKey {
        Objects.requireNonNull(timestamp, "timestamp");
        Objects.requireNonNull(id, "id");
    }

    @Override
    public int compareTo(AuditEntryKey other) {
        return NEWEST_FIRST.compare(this, other);
    }
}
