package dev.patrol.ingest.dedupe;

import dev.patrol.ingest.kafka.TopicReader;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The audit entry ids already in the audit topic (or about to be, in an open transaction), so an entry that arrives
 * both by polling and by an audit stream is stored once. Shared by the poller and the stream receiver; an id is
 * {@link #claim claimed} before it is sent and {@link #release released} if its transaction aborts.
 *
 * <p>Ids are kept for {@code window}, longer than a stream's 7-day catch-up, and rebuilt at start from the audit
 * topic's keys over that window. Memory is about 150 bytes per entry: ADO audits admin and write operations, so
 * even large organizations stay in the tens of megabytes.
 */
public final class SeenEntries {

    private final Map<String, Instant> seen = new HashMap<>();
    private final Duration window;

    public SeenEntries(Duration window) {
        this.window = window;
    }

    /** Marks {@code id} as stored; false when it already was (by either source). */
    public synchronized boolean claim(String id, Instant at) {
        return seen.putIfAbsent(id, at) == null;
    }

    /** Forgets ids whose transaction did not commit, so the next delivery of them is stored. */
    public synchronized void release(Collection<String> ids) {
        ids.forEach(seen::remove);
    }

    public synchronized boolean contains(String id) {
        return seen.containsKey(id);
    }

    public synchronized int size() {
        return seen.size();
    }

    /** Drops ids of entries older than the window. */
    public synchronized void prune(Instant now) {
        Instant cutoff = now.minus(window);
        seen.values().removeIf(at -> at.isBefore(cutoff));
    }

    /** Rebuilds from the committed keys of the audit topic, from {@code window} ago to its end. */
    public static SeenEntries restore(Map<String, Object> clientConfig, String auditTopic, Duration window, Clock clock) {
        SeenEntries entries = new SeenEntries(window);
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, TopicReader.END_READER_FETCH_WAIT_MS);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        long from = clock.instant().minus(window).toEpochMilli();
        try (var consumer = new KafkaConsumer<String, byte[]>(config)) {
            List<TopicPartition> partitions = consumer.partitionsFor(auditTopic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(auditTopic, p.partition())).toList();
            consumer.assign(partitions);
            Map<TopicPartition, Long> query = new HashMap<>();
            partitions.forEach(p -> query.put(p, from));
            Map<TopicPartition, OffsetAndTimestamp> starts = consumer.offsetsForTimes(query, Duration.ofSeconds(30));
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, Duration.ofSeconds(30));
            for (TopicPartition partition : partitions) {
                OffsetAndTimestamp start = starts.get(partition);
                consumer.seek(partition, start == null ? ends.get(partition) : start.offset());
            }
            while (partitions.stream().anyMatch(p -> consumer.position(p, Duration.ofSeconds(30)) < ends.get(p))) {
                consumer.poll(Duration.ofMillis(200)).forEach(record -> {
                    if (record.key() != null) {
                        entries.claim(record.key(), Instant.ofEpochMilli(record.timestamp()));
                    }
                });
            }
        }
        return entries;
    }
}
