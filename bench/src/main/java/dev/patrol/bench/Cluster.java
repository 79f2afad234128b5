package dev.patrol.bench;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** The broker the bench measures on, and what the bench asks of it: producers, consumers and group progress. */
final class Cluster implements AutoCloseable {

    private final String bootstrapServers;
    private final Admin admin;

    Cluster(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
        this.admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers));
    }

    String bootstrapServers() {
        return bootstrapServers;
    }

    Admin admin() {
        return admin;
    }

    /** The platform baseline's producer: acks=all, idempotent, lz4, 20 ms linger. */
    <K, V> KafkaProducer<K, V> producer(Serializer<K> keys, Serializer<V> values, int lingerMs) {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        config.put(ProducerConfig.LINGER_MS_CONFIG, lingerMs);
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        return new KafkaProducer<>(config, keys, values);
    }

    /** A read_committed consumer of {@code topic} from its end (what a downstream service sees). */
    <V> KafkaConsumer<String, V> tail(String topic, Deserializer<V> values) {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10);
        var consumer = new KafkaConsumer<>(config, new StringDeserializer(), values);
        List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position); // resolve now, before anything is produced
        return consumer;
    }

    static ByteArraySerializer bytes() {
        return new ByteArraySerializer();
    }

    static ByteArrayDeserializer byteReader() {
        return new ByteArrayDeserializer();
    }

    /** Records in the topics (sum of end offsets, transaction markers included). */
    long endOffsets(Collection<String> topics) throws ExecutionException, InterruptedException {
        return ends(partitions(topics)).values().stream().mapToLong(Long::longValue).sum();
    }

    /**
     * How far a consumer group (a streams application) is: committed offsets summed over {@code counted} topics, and
     * whether every partition the group reads is committed up to its end.
     */
    record Progress(long committed, boolean caughtUp) {
    }

    Progress progress(String group, Collection<String> counted) throws ExecutionException, InterruptedException {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get();
        if (committed.isEmpty()) {
            return new Progress(0, false);
        }
        Map<TopicPartition, Long> ends = ends(committed.keySet());
        long sum = 0;
        boolean caughtUp = true;
        for (var e : committed.entrySet()) {
            long offset = e.getValue() == null ? 0 : e.getValue().offset();
            if (counted.contains(e.getKey().topic())) {
                sum += offset;
            }
            if (offset < ends.getOrDefault(e.getKey(), 0L)) {
                caughtUp = false;
            }
        }
        // Every counted topic must be among the group's, or it has not started reading it yet.
        var seen = committed.keySet().stream().map(TopicPartition::topic).collect(Collectors.toSet());
        return new Progress(sum, caughtUp && seen.containsAll(counted));
    }

    private List<TopicPartition> partitions(Collection<String> topics) throws ExecutionException, InterruptedException {
        return admin.describeTopics(topics).allTopicNames().get().values().stream()
                .flatMap(d -> d.partitions().stream().map(p -> new TopicPartition(d.name(), p.partition())))
                .toList();
    }

    private Map<TopicPartition, Long> ends(Collection<TopicPartition> partitions)
            throws ExecutionException, InterruptedException {
        Map<TopicPartition, OffsetSpec> spec = partitions.stream().collect(Collectors.toMap(p -> p, p -> OffsetSpec.latest()));
        return admin.listOffsets(spec).all().get().entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(10));
    }
}
