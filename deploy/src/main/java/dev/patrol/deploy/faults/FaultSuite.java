package dev.patrol.deploy.faults;

import dev.patrol.deploy.internal.SecretScan;
import dev.patrol.kafka.embedded.EmbeddedKafkaBroker;
import dev.patrol.simulator.SimulatorConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.MemberDescription;

/**
 * The fault suite ({@code patrol faults}): six scenarios, each on a fresh simulated organization under its own topic
 * prefix on one embedded broker, with the three services as child JVMs and a local webhook receiver. Each ends with
 * {@link Run#judge} (what "lost", "duplicated" and "wrong revocation" mean is written there).
 */
public final class FaultSuite {

    /** What to run and how big. */
    public record Options(boolean quick, int entries, int kills, long seed, Duration outage, Set<Integer> only,
                          Path workDir) {

        public static Options defaults(boolean quick) {
            return new Options(quick, quick ? 3_000 : 100_000, quick ? 2 : 10, System.nanoTime() % 1_000_000,
                    quick ? Duration.ofSeconds(20) : Duration.ofMinutes(3), Set.of(1, 2, 3, 4, 5, 6),
                    Path.of(".patrol"));
        }

        /** Entries of scenarios 2 to 6, which need a replay in progress rather than a long one. */
        int smallEntries() {
            return quick ? 2_000 : 20_000;
        }

        Duration settleTimeout() {
            return quick ? Duration.ofMinutes(3) : Duration.ofMinutes(20);
        }

        Duration quiet() {
            return quick ? Duration.ofSeconds(3) : Duration.ofSeconds(10);
        }
    }

    /**
     * Known secrets every scenario runs with (the simulator's PAT, the webhook signing key, the HEC token of scenario
     * 5's audit stream, a SASL password in {@code KAFKA_SASL_JAAS_CONFIG}); after each scenario its children's logs,
     * its topics and a metrics scrape of each running child are searched for them ({@link #secretScan()}).
     */
    public static final String PAT = "faultspat3w8k1m6q9x2v5n7c0b4z8r1t6y3";
    public static final String HEC_TOKEN = "faults-hec-7e2a9c41-secret-5d3b-b8f0-61c4e9a2d7b5";
    public static final String WEBHOOK_KEY = "faults-whk-p6r2t9w4y7u1i3-signing-key-8o5";
    public static final String SASL_PASSWORD = "faults-sasl-pw-m2n4b6v8c1x3";

    /** The scan for those secrets: each as itself, in base64 at any alignment, and the Basic forms. */
    public static SecretScan secretScan() {
        return new SecretScan(
                Map.of("PAT", PAT, "HEC token", HEC_TOKEN, "webhook key", WEBHOOK_KEY, "SASL password", SASL_PASSWORD),
                Map.of("PAT Basic", ":" + PAT, "PAT Basic user", "patrol:" + PAT, "HEC Basic", "x:" + HEC_TOKEN));
    }

    public static final List<String> NAMES = List.of("kill-9 of ingest, streams and alerts", "broker restart",
            "webhook receiver down", "ADO faults", "duplicated and reordered entries", "two streams instances, one killed");

    private final Options options;
    private final PrintStream err;
    private final HttpClient http = HttpClient.newHttpClient();
    private Path dataDir;
    private int port;
    private volatile EmbeddedKafkaBroker broker;

    public FaultSuite(Options options, PrintStream err) {
        this.options = options;
        this.err = err;
    }

    /** Runs the chosen scenarios in order; returns one result per scenario. */
    public List<Run.Result> run() throws Exception {
        Path work = Files.createDirectories(options.workDir()).resolve("faults-" + System.currentTimeMillis());
        Files.createDirectories(work);
        dataDir = work.resolve("kafka");
        try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        progress("seed " + options.seed() + ", work folder " + work.toAbsolutePath() + " (child logs per scenario)");
        broker = EmbeddedKafkaBroker.start(dataDir, port);
        List<Run.Result> results = new ArrayList<>();
        try {
            for (int n = 1; n <= NAMES.size(); n++) {
                if (!options.only().contains(n)) {
                    continue;
                }
                progress("scenario " + n + " (" + NAMES.get(n - 1) + ") starting");
                Run.Result result = scenario(n, work);
                progress(result.line());
                results.add(result);
            }
        } finally {
            if (broker != null) {
                broker.close();
            }
            deleteRecursively(dataDir);
            try (Stream<Path> state = Files.walk(work, 2)) {
                state.filter(p -> p.getFileName().toString().startsWith("state-")).forEach(FaultSuite::deleteRecursively);
            }
        }
        return results;
    }

    private Run.Result scenario(int n, Path work) throws Exception {
        long seed = options.seed() + n;
        int entries = n == 1 ? options.entries() : options.smallEntries();
        SimulatorConfig simulator = SimulatorConfig.defaults().withUsers(n == 1 ? Math.max(60, entries / 500) : 60)
                .withHistory(Duration.ofDays(n == 1 ? 30 : 7)).withAuditEntries(entries).withPat(PAT);
        var scan = secretScan();
        List<String> hits = new ArrayList<>();
        Run.Result result;
        int scrapes;
        String prefix;
        Path logs;
        try (Run run = new Run(n, "scenario " + n + " " + NAMES.get(n - 1), simulator, broker.bootstrapServers(), work,
                seed, this::progress)) {
            int extra = Math.max(5, Math.min(100, entries / 1_000));
            run.plant(run.historyTimestamps(extra, simulator.history()));
            run.startMonitor();
            String facts;
            try {
                facts = switch (n) {
                    case 1 -> kills(run);
                    case 2 -> brokerRestart(run);
                    case 3 -> receiverDown(run);
                    case 4 -> adoFaults(run);
                    case 5 -> duplicatesAndReorders(run);
                    default -> twoStreams(run);
                };
            } catch (IllegalStateException | IOException e) {
                facts = "SCENARIO FAILED: " + e.getMessage();
                progress(run.name + ": " + facts);
            }
            run.awaitSettled(options.quiet(), options.settleTimeout());
            result = run.judge(facts);
            scrapes = run.scanMetrics(scan, hits);
            prefix = run.prefix;
            logs = run.dir;
        }
        // The children are stopped: their logs are complete.
        return secretScan(result, scan, hits, scrapes, prefix, logs);
    }

    /** Searches the scenario's child logs and topics (and the scrapes already made) for the known secrets. */
    private Run.Result secretScan(Run.Result result, SecretScan scan, List<String> hits,
                                  int scrapes, String prefix, Path logs) {
        long lines = 0;
        int files = 0;
        long records = -1;
        String failure = "";
        try (Stream<Path> paths = Files.list(logs)) {
            for (Path log : paths.filter(p -> p.getFileName().toString().endsWith(".log")).sorted().toList()) {
                files++;
                List<String> text = Files.readAllLines(log, StandardCharsets.ISO_8859_1); // any byte is a character
                for (int i = 0; i < text.size(); i++) {
                    scan.find(log.getFileName() + ":" + (i + 1), text.get(i), hits);
                }
                lines += text.size();
            }
            records = scan.scanTopics(broker.bootstrapServers(), t -> t.startsWith(prefix), Duration.ofMinutes(5), hits);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            failure = ", SCAN FAILED: " + e.getMessage();
            hits.add("the scan did not finish: " + e.getMessage());
        }
        hits.stream().limit(20).forEach(h -> progress(result.name() + ": secret found: " + h));
        return result.withSecretScan(hits.size(), "secret scan " + lines + " log lines in " + files + " files, "
                + records + " records of " + prefix + "* topics, " + scrapes + " metrics scrapes (hits " + hits.size()
                + ")" + failure);
    }

    // ---- scenarios ----

    /** Starts ingest, waits for its topics, then streams and alerts. */
    private ChildService[] startPipeline(Run run, Map<String, String> ingestEnv) throws InterruptedException {
        ChildService ingest = run.ingest(ingestEnv);
        awaitTrue(Duration.ofSeconds(120), () -> run.auditStored() > 0, "ingest stored nothing within 120 s");
        ChildService streams = run.streams("streams", Map.of());
        ChildService alerts = run.alerts(Map.of());
        return new ChildService[] {ingest, streams, alerts};
    }

    private String kills(Run run) throws Exception {
        ChildService[] services = startPipeline(run, Map.of("PATROL_INGEST_BATCH_SIZE", options.quick() ? "50" : "100"));
        int k = options.kills();
        Random random = new Random(options.seed());
        Map<String, Integer> duringReplay = Collections.synchronizedMap(new LinkedHashMap<>());
        List<Thread> killers = new ArrayList<>();
        AtomicBoolean failed = new AtomicBoolean();
        for (ChildService service : services) {
            long killerSeed = random.nextLong();
            Thread killer = new Thread(() -> {
                Random r = new Random(killerSeed);
                try {
                    for (int i = 1; i <= k; i++) {
                        Instant start = service.startedAt();
                        if (service.name().equals("ingest")) {
                            // A random number of ADO calls after the start (so kills land inside inventory scans and
                            // audit windows) and, on a long replay, a random share of the entries stored as well.
                            long calls = run.simulator.requestCount() + 5 + r.nextInt(40);
                            int from = run.auditStored();
                            int step = options.quick() ? 0 : r.nextInt(Math.max(1, run.expectedEntries() / (k + 2)));
                            awaitTrue(Duration.ofMinutes(5), () -> (run.simulator.requestCount() >= calls
                                    && run.auditStored() >= from + step) || run.auditComplete(), null);
                        } else {
                            long ms = service.name().equals("streams") ? 8_000 + r.nextInt(14_000) : 3_000 + r.nextInt(10_000);
                            Thread.sleep(Math.max(0, ms - Duration.between(start, Instant.now()).toMillis()));
                        }
                        boolean replaying = !run.auditComplete() || run.findingRecords() == 0;
                        service.killAndRestart();
                        duringReplay.merge(service.name(), replaying ? 1 : 0, Integer::sum);
                        progress(run.name + ": killed " + service.name() + " (" + i + "/" + k + ") at audit "
                                + run.auditStored() + "/" + run.expectedEntries());
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (RuntimeException e) {
                    failed.set(true);
                    progress(run.name + ": killing " + service.name() + " failed: " + e.getMessage());
                }
            }, "faults-killer-" + service.name());
            killer.start();
            killers.add(killer);
        }
        for (Thread killer : killers) {
            killer.join();
        }
        StringBuilder facts = new StringBuilder("SIGKILLs");
        for (ChildService service : services) {
            facts.append(' ').append(service.name()).append(' ').append(service.kills().size())
                    .append(" (").append(duringReplay.getOrDefault(service.name(), 0)).append(" before ingest finished)");
        }
        return facts.toString() + (failed.get() ? ", a kill failed" : "");
    }

    private String brokerRestart(Run run) throws Exception {
        startPipeline(run, Map.of("PATROL_INGEST_BATCH_SIZE", "50"));
        // Mid-run: the replay under way and the detections already writing findings.
        awaitTrue(Duration.ofMinutes(3), () -> run.auditStored() >= run.expectedEntries() * 3 / 10
                && (run.findingRecords() > 0 || !options.quick()), null);
        int at = run.auditStored();
        Duration down = options.quick() ? Duration.ofSeconds(8) : Duration.ofSeconds(30);
        Instant stopped = Instant.now();
        progress(run.name + ": stopping the broker at audit " + at + "/" + run.expectedEntries() + " for "
                + down.toSeconds() + " s");
        broker.close();
        Thread.sleep(down.toMillis());
        broker = EmbeddedKafkaBroker.start(dataDir, port);
        Instant restarted = Instant.now();
        run.outage(stopped, restarted.plusSeconds(60)); // clients need a while to notice the broker is back
        progress(run.name + ": broker back after " + Duration.between(stopped, restarted).toSeconds() + " s");
        return "broker stopped at audit " + at + "/" + run.expectedEntries() + ", down "
                + Duration.between(stopped, restarted).toSeconds() + " s";
    }

    private String receiverDown(Run run) throws Exception {
        startPipeline(run, Map.of());
        awaitTrue(Duration.ofMinutes(3), () -> run.receiver.count() > 0, null);
        int before = run.receiver.count();
        run.receiver.stop();
        Instant down = Instant.now();
        progress(run.name + ": webhook receiver down for " + options.outage().toSeconds() + " s after " + before
                + " deliveries; planting new off-network uses meanwhile");
        int live = 0;
        for (int i = 0; i < 5; i++) {
            Thread.sleep(options.outage().toMillis() / 6);
            live += run.plant(List.of(Instant.now().minusSeconds(1)));
        }
        Thread.sleep(Math.max(0, options.outage().toMillis() - Duration.between(down, Instant.now()).toMillis()));
        run.receiver.start();
        int during = run.receiver.count() - before;
        progress(run.name + ": webhook receiver up again");
        return "receiver down " + Duration.between(down, Instant.now()).toSeconds() + " s after " + before
                + " deliveries, " + live + " live off-network uses planted meanwhile" + (during > 0 ? "; " + during
                + " deliveries counted while down (should be 0)" : "");
    }

    private String adoFaults(Run run) throws Exception {
        startPipeline(run, Map.of());
        var faults = run.simulator.faults();
        Map<String, Integer> injected = new LinkedHashMap<>();
        List<String> kinds = new ArrayList<>(List.of("429 burst", "5xx", "timeout", "truncated JSON", "invalid JSON",
                "repeated continuation token", "401 period"));
        Random random = new Random(options.seed());
        Duration unauthorized = options.quick() ? Duration.ofSeconds(5) : Duration.ofSeconds(20);
        int round = 0;
        while (round < 2 || (!run.auditComplete() && round < 40)) {
            Collections.shuffle(kinds, random);
            for (String kind : kinds) {
                switch (kind) {
                    case "429 burst" -> {
                        faults.throttleNext("auditlog", 4, Duration.ofSeconds(1));
                        faults.throttleNext("personalaccesstokens", 3, Duration.ofSeconds(1));
                    }
                    case "5xx" -> {
                        faults.failNext("auditlog", 1, 500);
                        faults.failNext("auditlog", 1, 502);
                        faults.unavailableNext("auditlog", 1, Duration.ofSeconds(1));
                        faults.failNext("graph", 1, 503);
                    }
                    case "timeout" -> faults.delayNext("auditlog", 1, Duration.ofSeconds(5));
                    case "truncated JSON" -> {
                        faults.truncateNext("auditlog", 1);
                        faults.truncateNext("personalaccesstokens", 1);
                    }
                    case "invalid JSON" -> faults.invalidJsonNext("auditlog", 2);
                    case "repeated continuation token" -> faults.repeatContinuationTokenNext(3);
                    default -> {
                        faults.failNext("_apis/audit", 1_000_000, 401);
                        faults.failNext("_apis/graph", 1_000_000, 401);
                        faults.failNext("personalaccesstokens", 1_000_000, 401);
                        Thread.sleep(unauthorized.toMillis());
                        faults.clear();
                    }
                }
                injected.merge(kind, 1, Integer::sum);
                Thread.sleep(1_500);
            }
            round++;
            progress(run.name + ": fault round " + round + " done, audit " + run.auditStored() + "/"
                    + run.expectedEntries());
        }
        faults.clear();
        return "faults injected (rounds of each kind): " + injected + ", each 401 period "
                + unauthorized.toSeconds() + " s";
    }

    private String duplicatesAndReorders(Run run) throws Exception {
        int streamPort;
        try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            streamPort = socket.getLocalPort();
        }
        String hecToken = HEC_TOKEN;
        Map<String, String> env = new HashMap<>();
        env.put("PATROL_AUDIT_STREAM_ENABLED", "true");
        env.put("PATROL_AUDIT_STREAM_BIND_ADDRESS", "127.0.0.1");
        env.put("PATROL_AUDIT_STREAM_PORT", Integer.toString(streamPort));
        env.put("ADO_STREAM_HEC_TOKEN", hecToken);
        // Entries ADO shows late: timestamps a few minutes back (inside the poller's overlap), visible 20-40 s on.
        Random random = new Random(options.seed());
        List<Instant> lateTimes = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            lateTimes.add(Instant.now().minusSeconds(120 + random.nextInt(480)));
        }
        int late = run.plant(lateTimes, Instant.now().plusSeconds(20 + random.nextInt(20)));
        startPipeline(run, env);
        // Every entry pushed twice, each pass in its own random order, 200 a request, while the poller reads them.
        List<com.fasterxml.jackson.databind.node.ObjectNode> entries = new ArrayList<>(run.simulator.org().auditEntries());
        int pushed = 0;
        int requests = 0;
        for (int pass = 0; pass < 2; pass++) {
            Collections.shuffle(entries, random);
            for (int from = 0; from < entries.size(); from += 200) {
                StringBuilder body = new StringBuilder();
                for (var entry : entries.subList(from, Math.min(entries.size(), from + 200))) {
                    body.append("{\"event\":").append(entry.toString()).append("}\n");
                    pushed++;
                }
                postHec(streamPort, hecToken, body.toString());
                requests++;
            }
            progress(run.name + ": pushed pass " + (pass + 1) + " of every entry through the audit stream");
        }
        return pushed + " entries pushed through the HEC audit stream (every entry twice, shuffled, " + requests
                + " requests) while the poller read them too; " + late + " entries shown late, out of order";
    }

    private void postHec(int streamPort, String token, String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + streamPort + "/services/collector"))
                .header("Authorization", "Splunk " + token).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build();
        for (int attempt = 1; ; attempt++) {
            try {
                int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                if (status / 100 == 2) {
                    return;
                }
                if (attempt >= 10) {
                    throw new IllegalStateException("the audit stream receiver answered " + status);
                }
            } catch (IOException e) {
                if (attempt >= 10) {
                    throw e;
                }
            }
            Thread.sleep(1_000);
        }
    }

    private String twoStreams(Run run) throws Exception {
        ChildService ingest = run.ingest(Map.of());
        awaitTrue(Duration.ofSeconds(120), () -> run.auditStored() > 0, "ingest stored nothing within 120 s");
        Map<String, String> standby = Map.of("KAFKA_NUM_STANDBY_REPLICAS", "1");
        ChildService a = run.streams("streams-a", standby);
        ChildService b = run.streams("streams-b", standby);
        run.alerts(Map.of());
        String group = run.prefix + "streams";
        String auditTopic = run.prefix + "patrol.audit";
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            awaitTrue(Duration.ofMinutes(3), () -> owners(admin, group, auditTopic).size() == 2, null);
            Map<String, Integer> before = owners(admin, group, auditTopic);
            awaitTrue(Duration.ofMinutes(2), () -> run.findingRecords() > 0, null);
            ChildService victim = new Random(options.seed()).nextBoolean() ? a : b;
            int at = run.auditStored();
            victim.killForGood();
            Instant killed = Instant.now();
            progress(run.name + ": killed " + victim.name() + " for good at audit " + at + "/" + run.expectedEntries()
                    + " (audit partitions per member before: " + before.values() + ")");
            awaitTrue(Duration.ofMinutes(3), () -> {
                Map<String, Integer> now = owners(admin, group, auditTopic);
                return now.size() == 1 && now.values().iterator().next() == partitions(admin, auditTopic);
            }, null);
            long takeover = Duration.between(killed, Instant.now()).toSeconds();
            // Work that only the survivor can do: new off-network uses, on every partition.
            int live = run.plant(List.of(Instant.now().minusSeconds(3), Instant.now().minusSeconds(2),
                    Instant.now().minusSeconds(1)));
            Map<String, Integer> after = owners(admin, group, auditTopic);
            return "standby replicas 1; killed " + victim.name() + " at audit " + at + "/" + run.expectedEntries()
                    + "; the survivor owned " + after.values() + " of " + partitions(admin, auditTopic)
                    + " audit partitions " + takeover + " s later; " + live + " live uses planted after the kill"
                    + (ingest.alive() ? "" : "; ingest was not running");
        }
    }

    /** Members of the streams group and how many audit partitions each is assigned (active tasks). */
    private static Map<String, Integer> owners(Admin admin, String group, String topic) {
        try {
            var description = admin.describeConsumerGroups(List.of(group)).describedGroups().get(group)
                    .get(10, java.util.concurrent.TimeUnit.SECONDS);
            Map<String, Integer> out = new LinkedHashMap<>();
            for (MemberDescription member : description.members()) {
                int owned = (int) member.assignment().topicPartitions().stream().filter(tp -> tp.topic().equals(topic)).count();
                if (owned > 0) {
                    out.merge(member.clientId().replaceAll("-StreamThread.*", ""), owned, Integer::sum);
                }
            }
            return out;
        } catch (Exception e) {
            return Map.of();
        }
    }

    private static int partitions(Admin admin, String topic) {
        try {
            return admin.describeTopics(List.of(topic)).allTopicNames().get(10, java.util.concurrent.TimeUnit.SECONDS)
                    .get(topic).partitions().size();
        } catch (Exception e) {
            return -1;
        }
    }

    // ---- helpers ----

    @FunctionalInterface
    private interface Check {
        boolean ok() throws Exception;
    }

    /** Waits for the check; on timeout throws with {@code failure}, or just returns when it is null. */
    private static void awaitTrue(Duration timeout, Check check, String failure) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            try {
                if (check.ok()) {
                    return;
                }
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                // not yet
            }
            Thread.sleep(200);
        }
        if (failure != null) {
            throw new IllegalStateException(failure);
        }
    }

    private void progress(String line) {
        err.println("faults: " + line);
    }

    private static void deleteRecursively(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // leftovers are harmless
        }
    }
}
