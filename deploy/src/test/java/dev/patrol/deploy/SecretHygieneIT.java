package dev.patrol.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import dev.patrol.alerts.AlertsService;
import dev.patrol.deploy.internal.SecretScan;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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

        SecretScan scan = scan();
        List<String> hits = new ArrayList<>();
        List<String> lines = logLines(logs);
        lines.forEach(line -> scan.find("log", line, hits));
        terminal.toString(StandardCharsets.UTF_8).lines().forEach(line -> scan.find("terminal", line, hits));
        scan.find("metrics", scrape, hits);
        long records = scan.scanTopics(kafka.bootstrapServers(), topic -> true, Duration.ofSeconds(60), hits);

        System.out.printf("SecretHygieneIT: logLines=%d records=%d metricsBytes=%d needles=%d hits=%d%n",
                lines.size(), records, scrape.length(), scan.needles().size(), hits.size());
        assertThat(lines).as("log events captured").hasSizeGreaterThan(100);
        assertThat(records).as("records scanned").isGreaterThan(300);
        assertThat(scrape).contains("patrol_");
        assertThat(hits).isEmpty();
    }

    /** The scan itself: each form of each secret is found where a leak would put it, so zero hits means something. */
    @Test
    void shouldFindASecretWhenItSitsInBase64AtAnyOffset() {
        SecretScan scan = scan();
        for (String secret : List.of(PAT, HEC_TOKEN, WEBHOOK_KEY, SASL_PASSWORD)) {
            for (String prefix : List.of("", "a", "ab", "abc")) {
                List<String> hits = new ArrayList<>();
                String payload = "{\"payload\":\"" + base64(prefix + secret + "\"}") + "\"}";

                scan.find("test", payload, hits);

                assertThat(hits).as("base64 of %s after %d bytes", secret, prefix.length()).isNotEmpty();
            }
        }
        List<String> basic = new ArrayList<>();
        scan.find("test", "Authorization: Basic " + base64(":" + PAT), basic);
        assertThat(basic).isNotEmpty();
    }

    private static String base64(String text) {
        return SecretScan.base64(text);
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
    static SecretScan scan() {
        return new SecretScan(Map.of("PAT", PAT, "HEC token", HEC_TOKEN, "webhook key", WEBHOOK_KEY,
                "SASL password", SASL_PASSWORD),
                Map.of("PAT Basic", ":" + PAT, "PAT Basic user", "patrol:" + PAT, "HEC Basic", "x:" + HEC_TOKEN));
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
