package dev.patrol.alerts.response;

import dev.patrol.model.topic.Topic;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a topic from the beginning to its current end ({@code read_committed}, no consumer group): how the playbook
 * gets its state back from the actions topic at start.
 */
final class TopicReplay {

    private static final Logger LOG = LoggerFactory.getLogger(TopicReplay.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private TopicReplay() {
    }

    /** Calls {@code onRecord} for every readable value; an unreadable record is logged by coordinates and skipped. */
    static <K, V> long readToEnd(Map<String, Object> clientConfig, Topic<K, V> topic, String topicName,
                                 BiConsumer<K, V> onRecord) {
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        long count = 0;
        try (var consumer = new KafkaConsumer<byte[], byte[]>(config)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topicName, TIMEOUT).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, TIMEOUT);
            while (partitions.stream().anyMatch(p -> consumer.position(p, TIMEOUT) < end.get(p))) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    try {
                        K key = topic.keySerde().deserializer().deserialize(topicName, record.key());
                        V value = topic.valueSerde().deserializer().deserialize(topicName, record.value());
                        if (value != null) {
                            onRecord.accept(key, value);
                            count++;
                        }
                    } catch (RuntimeException e) {
                        LOG.warn("unreadable record skipped topic={} partition={} offset={} error={}", topicName,
                                record.partition(), record.offset(), e.getClass().getSimpleName());
                    }
                }
            }
        }
        return count;
    }
}
