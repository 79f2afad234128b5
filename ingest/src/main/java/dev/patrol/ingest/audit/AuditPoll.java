package dev.patrol.ingest.audit;

import com.fasterxml.jackson.databind.ObjectReader;
import dev.patrol.ingest.dedupe.SeenEntries;
import dev.patrol.ingest.kafka.TransactionalPublisher;
import dev.patrol.model.ado.AdoAuditEntry;
import dev.patrol.model.event.AuditCheckpoint;
import dev.patrol.model.event.AuditSource;
import dev.patrol.model.event.DeadLetter;
import dev.patrol.model.event.ReceivedAuditEntry;
import dev.patrol.model.json.Json;
import dev.patrol.model.topic.Topics;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls one organization's audit log into Kafka: reads the next window, drops entries already produced, and
 * commits raw entries, parsed entries, dead letters and the new checkpoint in one transaction.
 */
public final class AuditPoll {

    private static final Logger LOG = LoggerFactory.getLogger(AuditPoll.class);
    static final String STAGE_PARSE = "ingest-parse";
    static final String SOURCE = "ado:_apis/audit/auditlog";
    /** Reads an entry straight from the page's bytes, as the shared mapper would. */
    private static final ObjectReader ENTRY_READER = Json.mapper().readerFor(AdoAuditEntry.class);

    private final String organization;
    private final AuditLogReader reader;
    private final AuditWindowPlanner planner;
    private final Clock clock;
    private final SeenEntries seen;
    private java.util.function.Consumer<java.time.Duration> availabilityDelay = delay -> { };
    private AuditCheckpoint checkpoint;

    /** What one poll did. */
    /** What one poll did; {@code newestStored} is the latest timestamp among the entries stored (null if none). */
    public record Result(AuditWindowPlanner.Window window, int fetched, int produced, int duplicates, int deadLetters,
                         Instant newestStored) {
    }

    /**
     * @param seen ids already stored by any source (this poller, or the audit-stream receiver): an entry there is
     *             counted as a duplicate and not produced again
     */
    public AuditPoll(String organization, AuditLogReader reader, AuditWindowPlanner planner, Clock clock,
                     AuditCheckpoint restored, SeenEntries seen) {
        this.organization = organization;
        this.seen = seen;
        this.reader = reader;
        this.planner = planner;
        this.clock = clock;
        this.checkpoint = Objects.requireNonNull(restored, "restored checkpoint");
    }

    /**
     * Hears, for each new entry, how long after its timestamp ADO showed it to this poll: the undocumented
     * availability delay, which the overlap must exceed (an upper bound: it includes the poll interval).
     */
    public AuditPoll onAvailabilityDelay(java.util.function.Consumer<java.time.Duration> listener) {
        this.availabilityDelay = listener;
        return this;
    }

    public AuditCheckpoint checkpoint() {
        return checkpoint;
    }

    /** Reads the next window and publishes it; the checkpoint moves only if the transaction commits. */
    public Result pollOnce(TransactionalPublisher publisher) throws InterruptedException {
        Instant now = clock.instant();
        AuditWindowPlanner.Window window = planner.next(checkpoint.windowEnd(), now);
        var entries = reader.read(window.start(), window.end());

        Map<String, Instant> recent = new HashMap<>(checkpoint.recentIds());
        int[] counts = new int[3]; // produced, duplicates, dead letters
        Instant receivedAt = clock.instant();
        java.util.List<String> claimed = new java.util.ArrayList<>();
        Instant[] newest = new Instant[1];
        try {
            publish(publisher, window, entries, recent, counts, receivedAt, claimed, newest);
        } catch (InterruptedException | RuntimeException e) {
            seen.release(claimed); // not stored after all: the next read of this window must store them
            throw e;
        }
        checkpoint = new AuditCheckpoint(organization, window.end(), recent);
        seen.prune(receivedAt);
        return new Result(window, entries.size(), counts[0], counts[1], counts[2], newest[0]);
    }

    private void publish(TransactionalPublisher publisher, AuditWindowPlanner.Window window,
                         java.util.List<PageEntry> entries, Map<String, Instant> recent, int[] counts,
                         Instant receivedAt, java.util.List<String> claimed, Instant[] newest) throws InterruptedException {
        var rawValues = new RawEntryValues(organization, AuditSource.POLL, receivedAt);
        publisher.inTransaction(sender -> {
            for (PageEntry entry : entries) {
                String id = entry.id();
                if (id == null || id.isBlank()) {
                    sender.send(Topics.DEAD_LETTERS, organization + ":" + window.start(),
                            deadLetter("entry has no id", "MissingId", entry, receivedAt), receivedAt);
                    counts[2]++;
                    continue;
                }
                if (recent.containsKey(id)) {
                    counts[1]++;
                    continue;
                }
                AdoAuditEntry parsed = null;
                String failure = null;
                String failureClass = null;
                try {
                    parsed = entry.read(ENTRY_READER);
                } catch (Exception e) {
                    failure = "not a valid audit entry: " + rootMessage(e);
                    failureClass = e.getClass().getSimpleName();
                }
                Instant eventTime = parsed != null ? parsed.timestamp() : receivedAt;
                recent.put(id, eventTime);
                if (!seen.claim(id, eventTime)) {
                    counts[1]++; // stored already, by the audit stream
                    continue;
                }
                claimed.add(id);
                // The raw topic keeps every entry with an id, parsable or not, so a parser fix can replay it; its
                // bytes as ADO sent them (a RawAuditEntry as the topic's serde reads it).
                sender.sendSerialized(Topics.AUDIT_RAW, id, rawValues.of(entry), eventTime);
                if (parsed != null) {
                    sender.send(Topics.AUDIT, id, new ReceivedAuditEntry(organization, AuditSource.POLL, receivedAt, parsed), eventTime);
                    counts[0]++;
                    availabilityDelay.accept(java.time.Duration.between(eventTime, receivedAt));
                    if (newest[0] == null || eventTime.isAfter(newest[0])) {
                        newest[0] = eventTime;
                    }
                } else {
                    sender.send(Topics.DEAD_LETTERS, id, deadLetter(failure, failureClass, entry, receivedAt), receivedAt);
                    counts[2]++;
                    LOG.warn("audit entry sent to dead-letter topic org={} entryId={} error={}", organization, id, failureClass);
                }
            }
            // Only ids that the next window will read again need remembering.
            Instant keepFrom = window.end().minus(planner.overlap());
            recent.values().removeIf(t -> t.isBefore(keepFrom));
            sender.send(Topics.INGEST_CHECKPOINTS, organization,
                    new AuditCheckpoint(organization, window.end(), recent), window.end());
        });
    }

    private static DeadLetter deadLetter(String reason, String errorClass, PageEntry entry, Instant at) {
        return new DeadLetter(SOURCE, -1, -1, STAGE_PARSE, reason, errorClass, entry.json(), at);
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        if (message == null) {
            return root.getClass().getSimpleName();
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
