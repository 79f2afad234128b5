package dev.patrol.deploy.faults;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Every committed record of one topic ({@code read_committed}, all partitions, from the beginning), read as it
 * grows, without a consumer group: what the suite counts "exactly once" against. Not thread-safe; one poller.
 */
final class TopicTally implements AutoCloseable {

    private final String topic;
    private final Admin admin;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    private final Map<String, Integer> countByKey = new HashMap<>();
    private boolean assigned;

    TopicTally(String bootstrapServers, String topic, Admin admin) {
        this.topic = topic;
        this.admin = admin;
        this.consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class));
    }

    /** Reads what has been committed since the last call (once the topic exists); a broker that is down reads nothing. */
    void poll() {
        try {
            if (!assigned) {
                Set<String> names = admin.listTopics().names().get(10, java.util.concurrent.TimeUnit.SECONDS);
                if (!names.contains(topic)) {
                    return;
                }
                List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                        .map(p -> new TopicPartition(topic, p.partition())).toList();
                consumer.assign(partitions);
                consumer.seekToBeginning(partitions);
                assigned = true;
            }
            for (int i = 0; i < 50; i++) {
                var batch = consumer.poll(Duration.ofMillis(100));
                if (batch.isEmpty()) {
                    return;
                }
                for (ConsumerRecord<byte[], byte[]> r : batch) {
                    records.add(r);
                    if (r.key() != null) {
                        countByKey.merge(new String(r.key(), java.nio.charset.StandardCharsets.UTF_8), 1, Integer::sum);
                    }
                }
            }
        } catch (KafkaException | java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            // The broker is being restarted: try again on the next poll.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    List<ConsumerRecord<byte[], byte[]>> records() {
        return records;
    }

    Map<String, Integer> countByKey() {
        return countByKey;
    }

    int distinctKeys() {
        return countByKey.size();
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }
}
