package dev.patrol.ingest.stream;

import dev.patrol.ingest.dedupe.SeenEntries;
import dev.patrol.ingest.kafka.TransactionalPublisher;
import dev.patrol.model.ado.AdoAuditEntry;
import dev.patrol.model.event.AuditSource;
import dev.patrol.model.event.DeadLetter;
import dev.patrol.model.event.RawAuditEntry;
import dev.patrol.model.event.ReceivedAuditEntry;
import dev.patrol.model.json.Json;
import dev.patrol.model.topic.Topics;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stores what an audit stream delivers, exactly like polled entries: raw JSON to the raw topic, parsed entries to
 * the audit topic, the rest to the dead-letter topic, all in one transaction before the receiver answers 200. An id
 * already stored by either source is skipped, so an entry arriving by stream and by poll is stored once.
 */
public final class StreamedEntryPublisher implements StreamedEntrySink {

    private static final Logger LOG = LoggerFactory.getLogger(StreamedEntryPublisher.class);
    static final String STAGE = "ingest-stream";

    private final String organization;
    private final TransactionalPublisher publisher;
    private final SeenEntries seen;
    private final AtomicLong stored = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();

    public StreamedEntryPublisher(String organization, TransactionalPublisher publisher, SeenEntries seen) {
        this.organization = organization;
        this.publisher = publisher;
        this.seen = seen;
    }

    @Override
    public void accept(StreamDelivery delivery) throws Exception {
        List<String> claimed = new ArrayList<>();
        int[] counts = new int[3]; // stored, duplicates, dead letters
        try {
            publisher.inTransaction(sender -> {
                for (StreamDelivery.StreamedEntry streamed : delivery.entries()) {
                    String id = streamed.id();
                    AdoAuditEntry parsed = null;
                    String failure = null;
                    try {
                        parsed = Json.mapper().treeToValue(streamed.entry(), AdoAuditEntry.class);
                    } catch (Exception e) {
                        failure = e.getClass().getSimpleName();
                    }
                    var eventTime = parsed != null ? parsed.timestamp() : delivery.receivedAt();
                    if (!seen.claim(id, eventTime)) {
                        counts[1]++;
                        continue;
                    }
                    claimed.add(id);
                    sender.send(Topics.AUDIT_RAW, id, new RawAuditEntry(organization, AuditSource.STREAM,
                            delivery.receivedAt(), streamed.asSent()), eventTime);
                    if (parsed != null) {
                        sender.send(Topics.AUDIT, id, new ReceivedAuditEntry(organization, AuditSource.STREAM,
                                delivery.receivedAt(), parsed), eventTime);
                        counts[0]++;
                    } else {
                        sender.send(Topics.DEAD_LETTERS, id, new DeadLetter(delivery.target().source(), -1, -1, STAGE,
                                "not a valid audit entry", failure, streamed.asSent().toString().getBytes(java.nio.charset.StandardCharsets.UTF_8),
                                delivery.receivedAt()), delivery.receivedAt());
                        counts[2]++;
                    }
                }
                for (StreamDelivery.Rejected rejected : delivery.rejected()) {
                    sender.send(Topics.DEAD_LETTERS, delivery.target().source() + "@" + delivery.receivedAt(),
                            new DeadLetter(delivery.target().source(), -1, -1, STAGE, rejected.reason(), "NotAnAuditEntry",
                                    rejected.payload(), delivery.receivedAt()), delivery.receivedAt());
                    counts[2]++;
                }
            });
        } catch (Exception e) {
            seen.release(claimed); // the sender retries on our 503; those entries must be stored then
            throw e;
        }
        stored.addAndGet(counts[0]);
        duplicates.addAndGet(counts[1]);
        LOG.info("audit stream delivery stored org={} target={} new={} duplicates={} deadLetters={}", organization,
                delivery.target(), counts[0], counts[1], counts[2]);
    }

    public long stored() {
        return stored.get();
    }

    public long duplicates() {
        return duplicates.get();
    }
}
