package dev.patrol.ingest.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import dev.patrol.model.topic.Topic;

/**
 * Reads a (compacted) topic from the beginning to its current end with {@code read_committed}, without a consumer
 * group: how the ingester restores its checkpoint and its last view of the inventory at start.
 */
public final class TopicReader {

    /**
     * How long the broker may hold a fetch of a reader that stops at the end. The default (500 ms) is for tailing
     * consumers; a reader at the end of some partitions would wait out most of it once or twice per read (the fetch
     * the consumer sends ahead finds no new data, and the read waits for its answer), about 0.5 s a topic at start.
     */
    public static final int END_READER_FETCH_WAIT_MS = 10;

    private TopicReader() {
    }

    public static <K, V> void readToEnd(Map<String, Object> clientConfig, Topic<K, V> topic, String topicName,
                                        BiConsumer<K, V> onRecord) {
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, END_READER_FETCH_WAIT_MS);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        try (var consumer = new KafkaConsumer<byte[], byte[]>(config)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topicName, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
            while (partitions.stream().anyMatch(p -> consumer.position(p, Duration.ofSeconds(30)) < end.get(p))) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    K key = topic.keySerde().deserializer().deserialize(topicName, record.key());
                    V value = topic.valueSerde().deserializer().deserialize(topicName, record.value());
                    onRecord.accept(key, value);
                }
            }
        }
    }
}
