package dev.patrol.alerts.delivery;

import dev.patrol.model.json.JsonSerde;
import dev.patrol.model.topic.Owner;
import dev.patrol.model.topic.Topic;
import dev.patrol.model.topic.TopicSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The grouped sinks' open groups, in a compacted topic: one record per group, a tombstone when it closes. Read
 * whole at start (it holds only groups active within the last window or so), written synchronously before the lane
 * commits the finding that changed it.
 */
public final class GroupStore {

    /**
     * Open alert groups of the grouped sinks (Slack, Teams, PagerDuty). Owned by alerts; compacted, one partition
     * (small, and read whole at start).
     */
    public static final Topic<String, AlertGroup> TOPIC = new Topic<>(
            "patrol.alerts.groups", Serdes.String(), JsonSerde.of(AlertGroup.class),
            TopicSpec.table(1), Owner.ALERTS,
            "<sink>|<organization>|<rule>|<subject>", "AlertGroup: first finding id, last message time, repeats pending");

    private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(30);

    private final Producer<byte[], byte[]> producer;
    private final String topic;

    /** {@code topic} is the full (prefixed) name. */
    public GroupStore(Producer<byte[], byte[]> producer, String topic) {
        this.producer = producer;
        this.topic = topic;
    }

    /** Every open group as the topic stands now (committed records only), keyed by {@link AlertGroup#key()}. */
    public static Map<String, AlertGroup> load(Map<String, Object> clientConfig, String topic) {
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "patrol-alerts-groups-loader");
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        Map<String, AlertGroup> groups = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
            List<TopicPartition> partitions = new ArrayList<>();
            consumer.partitionsFor(topic, Duration.ofSeconds(30))
                    .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
            while (partitions.stream().anyMatch(p -> consumer.position(p, Duration.ofSeconds(30)) < end.get(p))) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    String key = TOPIC.keySerde().deserializer().deserialize(topic, record.key());
                    if (record.value() == null) {
                        groups.remove(key);
                    } else {
                        groups.put(key, TOPIC.valueSerde().deserializer().deserialize(topic, record.value()));
                    }
                }
            }
        }
        return groups;
    }

    public void save(AlertGroup group) throws InterruptedException {
        write(group.key(), TOPIC.valueSerde().serializer().serialize(topic, group));
    }

    public void delete(AlertGroup group) throws InterruptedException {
        write(group.key(), null);
    }

    private void write(String key, byte[] value) throws InterruptedException {
        try {
            producer.send(new ProducerRecord<>(topic, TOPIC.keySerde().serializer().serialize(topic, key), value))
                    .get(WRITE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new KafkaException("cannot write alert group state to " + topic, e.getCause());
        } catch (TimeoutException e) {
            throw new KafkaException("cannot write alert group state to " + topic + " within " + WRITE_TIMEOUT, e);
        }
    }
}
