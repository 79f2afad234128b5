package dev.patrol.model.topic;

import dev.patrol.model.event.DeadLetter;
import dev.patrol.model.event.Finding;
import dev.patrol.model.event.OrgUser;
import dev.patrol.model.event.PersonalAccessToken;
import dev.patrol.model.event.RawAuditEntry;
import dev.patrol.model.event.ReceivedAuditEntry;
import dev.patrol.model.event.ResponseAction;
import dev.patrol.model.json.JsonSerde;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;

/**
 * Every topic PATrol reads or writes. The README topic table is this list.
 *
 * <p>Audit streams keep 30 days: more than any detection window, less than ADO's 90-day retention, so a replay
 * from ADO is always possible. Tables are compacted.
 */
public final class Topics {

    private static final int PARTITIONS = 3;
    private static final Duration STREAM_RETENTION = Duration.ofDays(30);

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

    /** Graph users: latest state per descriptor. */
    public static final Topic<String, OrgUser> USERS = new Topic<>(
            "patrol.users", Serdes.String(), JsonSerde.of(OrgUser.class),
            TopicSpec.table(PARTITIONS), Owner.INGEST,
            "user descriptor", "OrgUser: organization, GraphUser, observedAt");

    /** What the detections found. */
    public static final Topic<String, Finding> FINDINGS = new Topic<>(
            "patrol.findings", Serdes.String(), JsonSerde.of(Finding.class),
            TopicSpec.stream(PARTITIONS, STREAM_RETENTION), Owner.STREAMS,
            "finding id (stable)", "Finding");

    /** The response playbooks' audit trail. */
    public static final Topic<String, ResponseAction> ACTIONS = new Topic<>(
            "patrol.actions", Serdes.String(), JsonSerde.of(ResponseAction.class),
            TopicSpec.stream(PARTITIONS, Duration.ofDays(365)), Owner.ALERTS,
            "authorizationId", "ResponseAction");

    /** Records any service could not process, with coordinates and reason. */
    public static final Topic<String, DeadLetter> DEAD_LETTERS = new Topic<>(
            "patrol.deadletter", Serdes.String(), JsonSerde.of(DeadLetter.class),
            TopicSpec.stream(1, STREAM_RETENTION), Owner.ALL,
            "source coordinates topic/partition/offset", "DeadLetter: coordinates, stage, reason, payload");

    private Topics() {
    }

    public static List<Topic<?, ?>> all() {
        return List.of(AUDIT_RAW, AUDIT, TOKENS, USERS, FINDINGS, ACTIONS, DEAD_LETTERS);
    }

    /** The topics a service creates at start. */
    public static List<Topic<?, ?>> ownedBy(Owner owner) {
        return all().stream().filter(t -> t.owner() == owner || t.owner() == Owner.ALL).toList();
    }
}
