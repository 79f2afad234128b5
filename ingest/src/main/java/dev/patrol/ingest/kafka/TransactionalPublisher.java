package dev.patrol.ingest.kafka;

import dev.patrol.model.topic.Topic;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * One transactional producer for everything the ingester writes. The records of a poll and the checkpoint that
 * covers them commit together or not at all; the transactional id fences a second ingester of the same
 * organization (the older one's next commit fails), so one poller per organization runs at a time.
 */
public final class TransactionalPublisher implements AutoCloseable {

    private final KafkaProducer<byte[], byte[]> producer;
    private final String topicPrefix;

    public TransactionalPublisher(Map<String, Object> clientConfig, String transactionalId, String topicPrefix) {
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        config.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        this.producer = new KafkaProducer<>(config);
        this.topicPrefix = topicPrefix;
        // Fences older instances with the same id and aborts whatever they left open.
        producer.initTransactions();
    }

    /** Work that sends records; runs inside a transaction. */
    @FunctionalInterface
    public interface TransactionBody {
        void run(Sender sender) throws InterruptedException;
    }

    /** Sends typed records within the current transaction. */
    public final class Sender {
        private Sender() {
        }

        /** {@code value} null writes a tombstone. {@code timestamp} is the record's event time. */
        public <K, V> void send(Topic<K, V> topic, K key, V value, Instant timestamp) {
            String name = topicPrefix + topic.name();
            byte[] k = topic.keySerde().serializer().serialize(name, key);
            byte[] v = value == null ? null : topic.valueSerde().serializer().serialize(name, value);
            producer.send(new ProducerRecord<>(name, null, timestamp.toEpochMilli(), k, v));
        }

        /**
         * Sends a value that is already in {@code topic}'s wire format, what its value serde would write (the raw
         * audit topic's entries are the bytes ADO sent); the key goes through the key serde as in {@link #send}.
         */
        public <K, V> void sendSerialized(Topic<K, V> topic, K key, byte[] value, Instant timestamp) {
            String name = topicPrefix + topic.name();
            byte[] k = topic.keySerde().serializer().serialize(name, key);
            producer.send(new ProducerRecord<>(name, null, timestamp.toEpochMilli(), k, value));
        }
    }

    /**
     * Runs {@code body} in a transaction and commits. On any failure the transaction is aborted and the error
     * rethrown: nothing of it becomes visible to {@code read_committed} readers.
     */
    public void inTransaction(TransactionBody body) throws InterruptedException {
        producer.beginTransaction();
        try {
            body.run(new Sender());
            producer.commitTransaction();
        } catch (InterruptedException | RuntimeException e) {
            abortQuietly(e);
            throw e;
        }
    }

    private void abortQuietly(Exception cause) {
        try {
            producer.abortTransaction();
        } catch (KafkaException abortFailure) {
            // Fatal states (fenced) cannot abort; the original error says what happened.
            cause.addSuppressed(abortFailure);
        }
    }

    /** The producer's Kafka client meters (send rates, errors, transaction times); closed with the publisher. */
    public void bindMetrics(MeterRegistry registry) {
        clientMetrics = new KafkaClientMetrics(producer);
        clientMetrics.bindTo(registry);
    }

    private KafkaClientMetrics clientMetrics;

    @Override
    public void close() {
        if (clientMetrics != null) {
            clientMetrics.close();
        }
        producer.close(Duration.ofSeconds(10));
    }
}
