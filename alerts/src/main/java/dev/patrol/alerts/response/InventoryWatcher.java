package dev.patrol.alerts.response;

import dev.patrol.model.event.PersonalAccessToken;
import dev.patrol.model.topic.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the PAT inventory topic from its beginning (it is compacted: the latest record per token) for as long as the
 * service runs: every scan's view of a token reaches the playbook, which verifies revocations with it and reads token
 * owners from it. No consumer group: every start reads the whole inventory again, which is what a restart needs to
 * verify revocations whose scan it missed. Waits for the topic when ingest has not created it yet.
 */
final class InventoryWatcher implements AutoCloseable {

    /** Receives each inventory record; {@code token} is null for a tombstone (the token left the inventory). */
    @FunctionalInterface
    interface Handler {
        void onToken(String authorizationId, PersonalAccessToken token, Instant recordTime);
    }

    private static final Logger LOG = LoggerFactory.getLogger(InventoryWatcher.class);
    private static final Duration TOPIC_WAIT = Duration.ofSeconds(5);

    private final Map<String, Object> clientConfig;
    private final String topicName;
    private final Handler handler;
    private final CountDownLatch closing = new CountDownLatch(1);
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private Thread thread;

    InventoryWatcher(Map<String, Object> clientConfig, String topicName, Handler handler) {
        this.clientConfig = clientConfig;
        this.topicName = topicName;
        this.handler = handler;
    }

    InventoryWatcher start() {
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        consumer = new KafkaConsumer<>(config);
        thread = new Thread(this::run, "patrol-response-inventory");
        thread.setDaemon(true);
        thread.start();
        return this;
    }

    private void run() {
        try {
            if (!assign()) {
                return;
            }
            while (closing.getCount() > 0) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    handle(record);
                }
            }
        } catch (WakeupException e) {
            // close() asked us to stop
        } catch (RuntimeException e) {
            LOG.error("inventory watcher stopped on an unexpected error; revocations are not verified until restart", e);
        } finally {
            consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(5)));
        }
    }

    /** Assigns every partition once the topic exists; false when closed first. */
    private boolean assign() {
        boolean logged = false;
        while (closing.getCount() > 0) {
            List<TopicPartition> partitions;
            try {
                partitions = consumer.partitionsFor(topicName, Duration.ofSeconds(10)).stream()
                        .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            } catch (org.apache.kafka.common.errors.TimeoutException e) {
                partitions = List.of();
            }
            if (!partitions.isEmpty()) {
                consumer.assign(partitions);
                consumer.seekToBeginning(partitions);
                LOG.info("inventory watcher following topic={} partitions={}", topicName, partitions.size());
                return true;
            }
            if (!logged) {
                LOG.info("inventory watcher waiting for topic={} (ingest creates it); revocations are verified once it exists",
                        topicName);
                logged = true;
            }
            try {
                if (closing.await(TOPIC_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                    return false;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    private void handle(ConsumerRecord<byte[], byte[]> record) {
        String authorizationId;
        PersonalAccessToken token;
        try {
            authorizationId = Topics.TOKENS.keySerde().deserializer().deserialize(topicName, record.key());
            token = record.value() == null ? null
                    : Topics.TOKENS.valueSerde().deserializer().deserialize(topicName, record.value());
        } catch (RuntimeException e) {
            LOG.warn("unreadable inventory record skipped topic={} partition={} offset={} error={}", topicName,
                    record.partition(), record.offset(), e.getClass().getSimpleName());
            return;
        }
        if (authorizationId == null) {
            return;
        }
        try {
            handler.onToken(authorizationId.toLowerCase(java.util.Locale.ROOT), token, Instant.ofEpochMilli(record.timestamp()));
        } catch (RuntimeException e) {
            // The record is not retried: the next scan brings the token's state again.
            LOG.warn("inventory record not applied topic={} partition={} offset={} error={}", topicName,
                    record.partition(), record.offset(), e.getClass().getSimpleName());
        }
    }

    @Override
    public void close() {
        closing.countDown();
        KafkaConsumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        if (thread != null) {
            try {
                thread.join(Duration.ofSeconds(10).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
