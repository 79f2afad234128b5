package dev.patrol.model.topic;

import com.fasterxml.jackson.databind.JsonNode;
import dev.patrol.model.event.AuditCheckpoint;
import dev.patrol.model.event.DeadLetter;
import dev.patrol.model.event.Finding;
import dev.patrol.model.event.OrgUser;
import dev.patrol.model.event.PersonalAccessToken;
import dev.patrol.model.event.RawAuditEntry;
import dev.patrol.model.event.ReceivedAuditEntry;
import dev.patrol.model.event.ResponseAction;
import dev.patrol.model.event.TokenLifecycleEvent;
import dev.patrol.model.json.JsonSerde;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;

/**
 * Every topic PATrol reads or writes. The README topic table is this list.
 *
 * <p>Streams keep 120 days: record timestamps are ADO event times, and a full 90-day backfill (ADO's retention)
 * must not be eligible for deletion the moment it lands. Tables are compacted.
 */
public final class Topics {

    private static final int PARTITIONS = 3;
    private static final Duration STREAM_RETENTION = Duration.ofDays(120);

    /** Audit entries exactly as ADO sent them; replay source after a parser fix. */
    public static final Topic<String, RawAuditEntry> AUDIT_RAW = new Topic<>(
            "patrol.audit.raw", Serdes.String(), JsonSerde.of(RawAuditEntry.class),
            TopicSpec.stream(PARTITIONS, STREAM_RETENTION), Owner.INGEST,
            "audit entry id", "RawAuditEntry: organization, source, receivedAt, the entry JSON unchanged");

    /** Parsed audit entries, one per ADO entry id. */
    public static final Topic<String, ReceivedAuditEntry> AUDIT = new Topic<>(
            "patrol.audit", Serdes.String(), JsonSerde.of(ReceivedAuditEntry.class),
            TopicSpec.stream(PARTITIONS, STREAM_RETENTION), Owner.INGEST,
            "audit entry id", "ReceivedAuditEntry: organization, source, receivedAt, AdoAuditEntry");

    /** The PAT inventory: latest state per token; a tombstone when a token disappears. */
    public static final Topic<String, PersonalAccessToken> TOKENS = new Topic<>(
            "patrol.tokens", Serdes.String(), JsonSerde.of(PersonalAccessToken.class),
            TopicSpec.table(PARTITIONS), Owner.INGEST,
            "authorizationId (lower-case GUID)", "PersonalAccessToken: organization, owner, SessionToken, observedAt");

    /** Changes found by diffing inventory scans: created, updated, revoked, expired, disappeared, owner removed. */
    public static final Topic<String, TokenLifecycleEvent> TOKEN_LIFECYCLE = new Topic<>(
            "patrol.tokens.lifecycle", Serdes.String(), JsonSerde.of(TokenLifecycleEvent.class),
            TopicSpec.stream(PARTITIONS, STREAM_RETENTION), Owner.INGEST,
            "authorizationId", "TokenLifecycleEvent: kind, before, after, changes, observedAt");

    /** Graph users: latest state per descriptor. */
    public static final Topic<String, OrgUser> USERS = new Topic<>(
            "patrol.users", Serdes.String(), JsonSerde.of(OrgUser.class),
            TopicSpec.table(PARTITIONS), Owner.INGEST,
            "organization|user descriptor", "OrgUser: organization, GraphUser, observedAt");

    /** What the detections found. */
    public static final Topic<String, Finding> FINDINGS = new Topic<>(
            "patrol.findings", Serdes.String(), JsonSerde.of(Finding.class),
            TopicSpec.stream(PARTITIONS, STREAM_RETENTION), Owner.STREAMS,
            "finding id (stable)", "Finding");

    /**
     * Findings in OCSF 1.3 Detection Finding form (class_uid 2004), for SIEMs. The value is a JSON tree because the
     * schema is OCSF's, not ours; the alerts service builds it from a {@link Finding}.
     */
    public static final Topic<String, JsonNode> FINDINGS_OCSF = new Topic<>(
            "patrol.findings.ocsf", Serdes.String(), JsonSerde.of(JsonNode.class),
            TopicSpec.stream(PARTITIONS, STREAM_RETENTION), Owner.ALERTS,
            "finding id (stable)", "OCSF 1.3 Detection Finding (class_uid 2004) as JSON");

    /** The response playbooks' audit trail. */
    public static final Topic<String, ResponseAction> ACTIONS = new Topic<>(
            "patrol.actions", Serdes.String(), JsonSerde.of(ResponseAction.class),
            TopicSpec.stream(PARTITIONS, Duration.ofDays(365)), Owner.ALERTS,
            "authorizationId", "ResponseAction");

    /**
     * The audit poller's position per organization: written in the same transaction as the entries it covers, so
     * a crash never loses or repeats an entry.
     */
    public static final Topic<String, AuditCheckpoint> INGEST_CHECKPOINTS = new Topic<>(
            "patrol.ingest.checkpoints", Serdes.String(), JsonSerde.of(AuditCheckpoint.class),
            TopicSpec.table(1), Owner.INGEST,
            "organization", "AuditCheckpoint: window end and the entry ids still inside the overlap");

    /** Records any service could not process, with coordinates and reason. */
    public static final Topic<String, DeadLetter> DEAD_LETTERS = new Topic<>(
            "patrol.deadletter", Serdes.String(), JsonSerde.of(DeadLetter.class),
            TopicSpec.stream(1, STREAM_RETENTION), Owner.ALL,
            "source coordinates topic/partition/offset", "DeadLetter: coordinates, stage, reason, payload");

    private Topics() {
    }

    public static List<Topic<?, ?>> all() {
        return List.of(AUDIT_RAW, AUDIT, TOKENS, TOKEN_LIFECYCLE, USERS, INGEST_CHECKPOINTS, FINDINGS, FINDINGS_OCSF,
                ACTIONS, DEAD_LETTERS);
    }

    /** The topics a service creates at start. */
    public static List<Topic<?, ?>> ownedBy(Owner owner) {
        return all().stream().filter(t -> t.owner() == owner || t.owner() == Owner.ALL).toList();
    }
}
