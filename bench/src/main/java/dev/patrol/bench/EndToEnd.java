package dev.patrol.bench;

import dev.patrol.alerts.AlertsService;
import dev.patrol.ingest.IngestService;
import dev.patrol.ingest.ado.AdoEndpoints;
import dev.patrol.ingest.metrics.IngestMetrics;
import dev.patrol.model.ado.SessionToken;
import dev.patrol.model.config.PatrolConfig;
import dev.patrol.model.event.Finding;
import dev.patrol.model.event.FindingSubject;
import dev.patrol.model.event.PersonalAccessToken;
import dev.patrol.model.event.ReceivedAuditEntry;
import dev.patrol.model.event.Severity;
import dev.patrol.model.event.TokenOwner;
import dev.patrol.model.topic.Owner;
import dev.patrol.model.topic.TopicCreator;
import dev.patrol.model.topic.Topics;
import dev.patrol.simulator.AdoSimulator;
import dev.patrol.simulator.RateLimit;
import dev.patrol.simulator.SimulatorConfig;
import dev.patrol.streams.StreamsService;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.KafkaStreams;

/**
 * The end-to-end run of {@code patrol bench}: a real broker (a child JVM), the ADO simulator and the services, each
 * measured against a baseline taken in the same run on the same data. Steps, in order:
 * <ol>
 *   <li>ingest: the simulated audit log read into Kafka by the ingest service (a backfill, timed from its first page
 *   request to the commit of its last page; its start-up is reported apart) vs fetched raw over HTTP;</li>
 *   <li>the inventory of that organization, then a generated audit stream ({@link AuditMix}) on top of the log;</li>
 *   <li>a pass-through Kafka Streams app over it: throughput, then latency at a fixed rate;</li>
 *   <li>the detection topology (the streams service, exactly-once) over the same records: the same two figures;</li>
 *   <li>finding to webhook delivery through the alerts service;</li>
 *   <li>an inventory scan of many users under an enforced rate limit vs the least time that limit allows;</li>
 *   <li>the streams service's heap and RSS, alone in a JVM, with a large inventory loaded.</li>
 * </ol>
 */
final class EndToEnd implements AutoCloseable {

    private static final String ORG = "contoso";
    private static final String PREFIX = "bench.";
    private static final String PASSTHROUGH_TOPIC = PREFIX + "passthrough";
    /** Topics of the untimed ingest warm-up, so the timed backfill starts from empty topics as before. */
    private static final String WARM_UP_PREFIX = "warmup.";
    private static final Duration STEP_TIMEOUT = Duration.ofMinutes(15);

    private final Sizes sizes;
    private final Progress progress;
    private final Report report;
    private final Path workDir;
    private final List<AutoCloseable> open = new ArrayList<>();
    private final Random random;
    private Cluster cluster;
    private AdoSimulator simulator;

    EndToEnd(Sizes sizes, PrintStream err, Report report, Path workDir) {
        this.sizes = sizes;
        this.progress = new Progress(err);
        this.report = report;
        this.workDir = workDir;
        this.random = new Random(sizes.seed());
    }

    void run() throws Exception {
        report.put("events", sizes.events());
        report.put("off_network_share", sizes.offNetworkShare());
        progress.step("setup", "starting a Kafka broker (child JVM) and the ADO simulator (" + sizes.users() + " users, "
                + sizes.ingestEntries() + " audit entries)");
        ChildJvm broker = ChildJvm.start(ChildMain.class, List.of("-Xmx1g"),
                List.of("broker", workDir.resolve("kafka").toString()), Map.of(), workDir.resolve("broker.log"));
        open.add(broker);
        cluster = new Cluster(broker.awaitLine(ChildMain.READY, Duration.ofMinutes(2)));
        open.add(cluster);
        simulator = AdoSimulator.start(SimulatorConfig.defaults().withSeed(sizes.seed()).withUsers(sizes.users())
                .withAuditEntries(sizes.ingestEntries()).withHistory(Duration.ofHours(6)));
        open.add(simulator);

        // The inventory first: the backfill after it starts under the same transactional id from a clean close.
        inventoryOfTheBenchOrg();
        ingest();
        generate();
        String passthroughApp = "bench-passthrough";
        var passthrough = new PassThrough(config(PREFIX, passthroughApp, simulator, Map.of()), PASSTHROUGH_TOPIC);
        open.add(passthrough);
        double passthroughRate = throughput("pass-through", passthroughApp, passthrough::start,
                () -> passthrough.state() == KafkaStreams.State.ERROR);
        Latencies passthroughLatency = latency("pass-through", PASSTHROUGH_TOPIC, Topics.AUDIT.valueSerde().deserializer(),
                entry -> List.of(entry.entry().id()));
        passthrough.close();

        String detectionApp = "bench-detection";
        var streams = new StreamsService(config(PREFIX, detectionApp, simulator, Map.of()), Clock.systemUTC());
        open.add(streams);
        double detectionRate = throughput("detection", detectionApp, streams::start,
                () -> streams.state() == KafkaStreams.State.ERROR || streams.state() == KafkaStreams.State.NOT_RUNNING);
        Latencies detectionLatency = latency("detection", PREFIX + Topics.FINDINGS.name(),
                Topics.FINDINGS.valueSerde().deserializer(), Finding::sourceEventIds);
        streams.close();

        report.put("passthrough_events_per_s", passthroughRate);
        report.put("detection_events_per_s", detectionRate);
        report.put("throughput_ratio", detectionRate / passthroughRate);
        report.put("latency_rate_per_s", sizes.rate());
        report.put("passthrough_p50_ms", passthroughLatency.percentileMs(50));
        report.put("passthrough_p99_ms", passthroughLatency.percentileMs(99));
        report.put("latency_p50_ms", detectionLatency.percentileMs(50));
        report.put("latency_p99_ms", detectionLatency.percentileMs(99));
        report.put("latency_findings", detectionLatency.count());
        report.put("latency_p99_ratio", detectionLatency.percentileMs(99) / passthroughLatency.percentileMs(99));

        delivery();
        inventoryUnderRateLimit();
        heap();
    }

    // ---- configuration ----

    /** The services' configuration, through the same loader and environment names an operator uses. */
    private PatrolConfig config(String prefix, String applicationId, AdoSimulator ado, Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(baseEnv(prefix, applicationId, ado));
        env.putAll(extra);
        return PatrolConfig.load(Optional.empty(), env);
    }

    private Map<String, String> baseEnv(String prefix, String applicationId, AdoSimulator ado) {
        Map<String, String> env = new HashMap<>();
        env.put("PATROL_ORGANIZATION", ado.org().organization());
        env.put("PATROL_ADO_AUDIT_BASE_URL", ado.baseUrl().toString());
        env.put("PATROL_ADO_VSSPS_BASE_URL", ado.baseUrl().toString());
        env.put("ADO_PAT", SimulatorConfig.defaults().pat());
        env.put("PATROL_INGEST_POLL_INTERVAL", "1h");
        env.put("PATROL_INGEST_INVENTORY_INTERVAL", "1h");
        env.put("PATROL_NETWORK_CORPORATE_CIDRS", String.join(",", ado.org().corporateCidrs()));
        env.put("PATROL_STREAMS_APPLICATION_ID", applicationId);
        env.put("PATROL_STREAMS_STATE_DIR", workDir.resolve("state-" + applicationId).toString());
        env.put("PATROL_ALERTS_PRINT_FINDINGS", "false");
        env.put("PATROL_ALERTS_CONSUMER_GROUP", "bench-alerts");
        env.put("PATROL_KAFKA_BOOTSTRAP_SERVERS", cluster.bootstrapServers());
        env.put("PATROL_KAFKA_TOPIC_PREFIX", prefix);
        return env;
    }

    // ---- 1. ingest ----

    private void ingest() throws Exception {
        progress.step("1/7 ingest", "audit log: raw HTTP fetch and an ingest backfill to other topics (warm-up, "
                + "untimed), then the ingest service, then the raw fetch timed");
        Instant from = simulator.org().auditEntries().stream()
                .map(e -> Instant.parse(e.get("timestamp").asText())).min(Comparator.naturalOrder()).orElseThrow()
                .minusSeconds(60);
        PatrolConfig config = config(PREFIX, "bench-ingest", simulator, Map.of("PATROL_INGEST_INITIAL_LOOKBACK", "7h"));
        rawFetch(config, from);
        // Both sides warmed: the raw fetch above, and ingest's parse, serialise and produce path here (a first run
        // in a fresh JVM is about 2-3 times slower, JIT compilation, which a long-running service pays once).
        Backfill cold = backfill(config(WARM_UP_PREFIX, "bench-ingest", simulator,
                Map.of("PATROL_INGEST_INITIAL_LOOKBACK", "7h")), from, "warm-up");
        Backfill timed = backfill(config, from, "ingest service");
        double rawSeconds = rawFetch(config, from);
        report.put("ingest_cold_s", cold.totalSeconds());
        report.put("ingest_startup_s", timed.startupSeconds());
        report.put("ingest_entries", timed.entries());
        report.put("ingest_entries_per_s", timed.entries() / timed.readingSeconds());
        report.put("raw_fetch_entries_per_s", timed.entries() / rawSeconds);
        // Steady state against the fetch alone: the start-up (restores) is a once-per-start cost, reported apart.
        report.put("ingest_ratio", rawSeconds / timed.readingSeconds());
        progress.done("%d entries: ingest %.1f s after a %.1f s start-up, raw fetch %.1f s", timed.entries(),
                timed.readingSeconds(), timed.startupSeconds(), rawSeconds);
    }

    /**
     * One timed backfill: {@code startupSeconds} from creating the service to its first audit page request (topics,
     * transactions, restoring seen ids and the inventory), {@code readingSeconds} from there to the commit of the last
     * page, {@code totalSeconds} from creating the service until it stopped; {@code entries} stored.
     */
    private record Backfill(double startupSeconds, double readingSeconds, double totalSeconds, long entries) {
    }

    /** Runs the ingest service's backfill from {@code from} until it caught up. */
    private Backfill backfill(PatrolConfig config, Instant from, String what) throws Exception {
        long started = System.nanoTime();
        long[] readingStarted = {0};
        long[] lastCommitted = {0};
        long[] stored = {0};
        var listener = new IngestService.BackfillProgress() {
            @Override
            public void onReadingStarted() {
                readingStarted[0] = System.nanoTime();
            }

            @Override
            public void onProgress(Instant windowEnd, long entries, double fraction, boolean done) {
                // Called after each window's transaction committed; the last call is the last page's commit.
                lastCommitted[0] = System.nanoTime();
                stored[0] = entries;
                progress.tick("%s: %d entries stored (%.0f%%)", what, entries, fraction * 100);
            }
        };
        try (IngestService ingest = new IngestService(config, Clock.systemUTC()).backfill(from, listener).start()) {
            if (!ingest.awaitStop(STEP_TIMEOUT)) {
                throw new TimeoutException("the ingest backfill did not finish within " + STEP_TIMEOUT);
            }
            if (ingest.failure() != null) {
                throw new IllegalStateException("ingest failed: " + ingest.failure().getMessage());
            }
        }
        long stopped = System.nanoTime();
        if (readingStarted[0] == 0 || lastCommitted[0] == 0) {
            throw new IllegalStateException("the ingest backfill ended without reading the audit log");
        }
        return new Backfill((readingStarted[0] - started) / 1e9, (lastCommitted[0] - readingStarted[0]) / 1e9,
                (stopped - started) / 1e9, stored[0]);
    }

    /** Fetches every page of the log as ingest asks for it (same URL and batch size), reading the bytes only. */
    private double rawFetch(PatrolConfig config, Instant from) throws IOException, InterruptedException {
        var endpoints = new AdoEndpoints(config.ado().auditBaseUrl(), config.ado().vsspsBaseUrl(), ORG);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        String auth = "Basic " + Base64.getEncoder().encodeToString((":" + SimulatorConfig.defaults().pat())
                .getBytes(StandardCharsets.UTF_8));
        Instant to = Instant.now();
        long started = System.nanoTime();
        String continuation = null;
        do {
            var request = HttpRequest.newBuilder(endpoints.auditLog(from, to, config.ingest().batchSize(), continuation))
                    .header("Authorization", auth).GET().build();
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("raw fetch: the simulator answered " + response.statusCode());
            }
            continuation = continuationToken(response.body());
        } while (continuation != null);
        return (System.nanoTime() - started) / 1e9;
    }

    /** The page's continuation token when more pages follow; the field sits after the entries, so look from the end. */
    private static String continuationToken(String body) {
        int hasMore = body.lastIndexOf("\"hasMore\"");
        if (hasMore < 0 || !body.startsWith("true", body.indexOf(':', hasMore) + 1)) {
            return null;
        }
        int field = body.lastIndexOf("\"continuationToken\"");
        int start = body.indexOf('"', body.indexOf(':', field) + 1) + 1;
        return body.substring(start, body.indexOf('"', start));
    }

    // ---- 2. the bench organization's inventory and the generated stream ----

    private void inventoryOfTheBenchOrg() throws Exception {
        progress.step("0/7 data", "inventory of the bench organization (" + simulator.org().tokens().size() + " tokens)");
        // A one-minute look-back: the service's first audit poll must not read the log the backfill is timed on.
        awaitInventory(config(PREFIX, "bench-ingest", simulator, Map.of("PATROL_INGEST_INITIAL_LOOKBACK", "1m")),
                new SimpleMeterRegistry(), simulator);
    }

    /**
     * Runs ingest until its first inventory scan is stored and the audit poll after it is done (so it is not closed
     * inside a transaction, which would make the next producer with its transactional id wait for the transaction
     * timeout); returns the scan's duration in seconds.
     */
    private double awaitInventory(PatrolConfig config, SimpleMeterRegistry registry, AdoSimulator ado) throws Exception {
        return awaitInventory(config, registry, ado, STEP_TIMEOUT);
    }

    private double awaitInventory(PatrolConfig config, SimpleMeterRegistry registry, AdoSimulator ado, Duration timeout)
            throws Exception {
        try (IngestService ingest = new IngestService(config, Clock.systemUTC(), registry).start()) {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                Timer scan = registry.find(IngestMetrics.INVENTORY_SCAN_DURATION).timer();
                Timer poll = registry.find(IngestMetrics.POLL_DURATION).timer();
                if (scan != null && scan.count() > 0 && poll != null && poll.count() > 0) {
                    return scan.totalTime(java.util.concurrent.TimeUnit.NANOSECONDS) / 1e9;
                }
                if (ingest.failure() != null) {
                    throw new IllegalStateException("ingest failed: " + ingest.failure().getMessage());
                }
                if (System.nanoTime() > deadline) {
                    throw new TimeoutException("the inventory scan did not finish within " + timeout.toSeconds() + " s");
                }
                progress.tick("inventory scan running, %d requests so far", ado.requestCount());
                Thread.sleep(50);
            }
        }
    }

    private void generate() throws Exception {
        progress.step("2/7 data", String.format(java.util.Locale.ROOT, "producing %d audit events (%.1f%% of PAT uses "
                + "off-network, Zipf over %d addresses)", sizes.events(), sizes.offNetworkShare() * 100, sizes.addresses()));
        mix = new AuditMix(simulator.org(), sizes.offNetworkShare(), sizes.addresses(), sizes.seed());
        Instant start = Instant.now().minus(Duration.ofMinutes(30));
        long stepNanos = Duration.ofMinutes(30).toNanos() / sizes.events();
        String topic = PREFIX + Topics.AUDIT.name();
        try (KafkaProducer<String, ReceivedAuditEntry> producer = cluster.producer(Topics.AUDIT.keySerde().serializer(),
                Topics.AUDIT.valueSerde().serializer(), 20)) {
            for (int i = 0; i < sizes.events(); i++) {
                ReceivedAuditEntry entry = mix.next(start.plusNanos(i * stepNanos));
                producer.send(new ProducerRecord<>(topic, null, entry.entry().timestamp().toEpochMilli(),
                        entry.entry().id(), entry));
                if (i % 10_000 == 0) {
                    progress.tick("%d of %d produced", i, sizes.events());
                }
            }
            producer.flush();
        }
        try (var admin = org.apache.kafka.clients.admin.Admin.create(Map.of("bootstrap.servers", cluster.bootstrapServers()))) {
            TopicCreator.ensure(admin, List.of(new dev.patrol.model.topic.Topic<>(PASSTHROUGH_TOPIC.substring(PREFIX.length()),
                    Topics.AUDIT.keySerde(), Topics.AUDIT.valueSerde(), Topics.AUDIT.spec(), Owner.STREAMS, "", "")), PREFIX);
        }
        progress.done("%d events in %s (%d PAT uses off-network so far)", sizes.events(), topic, mix.offNetworkUses());
    }

    private AuditMix mix;

    // ---- 3-4. throughput and latency of a streams app ----

    /**
     * Starts the app and times it from its first commit to the moment every partition it reads is committed to the
     * end (repartition topics included); returns audit events per second.
     */
    private double throughput(String name, String applicationId, Runnable start, java.util.function.BooleanSupplier failed)
            throws Exception {
        String audit = PREFIX + Topics.AUDIT.name();
        long total = cluster.endOffsets(List.of(audit));
        progress.step(name, "throughput over " + total + " records of " + audit + " (exactly-once)");
        start.run();
        long deadline = System.nanoTime() + STEP_TIMEOUT.toNanos();
        long firstAt = 0;
        long firstCommitted = 0;
        while (true) {
            if (failed.getAsBoolean()) {
                throw new IllegalStateException(name + " app stopped with an error; see the log above");
            }
            if (System.nanoTime() > deadline) {
                throw new TimeoutException(name + " app did not get through the records within " + STEP_TIMEOUT);
            }
            Cluster.Progress now = cluster.progress(applicationId, Set.of(audit));
            long at = System.nanoTime();
            if (firstAt == 0 && now.committed() > 0) {
                firstAt = at;
                firstCommitted = now.committed();
            }
            if (now.caughtUp() && now.committed() >= total) {
                double rate = (now.committed() - firstCommitted) / ((at - firstAt) / 1e9);
                progress.done("%.0f events/s (%d records after the first commit, %.1f s)", rate,
                        now.committed() - firstCommitted, (at - firstAt) / 1e9);
                return rate;
            }
            progress.tick("%d of %d records committed", now.committed(), total);
            Thread.sleep(100);
        }
    }

    /**
     * Sends live events at {@code rate} for {@code latencySeconds} and measures, per event, from its acknowledgement by
     * the broker to the first committed output record that names it.
     */
    private <V> Latencies latency(String name, String outputTopic, Deserializer<V> values, Function<V, List<String>> ids)
            throws Exception {
        progress.step(name, "latency at " + sizes.rate() + " events/s for " + sizes.latencySeconds() + " s");
        Map<String, Long> acked = new ConcurrentHashMap<>();
        Latencies latencies = new Latencies();
        AtomicBoolean stop = new AtomicBoolean();
        long[] lastReceived = {System.nanoTime()};
        Thread reader;
        try (KafkaConsumer<String, V> consumer = cluster.tail(outputTopic, values)) {
            reader = new Thread(() -> {
                while (!stop.get()) {
                    for (var record : consumer.poll(Duration.ofMillis(20))) {
                        long now = System.nanoTime();
                        lastReceived[0] = now;
                        for (String id : ids.apply(record.value())) {
                            Long at = acked.remove(id);
                            if (at != null) {
                                latencies.add(now - at);
                            }
                        }
                    }
                }
            }, "bench-latency-reader");
            reader.start();
            String topic = PREFIX + Topics.AUDIT.name();
            try (KafkaProducer<String, ReceivedAuditEntry> producer = cluster.producer(Topics.AUDIT.keySerde().serializer(),
                    Topics.AUDIT.valueSerde().serializer(), 0)) {
                long started = System.nanoTime();
                long sent = 0;
                long total = (long) sizes.rate() * sizes.latencySeconds();
                while (sent < total) {
                    long due = Math.min(total, (System.nanoTime() - started) * sizes.rate() / 1_000_000_000L);
                    for (; sent < due; sent++) {
                        ReceivedAuditEntry entry = mix.next(Instant.now());
                        String id = entry.entry().id();
                        producer.send(new ProducerRecord<>(topic, null, entry.entry().timestamp().toEpochMilli(), id, entry),
                                (metadata, error) -> {
                                    if (error == null) {
                                        acked.putIfAbsent(id, System.nanoTime());
                                    }
                                });
                    }
                    progress.tick("%d of %d sent, %d outputs matched", sent, total, latencies.count());
                    Thread.sleep(2);
                }
            }
            // Stragglers: wait until outputs stop arriving for 2 s (or 30 s in all).
            long waitUntil = System.nanoTime() + 30_000_000_000L;
            while (System.nanoTime() < waitUntil && System.nanoTime() - lastReceived[0] < 2_000_000_000L) {
                Thread.sleep(100);
            }
            stop.set(true);
            reader.join();
        }
        progress.done("%d outputs matched: p50 %.1f ms, p99 %.1f ms", latencies.count(), latencies.percentileMs(50),
                latencies.percentileMs(99));
        return latencies;
    }

    // ---- 5. delivery ----

    private void delivery() throws Exception {
        String prefix = "delivery.";
        int total = sizes.deliveryRate() * sizes.deliverySeconds();
        progress.step("5/7 delivery", "alerts service to a local webhook receiver, " + sizes.deliveryRate()
                + " findings/s for " + sizes.deliverySeconds() + " s");
        Map<String, Long> acked = new ConcurrentHashMap<>();
        Map<String, Long> received = new ConcurrentHashMap<>();
        Latencies latencies = new Latencies();
        var server = com.sun.net.httpserver.HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.createContext("/hook", exchange -> {
            long now = System.nanoTime();
            exchange.getRequestBody().readAllBytes();
            String id = exchange.getRequestHeaders().getFirst("X-Patrol-Finding-Id");
            if (id != null && received.putIfAbsent(id, now) == null) {
                Long at = acked.get(id);
                if (at != null) {
                    latencies.add(now - at);
                }
            }
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
        try (var admin = org.apache.kafka.clients.admin.Admin.create(Map.of("bootstrap.servers", cluster.bootstrapServers()))) {
            TopicCreator.ensure(admin, Topics.ownedBy(Owner.STREAMS), prefix);
        }
        URI hook = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hook");
        PatrolConfig config = config(prefix, "bench-delivery", simulator, Map.of("PATROL_ALERTS_WEBHOOKS", hook.toString()));
        try (PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
             AlertsService alerts = new AlertsService(config, quiet, Clock.systemUTC(), new SimpleMeterRegistry()).start();
             KafkaProducer<String, Finding> producer = cluster.producer(Topics.FINDINGS.keySerde().serializer(),
                     Topics.FINDINGS.valueSerde().serializer(), 0)) {
            String topic = prefix + Topics.FINDINGS.name();
            // One finding first, unmeasured: the lanes' consumers join their groups before the clock starts.
            String warmUp = findingId();
            producer.send(new ProducerRecord<>(topic, warmUp, finding(warmUp)));
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (!received.containsKey(warmUp)) {
                if (System.nanoTime() > deadline) {
                    throw new TimeoutException("the alerts service delivered nothing to the webhook within 2 minutes");
                }
                Thread.sleep(20);
            }
            long started = System.nanoTime();
            for (int sent = 0; sent < total; ) {
                long due = Math.min(total, (System.nanoTime() - started) * sizes.deliveryRate() / 1_000_000_000L);
                for (; sent < due; sent++) {
                    // Timed from the send: a webhook answer can come before the producer's acknowledgement callback.
                    String id = findingId();
                    acked.put(id, System.nanoTime());
                    producer.send(new ProducerRecord<>(topic, id, finding(id)));
                }
                progress.tick("%d of %d findings sent, %d delivered", sent, total, latencies.count());
                Thread.sleep(5);
            }
            deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (received.size() < total + 1 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
        } finally {
            server.stop(0);
            ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
        }
        report.put("delivery_p50_ms", latencies.percentileMs(50));
        report.put("delivery_p99_ms", latencies.percentileMs(99));
        report.put("delivery_samples", latencies.count());
        progress.done("%d of %d delivered: p50 %.1f ms, p99 %.1f ms", latencies.count(), total,
                latencies.percentileMs(50), latencies.percentileMs(99));
    }

    private String findingId() {
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    private Finding finding(String id) {
        Instant now = Instant.now();
        return new Finding(id, "PAT-OFFNET-01", "PAT used from outside the corporate network", Severity.MEDIUM,
                List.of("T1078.004", "T1550.001"), ORG,
                new FindingSubject("0f3c2a9e-1111-4c2b-9d7e-5a6b7c8d9e0f", "jane.doe@contoso.example",
                        "8c6f1d2e-2222-4a3b-8c9d-0e1f2a3b4c5d", "203.0.113.45"),
                "PAT 'release-bot' (full access) of jane.doe@contoso.example did Git.RefUpdatePoliciesBypassed from "
                        + "203.0.113.45, outside the corporate network",
                Map.of("ip", "203.0.113.45", "token", "release-bot", "scope", "app_token"), now, now,
                List.of("bench;" + id));
    }

    // ---- 6. inventory under a rate limit ----

    private void inventoryUnderRateLimit() throws Exception {
        int users = sizes.inventoryUsers();
        // The limit is set so the scan needs about four windows: it binds, and the least time is three windows.
        int expectedRequests = users + users / 100 + 10;
        int limit = Math.max(1, (int) Math.ceil(expectedRequests / 3.5));
        Duration window = users >= 5_000 ? Duration.ofSeconds(5) : Duration.ofSeconds(1);
        progress.step("6/7 inventory", users + " users under an enforced limit of " + limit + " requests per "
                + window.toSeconds() + " s");
        try (AdoSimulator limited = AdoSimulator.start(SimulatorConfig.defaults().withOrganization("fabrikam")
                .withSeed(sizes.seed()).withUsers(users).withPatsPerUser(1).withAuditEntries(0)
                .withRateLimit(RateLimit.enforced(limit, window, 0, Duration.ZERO)))) {
            var registry = new SimpleMeterRegistry();
            long before = limited.requestCount();
            // Bounded at ten times the least time (at least a minute): a stalled scan is a result, not a hang.
            Duration bound = Duration.ofSeconds(Math.max(60, 10 * 3 * window.toSeconds()));
            double seconds;
            try {
                seconds = awaitInventory(config("inventory.", "bench-inventory", limited, Map.of()), registry, limited,
                        bound);
            } catch (TimeoutException e) {
                report.put("inventory_users", users);
                report.put("inventory_requests", limited.requestCount() - before);
                progress.done("%s (%d requests answered); inventory_ratio is NaN", e.getMessage(),
                        limited.requestCount() - before);
                return;
            }
            long requests = limited.requestCount() - before;
            long blocked = (long) registry.find(IngestMetrics.ADO_RESPONSES).tag("status", "429").counters().stream()
                    .mapToDouble(c -> c.count()).sum();
            long served = requests - blocked;
            double minimum = (Math.ceil((double) served / limit) - 1) * window.toSeconds();
            report.put("inventory_users", users);
            report.put("inventory_requests", served);
            report.put("inventory_429", blocked);
            report.put("inventory_s", seconds);
            report.put("inventory_min_s", minimum);
            report.put("inventory_ratio", minimum > 0 ? seconds / minimum : Double.NaN);
            progress.done("%d requests (%d answered 429) in %.1f s; the limit allows %.1f s at best", served, blocked,
                    seconds, minimum);
        }
    }

    // ---- 7. heap ----

    private void heap() throws Exception {
        String prefix = "heap.";
        int tokens = sizes.heapTokens();
        progress.step("7/7 heap", "streams service alone in a JVM (-Xmx1g) with " + tokens + " tokens in the inventory");
        try (var admin = org.apache.kafka.clients.admin.Admin.create(Map.of("bootstrap.servers", cluster.bootstrapServers()))) {
            TopicCreator.ensure(admin, Topics.ownedBy(Owner.INGEST), prefix);
        }
        String topic = prefix + Topics.TOKENS.name();
        Instant now = Instant.now();
        try (KafkaProducer<String, PersonalAccessToken> producer = cluster.producer(Topics.TOKENS.keySerde().serializer(),
                Topics.TOKENS.valueSerde().serializer(), 20)) {
            List<String> scopes = List.of("app_token", "vso.code_write", "vso.build_execute vso.release_execute", "vso.packaging");
            for (int i = 0; i < tokens; i++) {
                String id = new java.util.UUID(random.nextLong(), random.nextLong()).toString();
                int owner = i % 10_000;
                var owned = new TokenOwner("aad." + owner, "user" + owner + "@contoso.example", "User " + owner);
                var token = new SessionToken(id, id, null, null, "user-" + owner, "token-" + i, scopes.get(i % scopes.size()),
                        i % 5 == 0 ? null : List.of("b8b0e7c6-0000-4d3a-9f61-0d4d5c0c9a11"), now.minus(Duration.ofDays(i % 300)),
                        now.plus(Duration.ofDays(1 + i % 365)), true, false, null, null, null, null);
                producer.send(new ProducerRecord<>(topic, null, token.validFrom().toEpochMilli(), id,
                        new PersonalAccessToken(ORG, owned, token, now)));
                if (i % 20_000 == 0) {
                    progress.tick("%d of %d tokens produced", i, tokens);
                }
            }
        }
        Map<String, String> env = baseEnv(prefix, "bench-heap", simulator);
        try (ChildJvm child = ChildJvm.start(ChildMain.class, List.of("-Xmx1g"), List.of("streams"), env,
                workDir.resolve("streams-heap.log"))) {
            child.awaitLine(ChildMain.READY, Duration.ofMinutes(2));
            long deadline = System.nanoTime() + STEP_TIMEOUT.toNanos();
            while (true) {
                Cluster.Progress now2 = cluster.progress("bench-heap", Set.of(topic));
                if (now2.caughtUp() && now2.committed() >= tokens) {
                    break;
                }
                if (!child.alive()) {
                    throw new IllegalStateException("the streams process ended: " + child.lastLogLine());
                }
                if (System.nanoTime() > deadline) {
                    throw new TimeoutException("streams did not load the inventory within " + STEP_TIMEOUT);
                }
                progress.tick("%d of %d tokens loaded, RSS %d MB", now2.committed(), tokens, child.rssMb());
                Thread.sleep(250);
            }
            long[] heap = child.heapAfterGcMb();
            long rss = child.rssMb();
            report.put("heap_tokens", tokens);
            report.put("streams_heap_mb", heap[0]);
            report.put("streams_heap_committed_mb", heap[1]);
            report.put("streams_rss_mb", rss);
            progress.done("heap %d MB used after a full GC (%d MB committed), RSS %d MB", heap[0], heap[1], rss);
        }
    }

    @Override
    public void close() {
        for (int i = open.size() - 1; i >= 0; i--) {
            try {
                open.get(i).close();
            } catch (Exception e) {
                // keep closing the rest
            }
        }
        open.clear();
        try (Stream<Path> paths = Files.walk(workDir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // a leftover folder under .patrol is harmless
        }
    }
}
