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

    /**
     * An entry of the window, parsed and serialised while the reader fetches the next page; what to write is decided
     * in the transaction, as before. {@code id} null: no usable id ({@code deadLetter} says so); {@code known}: in
     * the checkpoint's recent ids, a duplicate, so not parsed; else {@code rawValue} and either {@code auditValue}
     * (parsed, with its {@code eventTime}) or {@code deadLetter}.
     */
    private record Prepared(String id, boolean known, Instant receivedAt, Instant eventTime, byte[] rawValue,
                            byte[] auditValue, DeadLetter deadLetter) {
    }

    /** Reads the next window and publishes it; the checkpoint moves only if the transaction commits. */
    public Result pollOnce(TransactionalPublisher publisher) throws InterruptedException {
        Instant now = clock.instant();
        AuditWindowPlanner.Window window = planner.next(checkpoint.windowEnd(), now);
        Map<String, Instant> known = checkpoint.recentIds();
        java.util.List<Prepared> entries = new java.util.ArrayList<>();
        // Nothing is sent before the whole window is read: the transaction still holds exactly one window, read whole,
        // and stays as short as before. What overlaps the next page's request is each page's parsing and serialising.
        reader.read(window.start(), window.end(), page -> {
            Instant receivedAt = clock.instant();
            var rawValues = new RawEntryValues(organization, AuditSource.POLL, receivedAt);
            for (PageEntry entry : page.entries()) {
                entries.add(prepare(entry, known, receivedAt, rawValues));
            }
        });

        Map<String, Instant> recent = new HashMap<>(known);
        int[] counts = new int[3]; // produced, duplicates, dead letters
        Instant receivedAt = clock.instant();
        java.util.List<String> claimed = new java.util.ArrayList<>();
        Instant[] newest = new Instant[1];
        try {
            publish(publisher, window, entries, recent, counts, claimed, newest);
        } catch (InterruptedException | RuntimeException e) {
            seen.release(claimed); // not stored after all: the next read of this window must store them
            throw e;
        }
        checkpoint = new AuditCheckpoint(organization, window.end(), recent);
        seen.prune(receivedAt);
        return new Result(window, entries.size(), counts[0], counts[1], counts[2], newest[0]);
    }

    private Prepared prepare(PageEntry entry, Map<String, Instant> known, Instant receivedAt, RawEntryValues rawValues) {
        String id = entry.id();
        if (id == null || id.isBlank()) {
            return new Prepared(null, false, receivedAt, receivedAt, null, null,
                    deadLetter("entry has no id", "MissingId", entry, receivedAt));
        }
        if (known.containsKey(id)) {
            return new Prepared(id, true, receivedAt, receivedAt, null, null, null);
        }
        AdoAuditEntry parsed;
        try {
            parsed = entry.read(ENTRY_READER);
        } catch (Exception e) {
            return new Prepared(id, false, receivedAt, receivedAt, rawValues.of(entry), null,
                    deadLetter("not a valid audit entry: " + rootMessage(e), e.getClass().getSimpleName(), entry, receivedAt));
        }
        byte[] auditValue = Topics.AUDIT.valueSerde().serializer().serialize(Topics.AUDIT.name(),
                new ReceivedAuditEntry(organization, AuditSource.POLL, receivedAt, parsed));
        return new Prepared(id, false, receivedAt, parsed.timestamp(), rawValues.of(entry), auditValue, null);
    }

    private void publish(TransactionalPublisher publisher, AuditWindowPlanner.Window window,
                         java.util.List<Prepared> entries, Map<String, Instant> recent, int[] counts,
                         java.util.List<String> claimed, Instant[] newest) throws InterruptedException {
        publisher.inTransaction(sender -> {
            for (Prepared entry : entries) {
                String id = entry.id();
                if (id == null) {
                    sender.send(Topics.DEAD_LETTERS, organization + ":" + window.start(), entry.deadLetter(),
                            entry.receivedAt());
                    counts[2]++;
                    continue;
                }
                if (entry.known() || recent.containsKey(id)) {
                    counts[1]++;
                    continue;
                }
                Instant eventTime = entry.eventTime();
                recent.put(id, eventTime);
                if (!seen.claim(id, eventTime)) {
                    counts[1]++; // stored already, by the audit stream
                    continue;
                }
                claimed.add(id);
                // The raw topic keeps every entry with an id, parsable or not, so a parser fix can replay it; its
                // bytes as ADO sent them (a RawAuditEntry as the topic's serde reads it).
                sender.sendSerialized(Topics.AUDIT_RAW, id, entry.rawValue(), eventTime);
                if (entry.auditValue() != null) {
                    sender.sendSerialized(Topics.AUDIT, id, entry.auditValue(), eventTime);
                    counts[0]++;
                    availabilityDelay.accept(java.time.Duration.between(eventTime, entry.receivedAt()));
                    if (newest[0] == null || eventTime.isAfter(newest[0])) {
                        newest[0] = eventTime;
                    }
                } else {
                    sender.send(Topics.DEAD_LETTERS, id, entry.deadLetter(), entry.receivedAt());
                    counts[2]++;
                    LOG.warn("audit entry sent to dead-letter topic org={} entryId={} error={}", organization, id,
                            entry.deadLetter().errorClass());
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
