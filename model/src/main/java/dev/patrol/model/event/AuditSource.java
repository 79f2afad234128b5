package dev.patrol.model.event;

/** How an audit entry reached PATrol. */
public enum AuditSource {
    /** Polled from {@code _apis/audit/auditlog}. */
    POLL,
    /** Pushed by an ADO audit stream (Splunk HEC or Event Grid). */
    STREAM
}
