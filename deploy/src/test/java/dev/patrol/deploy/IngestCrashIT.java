package dev.patrol.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import dev.patrol.model.event.PersonalAccessToken;
import dev.patrol.model.event.TokenLifecycleEvent;
import dev.patrol.model.event.TokenLifecycleEvent.Kind;
import dev.patrol.model.topic.Topics;
import dev.patrol.simulator.AdoSimulator;
import dev.patrol.simulator.SimToken;
import dev.patrol.simulator.SimulatorConfig;
import dev.patrol.testkit.CommittedRecords;
import dev.patrol.testkit.KafkaExtension;
import dev.patrol.testkit.TestKafka;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Guards issue 3's acceptance criterion on a real broker: {@code patrol ingest}, run as a child JVM exactly as an
 * operator runs it, is killed with SIGKILL ({@code destroyForcibly}) at random moments {@value #KILLS} times while the
 * simulator injects 429s, 500s, 503s and truncated pages and the test changes the organization (a revocation through the API, a new
 * token, a deleted token, a token moved to expire). Afterwards the audit topic must hold every simulator entry exactly
 * once ({@code read_committed}), the tokens topic must equal the simulator's tokens, and the lifecycle topic must hold
 * exactly the events those changes cause, none twice. A failure here means a crash can lose or duplicate data: the
 * checkpoint, the records it covers and the inventory state are not committed atomically, or not restored exactly.
 *
 * <p>Kills are placed by the simulator's request count (a random number of ADO calls after each start), so they land
 * inside inventory scans and audit windows rather than only between them. The random seed is logged; each child's
 * output is kept under {@code target/ingest-crash-it/}.
 */
@ExtendWith(KafkaExtension.class)
class IngestCrashIT {

    private static final Logger LOG = LoggerFactory.getLogger(IngestCrashIT.class);
    private static final int KILLS = 5;
    private static final String PREFIX = "crash.";
    private static final Path LOGS = Path.of("target", "ingest-crash-it");
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void shouldStoreEveryEntryOnceAndMirrorTheInventoryWhenTheIngesterIsKilledRepeatedly(TestKafka kafka) throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        LOG.info("ingest crash IT random seed={} (kill points)", seed);
        Files.createDirectories(LOGS);
        // Three days of history, read in 6-hour windows of 50-entry pages: ~80 pages, so kills land mid-window.
        SimulatorConfig simulatorConfig = SimulatorConfig.defaults().withSeed(61).withHistory(Duration.ofDays(3))
                .withAuditEntries(4000);
        try (AdoSimulator simulator = AdoSimulator.start(simulatorConfig)) {
            Instant started = Instant.now();
            assertThat(simulator.org().tokens()).as("precondition: no generated token expires while the test runs")
                    .noneMatch(t -> t.isValid() && t.validTo().isAfter(started)
                            && t.validTo().isBefore(started.plus(Duration.ofMinutes(10))));
            List<SimToken> picks = validTokensOfDistinctOwners(simulator, started);
            SimToken revoked = picks.get(0);
            SimToken deleted = picks.get(1);
            SimToken expiring = picks.get(2);
            SimToken added = new SimToken(UUID.randomUUID().toString(), picks.get(3).ownerDescriptor(), "crash-it-new",
                    "vso.code", List.of(simulator.org().organizationId()), started.truncatedTo(ChronoUnit.SECONDS),
                    started.plus(Duration.ofDays(30)).truncatedTo(ChronoUnit.SECONDS), true);
            Map<String, String> env = environment(simulator, kafka);

            // The first run records the inventory baseline; changes before it would be baseline, not news.
            Process child = startIngest(env, 0);
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> !child.isAlive() || tokenTable(kafka).size() >= simulator.org().tokens().size());
            assertThat(child.isAlive()).as("ingest still running (see %s)", log(0)).isTrue();

            List<Runnable> changes = List.of(
                    () -> revokeThroughApi(simulator, revoked.authorizationId()),
                    () -> simulator.org().addToken(added),
                    () -> simulator.org().deleteToken(deleted.authorizationId()),
                    // Live when the baseline was taken, moved to lapse a few seconds from now.
                    () -> simulator.org().setValidTo(expiring.authorizationId(),
                            Instant.now().plusSeconds(5).truncatedTo(ChronoUnit.SECONDS)),
                    () -> { });
            Process running = child;
            for (int kill = 1; kill <= KILLS; kill++) {
                injectFaults(simulator);
                long target = simulator.requestCount() + 1 + random.nextInt(80);
                Process current = running;
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(5))
                        .until(() -> !current.isAlive() || simulator.requestCount() >= target);
                assertThat(current.isAlive()).as("ingest died on its own (see %s)", log(kill - 1)).isTrue();
                current.destroyForcibly();
                assertThat(current.waitFor(30, TimeUnit.SECONDS)).isTrue();
                assertThat(current.exitValue()).as("killed by SIGKILL, no shutdown hook ran").isEqualTo(137);
                LOG.info("ingest killed kill={} atRequest={}", kill, simulator.requestCount());
                changes.get(kill - 1).run();
                running = startIngest(env, kill);
            }

            // The last run catches up, with the organization as the test left it.
            Process last = running;
            Set<String> expectedIds = simulator.org().auditEntries().stream().map(e -> e.get("id").asText())
                    .collect(Collectors.toSet());
            List<Tuple> expectedEvents = List.of(
                    tuple(Kind.REVOKED, revoked.authorizationId()),
                    tuple(Kind.CREATED, added.authorizationId()),
                    tuple(Kind.DISAPPEARED, deleted.authorizationId()),
                    tuple(Kind.UPDATED, expiring.authorizationId()),
                    tuple(Kind.EXPIRED, expiring.authorizationId()));
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).until(() -> !last.isAlive()
                    || (Set.copyOf(keys(kafka, Topics.AUDIT.name())).containsAll(expectedIds)
                    && tokenTable(kafka).equals(simulatorTable(simulator))
                    && lifecycle(kafka).size() >= expectedEvents.size()));
            assertThat(last.isAlive()).as("ingest still running (see %s)", log(KILLS)).isTrue();
            last.destroy(); // SIGTERM: an orderly stop, so no transaction is left open behind the assertions
            if (!last.waitFor(30, TimeUnit.SECONDS)) {
                last.destroyForcibly().waitFor();
            }

            List<String> audit = keys(kafka, Topics.AUDIT.name());
            assertThat(audit).as("audit topic").doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(expectedIds);
            assertThat(keys(kafka, Topics.AUDIT_RAW.name())).as("raw audit topic").doesNotHaveDuplicates()
                    .containsExactlyInAnyOrderElementsOf(expectedIds);
            assertThat(CommittedRecords.read(kafka.bootstrapServers(), PREFIX + Topics.DEAD_LETTERS.name())).isEmpty();
            assertThat(tokenTable(kafka)).isEqualTo(simulatorTable(simulator));
            assertThat(lifecycle(kafka)).extracting(TokenLifecycleEvent::kind, TokenLifecycleEvent::authorizationId)
                    .containsExactlyInAnyOrderElementsOf(expectedEvents);
        }
    }

    // ---- the child process ----

    /** {@code patrol ingest} against the simulator and the test broker, configured only through the environment. */
    private static Map<String, String> environment(AdoSimulator simulator, TestKafka kafka) {
        Map<String, String> env = new HashMap<>();
        env.put("PATROL_ORGANIZATION", simulator.org().organization());
        env.put("PATROL_ADO_AUDIT_BASE_URL", simulator.baseUrl().toString());
        env.put("PATROL_ADO_VSSPS_BASE_URL", simulator.baseUrl().toString());
        env.put("PATROL_ADO_REQUEST_TIMEOUT", "5s");
        env.put("ADO_PAT", SimulatorConfig.defaults().pat());
        env.put("PATROL_INGEST_POLL_INTERVAL", "300ms");
        env.put("PATROL_INGEST_BATCH_SIZE", "50");
        env.put("PATROL_INGEST_INITIAL_LOOKBACK", "4d");
        env.put("PATROL_INGEST_INVENTORY_INTERVAL", "2s");
        env.put("PATROL_KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        env.put("PATROL_KAFKA_TOPIC_PREFIX", PREFIX);
        env.put("PATROL_METRICS_INGEST_PORT", "0"); // a killed child must not leave the next one a port in use
        return env;
    }

    private static Process startIngest(Map<String, String> env, int run) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // Small and quick to start: the machine running this may have two cores.
        ProcessBuilder builder = new ProcessBuilder(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), PatrolCli.class.getName(), "ingest")
                .redirectErrorStream(true)
                .redirectOutput(log(run).toFile());
        // Nothing from the test's own environment may configure the child: only what this test sets.
        builder.environment().keySet().removeIf(name -> name.startsWith("PATROL_") || name.startsWith("KAFKA_")
                || name.startsWith("AZURE_") || name.equals("ADO_PAT"));
        builder.environment().putAll(env);
        LOG.info("starting ingest run={}", run);
        return builder.start();
    }

    private static Path log(int run) {
        return LOGS.resolve("ingest-" + run + ".log");
    }

    // ---- the organization ----

    /**
     * Some 429s, 500s, 503s and a truncated page on each run, spread over the audit log, Graph and tokenadmin. What a
     * killed run left unused is dropped first, so faults never pile up beyond the client's retry budget.
     */
    private static void injectFaults(AdoSimulator simulator) {
        simulator.faults().clear();
        simulator.faults().truncateNext("auditlog", 1);
        simulator.faults().failNext("auditlog", 2, 500);
        simulator.faults().throttleNext("personalaccesstokens", 1, Duration.ofSeconds(1));
        simulator.faults().failNext("graph", 1, 503);
        simulator.faults().unavailableNext("auditlog", 1, Duration.ofSeconds(1));
    }

    private static List<SimToken> validTokensOfDistinctOwners(AdoSimulator simulator, Instant now) {
        Map<String, SimToken> byOwner = new java.util.LinkedHashMap<>();
        simulator.org().tokens().stream()
                .filter(t -> t.isValid() && t.validTo().isAfter(now.plus(Duration.ofDays(2))))
                .forEach(t -> byOwner.putIfAbsent(t.ownerDescriptor(), t));
        assertThat(byOwner).as("precondition: tokens of four owners to change").hasSizeGreaterThanOrEqualTo(4);
        return new ArrayList<>(byOwner.values());
    }

    /** A revocation as an administrator (or PATrol's playbook) makes it: the real API over HTTP. */
    private static void revokeThroughApi(AdoSimulator simulator, String authorizationId) {
        String basic = Base64.getEncoder().encodeToString((":" + SimulatorConfig.defaults().pat())
                .getBytes(StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(URI.create(simulator.baseUrl() + "/"
                        + simulator.org().organization() + "/_apis/tokenadmin/revocations?api-version=7.1"))
                .header("Authorization", "Basic " + basic)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("[{\"authorizationId\":\"" + authorizationId + "\"}]"))
                .build();
        try {
            assertThat(HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(204);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    // ---- the topics ----

    private static List<String> keys(TestKafka kafka, String topic) {
        return CommittedRecords.read(kafka.bootstrapServers(), PREFIX + topic).stream()
                .map(r -> new String(r.key(), StandardCharsets.UTF_8)).toList();
    }

    /** The compacted tokens topic as a table: the latest record per key, tombstones removing it. */
    private static Map<String, String> tokenTable(TestKafka kafka) {
        Map<String, String> table = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : CommittedRecords.read(kafka.bootstrapServers(), PREFIX + Topics.TOKENS.name())) {
            String key = new String(r.key(), StandardCharsets.UTF_8);
            PersonalAccessToken token = r.value() == null ? null
                    : Topics.TOKENS.valueSerde().deserializer().deserialize(Topics.TOKENS.name(), r.value());
            if (token == null) {
                table.remove(key);
            } else {
                table.put(key, token.token().isValid() + " " + token.token().validTo());
            }
        }
        return table;
    }

    private static Map<String, String> simulatorTable(AdoSimulator simulator) {
        return simulator.org().tokens().stream()
                .collect(Collectors.toMap(SimToken::authorizationId, t -> t.isValid() + " " + t.validTo()));
    }

    private static List<TokenLifecycleEvent> lifecycle(TestKafka kafka) {
        return CommittedRecords.read(kafka.bootstrapServers(), PREFIX + Topics.TOKEN_LIFECYCLE.name()).stream()
                .map(r -> Topics.TOKEN_LIFECYCLE.valueSerde().deserializer().deserialize(Topics.TOKEN_LIFECYCLE.name(), r.value()))
                .toList();
    }
}
