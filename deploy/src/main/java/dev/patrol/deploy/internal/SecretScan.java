package dev.patrol.deploy.internal;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Searches text and topics for known secrets: each as itself, in base64 (standard and URL-safe, at any of the three
 * alignments, so a secret inside a larger encoded value is found too) and in given extra encoded forms (a Basic
 * credential). Used by the secret scan of the demo pipeline ({@code SecretHygieneIT}) and by {@code patrol faults}.
 * A hit names where and which form, with up to 80 characters before it; never the secret.
 */
public final class SecretScan {

    private final Map<String, String> needles = new LinkedHashMap<>();

    /**
     * @param secrets   name → secret value
     * @param plainForms name → text whose standard base64 is a form to find (e.g. {@code ":" + pat} for Basic)
     */
    public SecretScan(Map<String, String> secrets, Map<String, String> plainForms) {
        secrets.forEach((name, value) -> {
            needles.put(name, value);
            for (int shift = 0; shift < 3; shift++) {
                byte[] shifted = ("\0".repeat(shift) + value).getBytes(StandardCharsets.UTF_8);
                needles.put(name + " base64@" + shift, core(Base64.getEncoder().encodeToString(shifted), shift));
                needles.put(name + " base64url@" + shift, core(Base64.getUrlEncoder().encodeToString(shifted), shift));
            }
        });
        plainForms.forEach((name, text) -> needles.put(name, base64(text)));
    }

    /** Every form searched for, by name. */
    public Map<String, String> needles() {
        return Map.copyOf(needles);
    }

    public static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    /** The characters that depend only on the secret's bytes: not those mixed with what comes before or after. */
    private static String core(String encoded, int shift) {
        int start = shift == 0 ? 0 : shift == 1 ? 2 : 3;
        return encoded.substring(start, encoded.length() - 4);
    }

    /** Adds one hit to {@code hits} per form found in {@code text}. */
    public void find(String where, String text, List<String> hits) {
        needles.forEach((name, needle) -> {
            int at = text.indexOf(needle);
            if (at >= 0) {
                hits.add(where + ": " + name + " in ..." + text.substring(Math.max(0, at - 80), at) + "<secret>");
            }
        });
    }

    /**
     * Every record (committed or not: {@code read_uncommitted}) of every topic whose name passes {@code topics},
     * internal ones included, read to the end offsets of the moment: keys, values and header values as UTF-8 text.
     *
     * @return the number of records read
     * @throws IllegalStateException when a partition could not be read to its end within {@code timeout}
     */
    public long scanTopics(String bootstrapServers, Predicate<String> topics, Duration timeout, List<String> hits)
            throws Exception {
        Set<String> names;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            names = admin.listTopics(new ListTopicsOptions().listInternal(true)).names().get();
        }
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2_000);
        long records = 0;
        try (var consumer = new KafkaConsumer<byte[], byte[]>(props)) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : names) {
                if (topics.test(topic)) {
                    consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
                }
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p)) && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    records++;
                    String where = "topic " + record.topic() + "/" + record.partition() + "@" + record.offset();
                    if (record.key() != null) {
                        find(where + " key", new String(record.key(), StandardCharsets.UTF_8), hits);
                    }
                    if (record.value() != null) {
                        find(where + " value", new String(record.value(), StandardCharsets.UTF_8), hits);
                    }
                    record.headers().forEach(h -> find(where + " header " + h.key(),
                            new String(h.value() == null ? new byte[0] : h.value(), StandardCharsets.UTF_8), hits));
                }
            }
            List<TopicPartition> unread = partitions.stream().filter(p -> consumer.position(p) < end.get(p)).toList();
            if (!unread.isEmpty()) {
                throw new IllegalStateException("partitions not read to their end within " + timeout.toSeconds()
                        + " s: " + unread);
            }
        }
        return records;
    }
}
