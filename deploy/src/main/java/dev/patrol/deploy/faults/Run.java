package dev.patrol.deploy.faults;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patrol.deploy.internal.SecretScan;
import dev.patrol.model.event.Finding;
import dev.patrol.model.json.Json;
import dev.patrol.model.topic.Topics;
import dev.patrol.simulator.AdoSimulator;
import dev.patrol.simulator.OffNetworkUse;
import dev.patrol.simulator.SimToken;
import dev.patrol.simulator.SimulatorConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * One scenario's world: a fresh simulated organization, a webhook receiver, the services as child processes under
 * their own topic prefix, consumer groups and state, and the accounting that judges the run.
 *
 * <p><b>What is expected.</b> The simulator's ground truth: the off-network PAT uses its generator planted, plus
 * the ones this run plants ({@link #plant}), one per token so that no rule suppresses one as a repeat of another.
 * Each must yield a {@code PAT-OFFNET-01} finding citing its entry, delivered to the webhook; the response policy
 * revokes automatically on that rule, so each planted token must be revoked once and no other token at all. Beyond
 * the ground truth, every finding the detections committed (whatever its rule) must reach the webhook, and no
 * finding may be committed twice with the same content (an update of a finding — same id, new facts — is not a
 * repeat). Every simulator entry must be in the audit and raw audit topics exactly once ({@code read_committed}).
 *
 * <p><b>At-least-once, counted apart.</b> Alerts delivers at least once: a delivery repeated after an alerts
 * process was killed (or the broker was down) between the first delivery and the repeat is the documented gap
 * between a sink's yes and the offset commit; the receiver drops it by finding id. Such repeats are reported as
 * {@code redelivered}, not as duplicates; a repeat with no crash in between is a duplicate. Revocation calls are
 * judged the same way.
 */
final class Run implements AutoCloseable {

    private static final DateTimeFormatter AUDIT_TIMESTAMP = new DateTimeFormatterBuilder()
            .appendPattern("uuuu-MM-dd'T'HH:mm:ss").appendFraction(ChronoField.NANO_OF_SECOND, 7, 7, true)
            .appendOffset("+HH:MM", "+00:00").toFormatter().withZone(ZoneOffset.UTC);
    private static final long DOTNET_MAX_VALUE_TICKS = 3_155_378_975_999_999_999L;
    private static final long DOTNET_TICKS_AT_UNIX_EPOCH = 621_355_968_000_000_000L;

    static final String POLICY = """
            # The fault suite's policy: revoke on every off-network PAT use, so each planted use is one revocation.
            dryRun: false
            capPerHour: 10000
            rules:
              - rule: PAT-OFFNET-01
                minSeverity: info
                mode: automatic
            """;

    /** A planted off-network use: the entry and the token it names. */
    record Planted(String entryId, String authorizationId) {
    }

    /** The judgement of one scenario. */
    record Result(String name, int lost, int duplicated, int wrongRevocations, int secretHits, String detail) {
        /** This result with the secret scan's hits and figures added. */
        Result withSecretScan(int hits, String figures) {
            return new Result(name, lost, duplicated, wrongRevocations, hits, detail + "; " + figures);
        }

        String line() {
            return name + ": lost=" + lost + ", duplicated=" + duplicated + ", wrong_revocations=" + wrongRevocations
                    + ", secret_hits=" + secretHits + "; " + detail;
        }
    }

    final String name;
    final AdoSimulator simulator;
    final WebhookReceiver receiver;
    final String bootstrapServers;
    final String prefix;
    final Path dir;
    final Random random;
    private final Consumer<String> progress;
    private final Admin admin;
    private final TopicTally audit;
    private final TopicTally raw;
    private final TopicTally findings;
    private final List<Planted> planted = new ArrayList<>();
    private final Set<String> usedTokens = new HashSet<>();
    /** The ids of every entry in the simulator's log: generated at start, then whatever this run appends. */
    private final Set<String> expectedIds = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final List<ChildService> children = new ArrayList<>();
    private final List<Instant> outages = new ArrayList<>();
    private final List<Instant> revocationSeen = new ArrayList<>();
    private final Instant started = Instant.now();
    private Thread monitor;

    Run(int index, String name, SimulatorConfig simulatorConfig, String bootstrapServers, Path workDir, long seed,
        Consumer<String> progress) throws IOException {
        this.name = name;
        this.progress = progress;
        this.random = new Random(seed);
        this.bootstrapServers = bootstrapServers;
        this.prefix = "faults" + index + ".";
        this.dir = workDir.resolve("scenario-" + index);
        Files.createDirectories(dir);
        this.simulator = AdoSimulator.start(simulatorConfig.withOrganization("faults" + index).withSeed(seed));
        this.receiver = WebhookReceiver.startOnFreePort();
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000, AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000));
        this.audit = new TopicTally(bootstrapServers, prefix + Topics.AUDIT.name(), admin);
        this.raw = new TopicTally(bootstrapServers, prefix + Topics.AUDIT_RAW.name(), admin);
        this.findings = new TopicTally(bootstrapServers, prefix + Topics.FINDINGS.name(), admin);
        Files.writeString(dir.resolve("policy.yaml"), POLICY);
        simulator.org().auditEntries().forEach(e -> expectedIds.add(e.get("id").asText()));
        simulator.org().offNetworkPatUses().forEach(u -> {
            planted.add(new Planted(u.entryId(), u.authorizationId()));
            usedTokens.add(u.authorizationId());
        });
    }

    // ---- the organization ----

    /**
     * Plants {@code count} more off-network PAT uses, each by a token no other planted use names, from an address
     * in 203.0.113.0/24 (documentation space: off the network), at {@code timestamps} (one per use). Returns how many
     * were planted (fewer when the organization runs out of tokens valid at those times).
     */
    int plant(List<Instant> timestamps) {
        return plant(timestamps, null);
    }

    /**
     * As {@link #plant(List)}, but ADO shows each entry only from {@code visibleFrom} on although its timestamp is
     * earlier: a late arrival, out of order with what the poller already read.
     */
    synchronized int plant(List<Instant> timestamps, Instant visibleFrom) {
        ObjectNode template = simulator.org().auditEntries().stream()
                .filter(e -> e.get("id").asText().equals(simulator.org().offNetworkPatUses().stream()
                        .filter(OffNetworkUse::tokenInInventory).findFirst().orElseThrow().entryId()))
                .findFirst().orElseThrow();
        int done = 0;
        for (Instant at : timestamps) {
            Instant timestamp = at.truncatedTo(ChronoUnit.MICROS);
            SimToken token = simulator.org().tokens().stream()
                    .filter(t -> t.isValid() && !t.validFrom().isAfter(timestamp) && t.validTo().isAfter(timestamp)
                            && !usedTokens.contains(t.authorizationId()))
                    .findFirst().orElse(null);
            if (token == null) {
                break;
            }
            usedTokens.add(token.authorizationId());
            ObjectNode entry = template.deepCopy();
            String rawId = UUID.randomUUID().toString();
            long ticks = DOTNET_TICKS_AT_UNIX_EPOCH + timestamp.getEpochSecond() * 10_000_000L + timestamp.getNano() / 100;
            String id = String.format("%019d", DOTNET_MAX_VALUE_TICKS - ticks) + ";AUD;" + rawId;
            entry.put("id", id);
            entry.put("correlationId", rawId);
            entry.put("activityId", UUID.randomUUID().toString());
            entry.put("timestamp", AUDIT_TIMESTAMP.format(timestamp));
            entry.put("authenticationMechanism", "PAT authorizationId: " + token.authorizationId());
            entry.put("ipAddress", "203.0.113." + (1 + random.nextInt(254)));
            expectedIds.add(id);
            if (visibleFrom == null) {
                simulator.org().appendAuditEntry(entry);
            } else {
                simulator.org().appendAuditEntry(entry, visibleFrom);
            }
            planted.add(new Planted(id, token.authorizationId()));
            done++;
        }
        return done;
    }

    /** {@code count} instants spread at random over the simulator's history, the last minute excluded. */
    List<Instant> historyTimestamps(int count, Duration history) {
        Instant now = Instant.now();
        long span = history.minusMinutes(5).toSeconds();
        List<Instant> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(now.minusSeconds(60 + (long) (random.nextDouble() * span)));
        }
        return out;
    }

    // ---- the services ----

    /** The environment of every child: the simulator as ADO, the receiver as the webhook, this run's names. */
    Map<String, String> environment() {
        Map<String, String> env = new HashMap<>();
        env.put("PATROL_ORGANIZATION", simulator.org().organization());
        env.put("PATROL_ADO_AUDIT_BASE_URL", simulator.baseUrl().toString());
        env.put("PATROL_ADO_VSSPS_BASE_URL", simulator.baseUrl().toString());
        env.put("PATROL_ADO_REQUEST_TIMEOUT", "3s");
        env.put("ADO_PAT", FaultSuite.PAT);
        env.put("WEBHOOK_SIGNING_KEY", FaultSuite.WEBHOOK_KEY);
        // A SASL login passed through as an operator would: unused on the PLAINTEXT broker, but on every client.
        env.put("KAFKA_SASL_JAAS_CONFIG", "org.apache.kafka.common.security.scram.ScramLoginModule required "
                + "username=\"patrol\" password=\"" + FaultSuite.SASL_PASSWORD + "\";");
        env.put("PATROL_INGEST_POLL_INTERVAL", "1s");
        env.put("PATROL_INGEST_BATCH_SIZE", "200");
        env.put("PATROL_INGEST_INVENTORY_INTERVAL", "20s");
        env.put("PATROL_INGEST_INITIAL_LOOKBACK", expectedIds.isEmpty() ? "1h"
                : Duration.ofDays(91).toMinutes() + "m");
        env.put("PATROL_NETWORK_CORPORATE_CIDRS", String.join(",", simulator.org().corporateCidrs()));
        env.put("PATROL_STREAMS_APPLICATION_ID", prefix + "streams");
        env.put("PATROL_ALERTS_CONSUMER_GROUP", prefix + "alerts");
        env.put("PATROL_ALERTS_WEBHOOKS", receiver.url().toString());
        env.put("PATROL_ALERTS_PRINT_FINDINGS", "false");
        env.put("PATROL_ALERTS_OCSF_ENABLED", "false");
        env.put("PATROL_ALERTS_RETRY_INITIAL_BACKOFF", "500ms");
        env.put("PATROL_ALERTS_RETRY_MAX_BACKOFF", "10s");
        env.put("PATROL_RESPONSE_ENABLED", "true");
        env.put("PATROL_RESPONSE_POLICY_FILE", dir.resolve("policy.yaml").toString());
        env.put("PATROL_RESPONSE_PORT", "0");
        env.put("PATROL_METRICS_INGEST_PORT", "0");
        env.put("PATROL_METRICS_STREAMS_PORT", "0");
        env.put("PATROL_METRICS_ALERTS_PORT", "0");
        env.put("PATROL_KAFKA_BOOTSTRAP_SERVERS", bootstrapServers);
        env.put("PATROL_KAFKA_TOPIC_PREFIX", prefix);
        // A killed member is noticed in 10 s rather than Kafka's default 45 s.
        env.put("KAFKA_SESSION_TIMEOUT_MS", "10000");
        return env;
    }

    ChildService ingest(Map<String, String> extra) {
        return child("ingest", "ingest", extra, List.of("-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
    }

    ChildService streams(String instance, Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(extra);
        env.put("PATROL_STREAMS_STATE_DIR", dir.resolve("state-" + instance).toString());
        return child(instance, "streams", env, List.of("-Xmx512m", "-XX:+UseSerialGC"));
    }

    ChildService alerts(Map<String, String> extra) {
        return child("alerts", "alerts", extra, List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
    }

    private ChildService child(String childName, String command, Map<String, String> extra, List<String> jvm) {
        Map<String, String> env = environment();
        env.putAll(extra);
        ChildService child = new ChildService(childName, command, env, dir, jvm, progress).start();
        children.add(child);
        return child;
    }

    /** Scrapes the metrics of every child still running into the scan; returns how many answered. */
    int scanMetrics(SecretScan scan, List<String> hits) {
        var http = java.net.http.HttpClient.newHttpClient();
        int scrapes = 0;
        for (ChildService child : children) {
            var body = child.scrapeMetrics(http);
            if (body.isPresent()) {
                scan.find("metrics of " + child.name(), body.get(), hits);
                scrapes++;
            }
        }
        return scrapes;
    }

    /** Marks [from, to] as a window in which an at-least-once repeat is expected (the broker was down). */
    void outage(Instant from, Instant to) {
        outages.add(from);
        outages.add(to);
    }

    // ---- progress ----

    /** Reads the topics every half second on a thread of its own, so scenario threads can watch progress. */
    void startMonitor() {
        Thread monitor = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                refresh();
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "faults-monitor-" + name);
        monitor.setDaemon(true);
        monitor.start();
        this.monitor = monitor;
    }

    /** Reads what the topics gained; the receiver and the simulator are read directly. */
    synchronized void refresh() {
        audit.poll();
        raw.poll();
        findings.poll();
        int calls = simulator.org().revocations().size();
        while (revocationSeen.size() < calls) {
            revocationSeen.add(Instant.now());
        }
    }

    synchronized int auditStored() {
        return audit.distinctKeys();
    }

    int expectedEntries() {
        return expectedIds.size();
    }

    private synchronized String stateKey() {
        return audit.records().size() + "/" + findings.records().size() + "/" + receiver.count() + "/"
                + revocationSeen.size();
    }

    private synchronized int findingIds() {
        return findings.distinctKeys();
    }

    synchronized int findingRecords() {
        return findings.records().size();
    }

    synchronized List<Planted> planted() {
        return List.copyOf(planted);
    }

    /**
     * Waits until everything expected arrived and nothing moved for {@code quiet}, or {@code timeout} passed;
     * prints a progress line every 15 s.
     */
    void awaitSettled(Duration quiet, Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        String last = "";
        Instant lastChange = Instant.now();
        Instant lastPrint = Instant.now();
        while (Instant.now().isBefore(deadline)) {
            refresh();
            String state = stateKey();
            if (!state.equals(last)) {
                last = state;
                lastChange = Instant.now();
            }
            boolean complete = missingEntries() == 0 && undetected().isEmpty() && undelivered().isEmpty()
                    && unrevoked().isEmpty();
            if (complete && Duration.between(lastChange, Instant.now()).compareTo(quiet) >= 0) {
                return;
            }
            if (Duration.between(lastPrint, Instant.now()).toSeconds() >= 15) {
                lastPrint = Instant.now();
                progress.accept(name + ": audit " + auditStored() + "/" + expectedEntries() + ", findings "
                        + findingIds() + ", delivered " + receiver.count() + ", revocations "
                        + revocationSeen.size() + "/" + expectedRevocations().size()
                        + (complete ? ", settling" : ""));
            }
            Thread.sleep(500);
        }
        progress.accept(name + ": not settled within " + timeout.toSeconds() + " s; what is missing counts as lost");
    }

    // ---- accounting ----

    private synchronized long missingEntries() {
        Map<String, Integer> seen = audit.countByKey();
        return expectedIds.stream().filter(id -> !seen.containsKey(id)).count();
    }

    private synchronized List<Finding> findingsCommitted() {
        List<Finding> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : findings.records()) {
            if (r.value() != null) {
                out.add(Topics.FINDINGS.valueSerde().deserializer().deserialize(r.topic(), r.value()));
            }
        }
        return out;
    }

    /** Planted uses with no PAT-OFFNET-01 finding citing their entry. */
    private synchronized List<Planted> undetected() {
        Set<String> cited = findingsCommitted().stream().filter(f -> f.ruleId().equals("PAT-OFFNET-01"))
                .flatMap(f -> f.sourceEventIds().stream()).collect(Collectors.toSet());
        return planted.stream().filter(p -> !cited.contains(p.entryId())).toList();
    }

    /** Finding ids committed to the findings topic that the webhook never received. */
    private synchronized Set<String> undelivered() {
        Set<String> delivered = receiver.deliveries().stream().map(WebhookReceiver.Delivery::findingId)
                .collect(Collectors.toSet());
        Set<String> missing = new HashSet<>(findings.countByKey().keySet());
        missing.removeAll(delivered);
        return missing;
    }

    synchronized Set<String> expectedRevocations() {
        return planted.stream().map(Planted::authorizationId).collect(Collectors.toSet());
    }

    private Set<String> unrevoked() {
        Set<String> missing = new HashSet<>(expectedRevocations());
        missing.removeAll(simulator.org().revocations());
        return missing;
    }

    /** Whether an alerts process was killed, or the broker down, between the two instants. */
    private boolean crashBetween(Instant from, Instant to) {
        for (ChildService child : children) {
            if (child.name().equals("alerts") && child.kills().stream().anyMatch(k -> !k.isBefore(from) && !k.isAfter(to))) {
                return true;
            }
        }
        for (int i = 0; i + 1 < outages.size(); i += 2) {
            if (!outages.get(i).isAfter(to) && !outages.get(i + 1).isBefore(from)) {
                return true;
            }
        }
        return false;
    }

    private static Finding normalized(Finding f) {
        return new Finding(f.id(), f.ruleId(), f.title(), f.severity(), f.mitreAttack(), f.organization(), f.subject(),
                f.summary(), f.evidence(), f.eventTime(), Instant.EPOCH, f.sourceEventIds());
    }

    /** Judges the run; {@code facts} are the scenario's own figures, put first in the detail. */
    synchronized Result judge(String facts) {
        refresh();
        Map<String, Integer> auditCounts = audit.countByKey();
        Map<String, Integer> rawCounts = raw.countByKey();
        int lostEntries = (int) expectedIds.stream().filter(id -> !auditCounts.containsKey(id)).count();
        int lostRaw = (int) expectedIds.stream().filter(id -> !rawCounts.containsKey(id)).count();
        int dupEntries = auditCounts.values().stream().mapToInt(c -> c - 1).sum();
        int dupRaw = rawCounts.values().stream().mapToInt(c -> c - 1).sum();
        int strangers = (int) auditCounts.keySet().stream().filter(id -> !expectedIds.contains(id)).count();

        List<Finding> committed = findingsCommitted();
        Map<String, List<Finding>> byId = new LinkedHashMap<>();
        committed.forEach(f -> byId.computeIfAbsent(f.id(), k -> new ArrayList<>()).add(normalized(f)));
        int dupFindings = byId.values().stream().mapToInt(v -> v.size() - new HashSet<>(v).size()).sum();
        int updates = byId.values().stream().mapToInt(v -> new HashSet<>(v).size() - 1).sum();
        int undetected = undetected().size();

        Map<String, List<WebhookReceiver.Delivery>> deliveries = new LinkedHashMap<>();
        receiver.deliveries().forEach(d -> deliveries.computeIfAbsent(d.findingId(), k -> new ArrayList<>()).add(d));
        int redelivered = 0;
        int dupDeliveries = 0;
        for (List<WebhookReceiver.Delivery> ofId : deliveries.values()) {
            Map<Finding, Instant> firstOf = new HashMap<>();
            for (WebhookReceiver.Delivery d : ofId) {
                Finding version = normalized(read(d.body()));
                Instant first = firstOf.putIfAbsent(version, d.at());
                if (first != null) {
                    if (crashBetween(first, d.at())) {
                        redelivered++;
                    } else {
                        dupDeliveries++;
                    }
                }
            }
        }
        Set<String> undeliveredIds = undelivered();
        int undelivered = undeliveredIds.size();
        if (undelivered > 0) {
            progress.accept(name + ": undelivered findings at " + coordinates(undeliveredIds));
        }

        List<String> calls = simulator.org().revocations();
        Set<String> expectedRevocations = expectedRevocations();
        int wrong = (int) calls.stream().filter(id -> !expectedRevocations.contains(id)).count();
        int missingRevocations = unrevoked().size();
        int repeatedCalls = 0;
        int explainedCalls = 0;
        Map<String, Instant> firstCall = new HashMap<>();
        for (int i = 0; i < calls.size(); i++) {
            Instant at = i < revocationSeen.size() ? revocationSeen.get(i) : Instant.now();
            Instant first = firstCall.putIfAbsent(calls.get(i), at);
            if (first != null && expectedRevocations.contains(calls.get(i))) {
                if (crashBetween(first.minusSeconds(1), at)) {
                    explainedCalls++;
                } else {
                    repeatedCalls++;
                }
            }
        }
        int selfExits = children.stream().mapToInt(ChildService::selfExits).sum();

        int lost = lostEntries + lostRaw + undetected + undelivered + missingRevocations;
        int duplicated = dupEntries + dupRaw + dupFindings + dupDeliveries + repeatedCalls;
        String detail = facts + (facts.isEmpty() ? "" : "; ")
                + "entries " + expectedIds.size() + " (missing " + lostEntries + "/raw " + lostRaw + ", repeated "
                + dupEntries + "/raw " + dupRaw + (strangers > 0 ? ", unknown ids " + strangers : "") + ")"
                + "; findings " + byId.size() + " (updates " + updates + ", repeated " + dupFindings + ")"
                + "; planted uses " + planted.size() + " (undetected " + undetected + ")"
                + "; webhook " + receiver.count() + " deliveries (undelivered " + undelivered + ", redelivered after a crash "
                + redelivered + ", repeated " + dupDeliveries + ")"
                + "; revocations " + calls.size() + " of " + expectedRevocations.size() + " tokens (missing "
                + missingRevocations + ", repeated " + repeatedCalls + ", repeated after a crash " + explainedCalls
                + ", wrong " + wrong + ")"
                + (selfExits > 0 ? "; services exited on their own " + selfExits + "x" : "")
                + "; " + Duration.between(started, Instant.now()).toSeconds() + " s";
        return new Result(name, lost, duplicated, wrong, 0, detail);
    }

    /** Where these finding ids are in the findings topic: {@code partition: offset, offset-offset; ...}. */
    private String coordinates(Set<String> ids) {
        Map<Integer, List<Long>> offsets = new java.util.TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> r : findings.records()) {
            if (r.key() != null && ids.contains(new String(r.key(), java.nio.charset.StandardCharsets.UTF_8))) {
                offsets.computeIfAbsent(r.partition(), p -> new ArrayList<>()).add(r.offset());
            }
        }
        StringBuilder out = new StringBuilder();
        offsets.forEach((partition, list) -> {
            java.util.StringJoiner ranges = new java.util.StringJoiner(", ");
            for (int i = 0; i < list.size(); i++) {
                int j = i;
                while (j + 1 < list.size() && list.get(j + 1) <= list.get(j) + 2) {
                    j++; // a transaction marker sits between records of consecutive transactions
                }
                ranges.add(list.get(i) + (j > i ? "-" + list.get(j) : ""));
                i = j;
            }
            out.append(out.length() == 0 ? "" : "; ").append("partition ").append(partition).append(": ").append(ranges);
        });
        return out.toString();
    }

    private static Finding read(String body) {
        try {
            return Json.mapper().readValue(body, Finding.class);
        } catch (IOException e) {
            throw new IllegalStateException("a webhook body is not a finding: " + e.getMessage(), e);
        }
    }

    boolean auditComplete() {
        return auditStored() >= expectedEntries();
    }

    @Override
    public void close() {
        if (monitor != null) {
            monitor.interrupt();
        }
        for (int i = children.size() - 1; i >= 0; i--) {
            children.get(i).close();
        }
        audit.close();
        raw.close();
        findings.close();
        admin.close(Duration.ofSeconds(5));
        receiver.close();
        simulator.close();
    }
}
