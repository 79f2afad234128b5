package dev.patrol.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import dev.patrol.alerts.AlertsService;
import dev.patrol.ingest.IngestService;
import dev.patrol.simulator.AdoSimulator;
import dev.patrol.simulator.SimulatorConfig;
import dev.patrol.streams.StreamsService;
import dev.patrol.testkit.HttpReceiver;
import dev.patrol.testkit.KafkaExtension;
import dev.patrol.testkit.TestKafka;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Guards against a credential leaking anywhere an operator or an attacker with read access could see it: the demo
 * pipeline (simulated ADO, ingest with the audit-stream receiver, streams, alerts with a signed webhook) runs with a
 * known PAT, HEC token, webhook signing key and a SASL JAAS password passed through {@code KAFKA_*}; then every log
 * event (any logger, DEBUG for PATrol, with stack traces and key-value pairs), the terminal, every record of every
 * topic (internal ones too, uncommitted included) and a Prometheus scrape are searched for those values, their
 * base64 forms at any alignment and the {@code :PAT} Basic form. Zero hits.
 */
@ExtendWith(KafkaExtension.class)
class SecretHygieneIT {

    private static final String PAT = "patrolpat7q3xv9kd2m8w1zr5t6yb4nc0hjs1e2";
    private static final String HEC_TOKEN = "hec-9d1c6f2e-secret-4b7a-8e3f-0c5d2a1b9e7f";
    private static final String WEBHOOK_KEY = "whk-n4v8q2m6x0z3c7b1-signing-key-5t9y";
    private static final String SASL_PASSWORD = "sasl-pw-k3j5h7g9f1d2s4a6";

    @Test
    @SuppressWarnings("try") // the services run while the try block waits; they are closed at its end
    void shouldShowNoSecretInLogsTopicsOrMetricsWhenTheDemoPipelineRuns(TestKafka kafka, @TempDir Path dir)
            throws Exception {
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        Map<String, Level> levels = captureEverything(logs);
        var terminal = new ByteArrayOutputStream();
        String scrape;
        try (var simulator = AdoSimulator.start(SimulatorConfig.defaults().withSeed(11).withPat(PAT));
             var receiver = HttpReceiver.start();
             var metrics = MetricsServer.start("127.0.0.1", freePort(), () -> true)) {
            Map<String, String> env = new HashMap<>();
            env.put("ADO_PAT", PAT);
            env.put("WEBHOOK_SIGNING_KEY", WEBHOOK_KEY);
            env.put("ADO_STREAM_HEC_TOKEN", HEC_TOKEN);
            env.put("PATROL_AUDIT_STREAM_ENABLED", "true");
            env.put("PATROL_AUDIT_STREAM_BIND_ADDRESS", "127.0.0.1");
            env.put("PATROL_AUDIT_STREAM_PORT", "0");
            // A SASL login passed through as an operator would; unused on this PLAINTEXT broker, but configured on
            // every client, so every client's config dump would show it if it were not masked.
            env.put("KAFKA_SASL_JAAS_CONFIG", "org.apache.kafka.common.security.scram.ScramLoginModule required "
                    + "username=\"patrol\" password=\"" + SASL_PASSWORD + "\";");
            var config = Demo.configFor(simulator, kafka.bootstrapServers(), dir,
                    new Demo.Options(11, List.of(receiver.url("/hook")), "sh."), env);

            try (var ingest = new IngestService(config, Clock.systemUTC(), metrics.registry()).start();
                 var streams = new StreamsService(config, Clock.systemUTC(), metrics.registry()).start();
                 var alerts = new AlertsService(config, new PrintStream(terminal, true, StandardCharsets.UTF_8),
                         Clock.systemUTC(), metrics.registry()).start()) {
                // The receiver starts on ingest's worker thread, after its checkpoint is restored.
                await().atMost(Duration.ofSeconds(60)).until(() -> ingest.streamReceiverUrl().isPresent());
                URI stream = ingest.streamReceiverUrl().orElseThrow().resolve("/services/collector");
                assertThat(postHec(stream, "Splunk " + HEC_TOKEN)).isEqualTo(200);
                assertThat(postHec(stream, "Basic " + base64("x:" + HEC_TOKEN))).isEqualTo(200);
                assertThat(postHec(stream, "Splunk " + HEC_TOKEN + "-wrong")).isEqualTo(403);

                await().atMost(Duration.ofSeconds(120)).until(() -> receiver.received().size() >= 3);
                assertThat(receiver.received()).allSatisfy(r -> assertThat(r.headers().keySet())
                        .anyMatch(h -> h.equalsIgnoreCase("X-Patrol-Signature"))); // the key was in use
            }
            scrape = HttpClient.newHttpClient().send(HttpRequest.newBuilder(metrics.url()).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        } finally {
            release(logs, levels);
        }

        Map<String, String> needles = needles();
        List<String> hits = new ArrayList<>();
        List<String> lines = logLines(logs);
        lines.forEach(line -> find(needles, "log", line, hits));
        terminal.toString(StandardCharsets.UTF_8).lines().forEach(line -> find(needles, "terminal", line, hits));
        find(needles, "metrics", scrape, hits);
        long records = scanTopics(kafka, needles, hits);

        System.out.printf("SecretHygieneIT: logLines=%d records=%d metricsBytes=%d needles=%d hits=%d%n",
                lines.size(), records, scrape.length(), needles.size(), hits.size());
        assertThat(lines).as("log events captured").hasSizeGreaterThan(100);
        assertThat(records).as("records scanned").isGreaterThan(300);
        assertThat(scrape).contains("patrol_");
        assertThat(hits).isEmpty();
    }

    /** The scan itself: each form of each secret is found where a leak would put it, so zero hits means something. */
    @Test
    void shouldFindASecretWhenItSitsInBase64AtAnyOffset() {
        Map<String, String> needles = needles();
        for (String secret : List.of(PAT, HEC_TOKEN, WEBHOOK_KEY, SASL_PASSWORD)) {
            for (String prefix : List.of("", "a", "ab", "abc")) {
                List<String> hits = new ArrayList<>();
                String payload = "{\"payload\":\"" + base64(prefix + secret + "\"}") + "\"}";

                find(needles, "test", payload, hits);

                assertThat(hits).as("base64 of %s after %d bytes", secret, prefix.length()).isNotEmpty();
            }
        }
        List<String> basic = new ArrayList<>();
        find(needles, "test", "Authorization: Basic " + base64(":" + PAT), basic);
        assertThat(basic).isNotEmpty();
    }

    private static int freePort() throws java.io.IOException {
        try (var socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static int postHec(URI url, String authorization) throws Exception {
        String entry = "{\"event\":{\"id\":\"secret-hygiene-1\",\"timestamp\":\"2026-05-01T10:15:30Z\","
                + "\"actionId\":\"Git.RefUpdatePoliciesBypassed\",\"ipAddress\":\"203.0.113.9\","
                + "\"authenticationMechanism\":\"PAT authorizationId: 4ab5764f-4193-4f1d-b995-64144880b7d7\"}}"
                + "{\"event\":{\"not\":\"an entry\"}}";
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(url).header("Authorization", authorization)
                .POST(HttpRequest.BodyPublishers.ofString(entry)).build(), HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    /** Each secret as itself, in base64 (standard and URL-safe, any of the three alignments) and the Basic forms. */
    static Map<String, String> needles() {
        Map<String, String> needles = new LinkedHashMap<>();
        Map<String, String> secrets = Map.of("PAT", PAT, "HEC token", HEC_TOKEN, "webhook key", WEBHOOK_KEY,
                "SASL password", SASL_PASSWORD);
        secrets.forEach((name, value) -> {
            needles.put(name, value);
            for (int shift = 0; shift < 3; shift++) {
                byte[] shifted = ("\0".repeat(shift) + value).getBytes(StandardCharsets.UTF_8);
                needles.put(name + " base64@" + shift, base64Core(Base64.getEncoder().encodeToString(shifted), shift));
                needles.put(name + " base64url@" + shift,
                        base64Core(Base64.getUrlEncoder().encodeToString(shifted), shift));
            }
        });
        needles.put("PAT Basic", base64(":" + PAT));
        needles.put("PAT Basic user", base64("patrol:" + PAT));
        needles.put("HEC Basic", base64("x:" + HEC_TOKEN));
        return needles;
    }

    /** The characters that depend only on the secret's bytes: not those mixed with what comes before or after. */
    private static String base64Core(String encoded, int shift) {
        int start = shift == 0 ? 0 : shift == 1 ? 2 : 3;
        return encoded.substring(start, encoded.length() - 4);
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static void find(Map<String, String> needles, String where, String text, List<String> hits) {
        needles.forEach((name, needle) -> {
            if (text.contains(needle)) {
                int at = text.indexOf(needle);
                hits.add(where + ": " + name + " in ..."
                        + text.substring(Math.max(0, at - 80), Math.min(text.length(), at)) + "<secret>");
            }
        });
    }

    /** Every record of every topic, committed or not, as text (values and keys; header values too). */
    private static long scanTopics(TestKafka kafka, Map<String, String> needles, List<String> hits) throws Exception {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        AtomicLong records = new AtomicLong();
        var topics = kafka.admin().listTopics(new org.apache.kafka.clients.admin.ListTopicsOptions().listInternal(true))
                .names().get();
        try (var consumer = new KafkaConsumer<byte[], byte[]>(props)) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : topics) {
                consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p)) && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    records.incrementAndGet();
                    String where = "topic " + record.topic() + "/" + record.partition() + "@" + record.offset();
                    if (record.key() != null) {
                        find(needles, where + " key", new String(record.key(), StandardCharsets.UTF_8), hits);
                    }
                    if (record.value() != null) {
                        find(needles, where + " value", new String(record.value(), StandardCharsets.UTF_8), hits);
                    }
                    record.headers().forEach(h -> find(needles, where + " header " + h.key(),
                            new String(h.value() == null ? new byte[0] : h.value(), StandardCharsets.UTF_8), hits));
                }
            }
            assertThat(partitions).as("every partition read to its end")
                    .allSatisfy(p -> assertThat(consumer.position(p)).isGreaterThanOrEqualTo(end.get(p)));
        }
        return records.get();
    }

    // ------------------------------------------------------------------------------------------- log capture

    private static final List<String> LOGGERS = List.of(Logger.ROOT_LOGGER_NAME, "dev.patrol", "org.apache.kafka", "kafka");

    /** Attaches the appender to the root and lets PATrol log at DEBUG, Kafka (its config dumps) at INFO. */
    private static Map<String, Level> captureEverything(ListAppender<ILoggingEvent> appender) {
        Map<String, Level> previous = new HashMap<>();
        for (String name : LOGGERS) {
            Logger logger = (Logger) LoggerFactory.getLogger(name);
            previous.put(name, logger.getLevel());
        }
        ((Logger) LoggerFactory.getLogger("dev.patrol")).setLevel(Level.DEBUG);
        ((Logger) LoggerFactory.getLogger("org.apache.kafka")).setLevel(Level.INFO);
        ((Logger) LoggerFactory.getLogger("kafka")).setLevel(Level.INFO);
        appender.start();
        ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).addAppender(appender);
        return previous;
    }

    private static void release(ListAppender<ILoggingEvent> appender, Map<String, Level> levels) {
        ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).detachAppender(appender);
        levels.forEach((name, level) -> ((Logger) LoggerFactory.getLogger(name)).setLevel(level));
        appender.stop();
    }

    private static List<String> logLines(ListAppender<ILoggingEvent> appender) {
        List<String> lines = new ArrayList<>();
        synchronized (appender.list) {
            for (ILoggingEvent event : List.copyOf(appender.list)) {
                StringBuilder line = new StringBuilder(event.getLoggerName()).append(' ').append(event.getFormattedMessage());
                if (event.getKeyValuePairs() != null) {
                    event.getKeyValuePairs().forEach(kv -> line.append(' ').append(kv.key).append('=').append(kv.value));
                }
                if (event.getMDCPropertyMap() != null) {
                    line.append(' ').append(event.getMDCPropertyMap());
                }
                if (event.getThrowableProxy() != null) {
                    line.append('\n').append(ThrowableProxyUtil.asString(event.getThrowableProxy()));
                }
                lines.add(line.toString());
            }
        }
        return lines;
    }
}
