package dev.patrol.ingest;

import dev.patrol.ingest.ado.AdoApiException;
import dev.patrol.ingest.ado.AdoAuthException;
import dev.patrol.ingest.ado.AdoEndpoints;
import dev.patrol.ingest.ado.AdoHttpClient;
import dev.patrol.ingest.audit.AuditLogReader;
import dev.patrol.ingest.dedupe.SeenEntries;
import dev.patrol.ingest.metrics.IngestMetrics;
import dev.patrol.model.event.Finding;
import dev.patrol.model.event.FindingSubject;
import dev.patrol.model.event.Severity;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import dev.patrol.ingest.stream.AuditStreamReceiver;
import dev.patrol.ingest.stream.StreamedEntryPublisher;
import dev.patrol.ingest.audit.AuditPoll;
import dev.patrol.ingest.audit.AuditWindowPlanner;
import dev.patrol.ingest.inventory.InventoryPublisher;
import dev.patrol.ingest.inventory.InventoryRestore;
import dev.patrol.ingest.inventory.InventoryScanner;
import dev.patrol.ingest.kafka.TopicReader;
import dev.patrol.ingest.kafka.TransactionalPublisher;
import dev.patrol.model.config.PatrolConfig;
import dev.patrol.model.event.AuditCheckpoint;
import dev.patrol.model.event.OrgUser;
import dev.patrol.model.event.PersonalAccessToken;
import dev.patrol.model.topic.Owner;
import dev.patrol.model.topic.TopicCreator;
import dev.patrol.model.topic.Topics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingest service for one organization: scans the PAT inventory, then polls the audit log in a loop, writing
 * both to Kafka. Runs on its own thread between {@link #start()} and {@link #close()}.
 *
 * <p>Failures are survived, not hidden: an ADO outage or a rejected credential is logged with what to do and
 * retried on the next cycle without moving the checkpoint; only losing the transactional id to another instance
 * (fencing) stops the service, because two pollers of one organization must not run.
 */
public final class IngestService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(IngestService.class);
    /** How soon a failed inventory scan is tried again (or the scan interval, when shorter). */
    static final Duration INVENTORY_RETRY = Duration.ofMinutes(5);

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /** How long entry ids are remembered across sources: longer than an audit stream's 7-day catch-up. */
    static final Duration DEDUPE_WINDOW = Duration.ofDays(8);
    /** Backlogs are read in slices of this size, each its own transaction. */
    static final Duration MAX_WINDOW = Duration.ofHours(6);

    private final PatrolConfig config;
    private final Clock clock;
    private final CountDownLatch stopped = new CountDownLatch(1);
    /** Opened by close(): ends the pause between polls at once, without interrupting Kafka or HTTP calls. */
    private final CountDownLatch closing = new CountDownLatch(1);
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final AtomicReference<java.net.URI> streamReceiverUrl = new AtomicReference<>();
    private volatile boolean running = true;
    private Thread worker;

    /** Hears how a backfill advances. */
    @FunctionalInterface
    public interface BackfillProgress {
        /**
         * @param windowEnd  how far the audit log has been read
         * @param entries    new entries stored so far
         * @param fraction   0..1 of the way from the backfill start to now
         * @param done       the backfill has caught up with now and the service is stopping
         */
        void onProgress(Instant windowEnd, long entries, double fraction, boolean done);

        /**
         * Called once, on the ingest thread, when start-up is over (transactions initialised, seen entry ids and the
         * inventory restored from Kafka) and the first audit page is about to be requested: what follows is the
         * steady-state path a running ingester repeats every poll, what came before is paid once per start.
         */
        default void onReadingStarted() {
        }
    }

    private java.util.Optional<Instant> backfillFrom = java.util.Optional.empty();
    private BackfillProgress backfillProgress = (end, entries, fraction, done) -> { };

    /**
     * Reads the audit log from {@code from} up to now instead of resuming from the checkpoint, then stops; the
     * inventory is not scanned. Entries already stored are not stored again (ids are remembered from {@code from}
     * on), and the checkpoint ends at now, so a live ingester started afterwards carries on from there. Runs under the
     * organization's transactional id: a live ingester of the same organization is fenced while it runs.
     */
    public IngestService backfill(Instant from, BackfillProgress progress) {
        this.backfillFrom = java.util.Optional.of(from);
        this.backfillProgress = progress;
        return this;
    }

    private final IngestMetrics metrics;
    private final MeterRegistry registry;

    /** With meters kept in a registry of its own (tests, tools). */
    public IngestService(PatrolConfig config, Clock clock) {
        this(config, clock, new SimpleMeterRegistry());
    }

    public IngestService(PatrolConfig config, Clock clock, MeterRegistry registry) {
        this.config = config.requireForIngest();
        this.clock = clock;
        this.metrics = new IngestMetrics(registry, config.organization(), clock);
        this.registry = registry;
    }

    /** Creates the topics ingest owns and starts polling on a background thread. */
    public IngestService start() {
        try (Admin admin = Admin.create(config.kafka().clientConfig())) {
            // Ingest also writes pipeline-health findings, so it makes sure the findings topic exists too.
            var owned = new java.util.ArrayList<>(Topics.ownedBy(Owner.INGEST));
            owned.add(Topics.FINDINGS);
            TopicCreator.ensure(admin, owned, config.kafka().topicPrefix());
        }
        worker = new Thread(this::runLoop, "patrol-ingest-" + config.organization());
        worker.start();
        return this;
    }

    /** Where the audit-stream receiver listens, once started (empty when streams are off). */
    public java.util.Optional<java.net.URI> streamReceiverUrl() {
        return java.util.Optional.ofNullable(streamReceiverUrl.get());
    }

    /** Non-null once the service stopped on an error it cannot recover from. */
    public Throwable failure() {
        return failure.get();
    }

    /** Waits until the service has stopped (after {@link #close()} or a fatal error). */
    public boolean awaitStop(Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void runLoop() {
        String org = config.organization();
        var endpoints = new AdoEndpoints(config.ado().auditBaseUrl(), config.ado().vsspsBaseUrl(), org);
        var client = AdoHttpClient.forSettings(config.ado(), clock).observedBy(metrics.adoObserver());
        var clientConfig = config.kafka().clientConfig();
        String prefix = config.kafka().topicPrefix();
        AuditStreamReceiver receiver = null;
        TransactionalPublisher streamPublisher = null;
        try (var publisher = new TransactionalPublisher(clientConfig, "patrol-ingest-" + org, prefix)) {
            publisher.bindMetrics(registry);
            Duration remember = backfillFrom
                    .map(from -> Duration.between(from, clock.instant()).plusDays(1))
                    .filter(d -> d.compareTo(DEDUPE_WINDOW) > 0)
                    .orElse(DEDUPE_WINDOW);
            // The publisher's initTransactions has returned, so a previous instance's open transaction has committed
            // or aborted and what these reads see is final. They are independent of each other (each its own
            // consumer, topic and result), so they run side by side.
            AuditCheckpoint checkpoint;
            SeenEntries seen;
            Map<String, PersonalAccessToken> knownTokens;
            Map<String, OrgUser> knownUsers;
            try (var reads = new StartupReads("patrol-ingest-" + org + "-restore")) {
                Future<AuditCheckpoint> checkpointRead = reads.start(() -> backfillFrom
                        .map(from -> new AuditCheckpoint(org, from.plus(config.ingest().overlap()), Map.of()))
                        .orElseGet(() -> restoreCheckpoint(clientConfig, prefix, org)));
                Future<SeenEntries> seenRead = reads.start(() ->
                        SeenEntries.restore(clientConfig, prefix + Topics.AUDIT.name(), remember, clock));
                Future<Map<String, PersonalAccessToken>> tokensRead = reads.start(() ->
                        restoreTokens(clientConfig, prefix, org));
                Future<Map<String, OrgUser>> usersRead = reads.start(() ->
                        InventoryRestore.users(clientConfig, prefix, org));
                checkpoint = StartupReads.await(checkpointRead);
                seen = StartupReads.await(seenRead);
                knownTokens = StartupReads.await(tokensRead);
                knownUsers = StartupReads.await(usersRead);
            }
            long backfilled = 0;
            if (config.auditStream().enabled()) {
                // Its own transactional id: the receiver's threads must not share the poller's transactions.
                streamPublisher = new TransactionalPublisher(clientConfig, "patrol-ingest-" + org + "-stream", prefix);
                receiver = AuditStreamReceiver.start(config.auditStream(),
                        new StreamedEntryPublisher(org, streamPublisher, seen), clock);
                streamReceiverUrl.set(receiver.baseUrl());
                LOG.info("audit stream receiver listening org={} url={} splunkHec={} eventGrid={}", org, receiver.baseUrl(),
                        config.auditStream().hecToken().isPresent(), config.auditStream().eventGridKey().isPresent());
            }
            var inventory = new InventoryPublisher(org, knownTokens, knownUsers);
            LOG.info("ingest started org={} resumeFrom={} knownTokens={} auditBaseUrl={} vsspsBaseUrl={}",
                    org, checkpoint.windowEnd(), inventory.knownTokens(), config.ado().auditBaseUrl(),
                    config.ado().vsspsBaseUrl());
            var poll = new AuditPoll(org, new AuditLogReader(endpoints, client, config.ingest().batchSize()),
                    new AuditWindowPlanner(config.ingest().overlap(), MAX_WINDOW), clock, checkpoint, seen);
            if (backfillFrom.isEmpty()) {
                // A backfill reads old entries on purpose; their age says nothing about ADO's delay.
                poll.onAvailabilityDelay(metrics::availabilityDelay);
            }
            var scanner = new InventoryScanner(org, endpoints, client, clock, config.ingest().inventoryConcurrency(),
                    config.ingest().includeSshKeys());

            backfillProgress.onReadingStarted();
            Instant nextInventory = Instant.MIN;
            String lastProblem = null;
            String lastInventoryProblem = null;
            while (running) {
                boolean caughtUp = true;
                if (backfillFrom.isEmpty() && !clock.instant().isBefore(nextInventory)) {
                    // The inventory has its own failures (tokenadmin needs more rights than the audit log): they
                    // must not stop audit polling, so they are retried on their own schedule.
                    Duration retry = min(config.ingest().inventoryInterval(), INVENTORY_RETRY);
                    try {
                        scanInventory(scanner, inventory, publisher);
                        nextInventory = clock.instant().plus(config.ingest().inventoryInterval());
                        lastInventoryProblem = null;
                    } catch (AdoApiException e) {
                        nextInventory = clock.instant().plus(retry);
                        lastInventoryProblem = report(lastInventoryProblem, "inventory: " + e.getMessage()
                                + "; retrying in " + retry.toSeconds() + " s, audit polling goes on");
                    } catch (ProducerFencedException e) {
                        throw e;
                    } catch (KafkaException e) {
                        nextInventory = clock.instant().plus(retry);
                        lastInventoryProblem = report(lastInventoryProblem, "inventory: kafka: " + e.getMessage());
                    }
                }
                try {
                    long pollStarted = System.nanoTime();
                    AuditPoll.Result result = poll.pollOnce(publisher);
                    metrics.polled(Duration.ofNanos(System.nanoTime() - pollStarted), result.produced(),
                            result.duplicates(), result.deadLetters(), result.newestStored());
                    caughtUp = result.window().caughtUp();
                    if (backfillFrom.isPresent()) {
                        backfilled += result.produced();
                        Instant from = backfillFrom.get();
                        double total = Math.max(1, Duration.between(from, clock.instant()).toMillis());
                        double fraction = Math.min(1, Duration.between(from, result.window().end()).toMillis() / total);
                        backfillProgress.onProgress(result.window().end(), backfilled, caughtUp ? 1 : fraction, caughtUp);
                        if (caughtUp) {
                            LOG.info("backfill finished org={} from={} entries={}", org, from, backfilled);
                            running = false;
                            continue;
                        }
                    }
                    boolean news = result.produced() > 0 || result.deadLetters() > 0 || !caughtUp;
                    // Quiet polls are the normal case once caught up; they are logged at DEBUG only.
                    if (news || LOG.isDebugEnabled()) {
                        String line = "audit window read org={} start={} end={} fetched={} new={} duplicates={} deadLetters={}";
                        Object[] args = {org, result.window().start(), result.window().end(), result.fetched(),
                                result.produced(), result.duplicates(), result.deadLetters()};
                        if (news) {
                            LOG.info(line, args);
                        } else {
                            LOG.debug(line, args);
                        }
                    }
                    if (lastProblem != null) {
                        LOG.info("ingest recovered org={}", org);
                        lastProblem = null;
                    }
                } catch (AdoAuthException e) {
                    metrics.pollFailed("credential");
                    String before = lastProblem;
                    lastProblem = report(lastProblem, e.getMessage() + "; check the credential ("
                            + config.ado().describeCredential() + ") and its permissions (audit log, token "
                            + "administration, Graph read); retrying every " + config.ingest().pollInterval().toSeconds() + " s");
                    if (!lastProblem.equals(before)) {
                        reportCredentialRejected(publisher, e);
                    }
                } catch (AdoApiException e) {
                    metrics.pollFailed("ado");
                    lastProblem = report(lastProblem, e.getMessage() + "; retrying in "
                            + config.ingest().pollInterval().toSeconds() + " s, nothing skipped");
                } catch (ProducerFencedException e) {
                    throw e;
                } catch (KafkaException e) {
                    metrics.pollFailed("kafka");
                    lastProblem = report(lastProblem, "kafka: " + e.getMessage() + "; retrying, nothing skipped");
                }
                if (caughtUp && running) {
                    sleep(config.ingest().pollInterval());
                }
            }
        } catch (java.io.IOException e) {
            failure.set(e);
            LOG.error("ingest stopped: the audit stream receiver cannot listen on {}:{} ({})",
                    config.auditStream().bindAddress(), config.auditStream().port(), e.getMessage());
        } catch (ProducerFencedException e) {
            failure.set(e);
            LOG.error("ingest stopped: another ingester for org={} took over (transactional id fenced)", org);
        } catch (InterruptedException | org.apache.kafka.common.errors.InterruptException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            failure.set(e);
            LOG.error("ingest stopped on an unexpected error org={}", org, e);
        } finally {
            if (receiver != null) {
                receiver.close();
            }
            if (streamPublisher != null) {
                streamPublisher.close();
            }
            stopped.countDown();
            LOG.info("ingest stopped org={}", org);
        }
    }

    private void scanInventory(InventoryScanner scanner, InventoryPublisher inventory, TransactionalPublisher publisher)
            throws InterruptedException {
        long started = System.nanoTime();
        InventoryScanner.Snapshot snapshot = scanner.scan();
        InventoryPublisher.Result result = inventory.publish(snapshot, publisher);
        metrics.scanned(Duration.ofNanos(System.nanoTime() - started), inventory.knownTokens(), scanner.lastScanFailedUsers());
        LOG.info("inventory scanned org={} users={} tokens={} written={} removed={} complete={} skipped={} tookMs={}",
                config.organization(), snapshot.users().size(), snapshot.tokens().size(), result.written(),
                result.removed(), result.complete(), snapshot.skipped(),
                Duration.ofNanos(System.nanoTime() - started).toMillis());
        var coverage = coverageFinding(config.organization(), snapshot, clock.instant());
        if (coverage.isPresent()) {
            publishHealthFinding(publisher, coverage.get());
        }
    }

    /** Rule id of the pipeline-health finding ingest raises when an inventory scan could not list every user's PATs. */
    public static final String COVERAGE_RULE = "PIPELINE-COVERAGE-26";
    /** How many users a coverage finding names; the others are counted. */
    static final int COVERAGE_NAMED_USERS = 20;

    /**
     * The finding for an incomplete inventory scan, or empty when the scan listed everyone. An incomplete scan takes
     * no token of the users it missed as gone, which is safe but blind: their tokens' changes go unseen until a scan
     * lists them again. Its id is stable per organization and hour, so the same gap reported again within the hour
     * (a restart, a retry) is one finding.
     */
    static java.util.Optional<Finding> coverageFinding(String organization, InventoryScanner.Snapshot snapshot,
                                                       Instant now) {
        if (snapshot.complete()) {
            return java.util.Optional.empty();
        }
        Map<String, String> names = new HashMap<>();
        snapshot.users().forEach(user -> names.put(user.descriptor(),
                user.principalName() == null ? user.descriptor() : user.principalName()));
        List<String> failed = snapshot.failedUsers().stream().map(d -> names.getOrDefault(d, d)).sorted().toList();
        String named = String.join(", ", failed.subList(0, Math.min(failed.size(), COVERAGE_NAMED_USERS)))
                + (failed.size() > COVERAGE_NAMED_USERS ? " and " + (failed.size() - COVERAGE_NAMED_USERS) + " more" : "");
        var evidence = new java.util.LinkedHashMap<String, String>();
        evidence.put("failedUsers", Integer.toString(failed.size()));
        if (!failed.isEmpty()) {
            evidence.put("users", named);
        }
        if (!snapshot.usersComplete()) {
            evidence.put("graphUsers", "incomplete: some Graph users could not be read, so nobody is taken as removed");
        }
        if (snapshot.skipped() > 0) {
            evidence.put("unparseable", snapshot.skipped() + " users or tokens ADO returned could not be read");
        }
        evidence.put("effect", "no disappeared events for them; their tokens' changes are unseen");
        evidence.put("check", "ingest's log names each failed listing and its error; the next scan asks again");
        String summary = failed.isEmpty()
                ? "the PAT inventory scan of " + organization + " could not read every Graph user: nobody is taken as "
                        + "removed and the unread users' tokens are unseen"
                : "the PAT inventory scan of " + organization + " could not list the tokens of " + failed.size()
                        + (failed.size() == 1 ? " user (" : " users (") + named + "): no disappeared events for them; "
                        + "their tokens' changes are unseen";
        return java.util.Optional.of(new Finding(Finding.stableId(COVERAGE_RULE, organization,
                now.truncatedTo(java.time.temporal.ChronoUnit.HOURS).toString()), COVERAGE_RULE,
                "PAT inventory scan incomplete", Severity.MEDIUM, List.of("T1562.001"), organization,
                new FindingSubject(null, null, null, null), summary, evidence, snapshot.observedAt(), now, List.of()));
    }

    /** Rule id of the pipeline-health finding ingest raises when ADO refuses its credential. */
    public static final String CREDENTIAL_RULE = "PIPELINE-CREDENTIAL-20";

    /**
     * A rejected credential is a blind spot, not just a log line: one HIGH finding per episode goes to the findings
     * topic, so it reaches the SOC like any detection. Its id is stable per organization and hour, so a restart in
     * the same episode does not raise it twice.
     */
    private void reportCredentialRejected(TransactionalPublisher publisher, AdoAuthException e) {
        Instant now = clock.instant();
        var evidence = new java.util.LinkedHashMap<String, String>();
        evidence.put("status", Integer.toString(e.status()));
        evidence.put("credential", config.ado().describeCredential());
        evidence.put("effect", "no audit entries or inventory changes are read until ADO accepts the credential again");
        var finding = new Finding(Finding.stableId(CREDENTIAL_RULE, config.organization(),
                now.truncatedTo(java.time.temporal.ChronoUnit.HOURS).toString()), CREDENTIAL_RULE,
                "ADO rejected PATrol's credential", Severity.HIGH, List.of("T1562.008"), config.organization(),
                new FindingSubject(null, null, null, null), e.getMessage(), evidence, now, now, List.of());
        publishHealthFinding(publisher, finding);
    }

    /** Writes a pipeline-health finding to the findings topic; a Kafka failure is logged, not thrown. */
    private void publishHealthFinding(TransactionalPublisher publisher, Finding finding) {
        try {
            publisher.inTransaction(sender -> sender.send(Topics.FINDINGS, finding.id(), finding, finding.detectedAt()));
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        } catch (KafkaException kafka) {
            LOG.warn("could not write a pipeline-health finding org={} rule={} error={}", config.organization(),
                    finding.ruleId(), kafka.getMessage());
        }
    }

    /** Logs a problem at WARN once, then at DEBUG while it persists, so an outage does not flood the log. */
    private static String report(String lastProblem, String problem) {
        if (!problem.equals(lastProblem)) {
            LOG.warn("ingest problem: {}", problem);
        } else {
            LOG.debug("ingest problem persists: {}", problem);
        }
        return problem;
    }

    private AuditCheckpoint restoreCheckpoint(Map<String, Object> clientConfig, String prefix, String org) {
        var latest = new AtomicReference<AuditCheckpoint>();
        TopicReader.readToEnd(clientConfig, Topics.INGEST_CHECKPOINTS, prefix + Topics.INGEST_CHECKPOINTS.name(),
                (key, value) -> {
                    if (org.equals(key)) {
                        latest.set(value);
                    }
                });
        if (latest.get() != null) {
            return latest.get();
        }
        Instant start = clock.instant().minus(config.ingest().initialLookback());
        LOG.info("no checkpoint for org={}: first start reads back to {} (ingest.initialLookback)", org, start);
        // The planner subtracts the overlap from windowEnd; start the first window exactly at the lookback.
        return new AuditCheckpoint(org, start.plus(config.ingest().overlap()), Map.of());
    }

    private static Map<String, PersonalAccessToken> restoreTokens(Map<String, Object> clientConfig, String prefix, String org) {
        Map<String, PersonalAccessToken> tokens = new HashMap<>();
        TopicReader.readToEnd(clientConfig, Topics.TOKENS, prefix + Topics.TOKENS.name(), (key, value) -> {
            if (value == null) {
                tokens.remove(key);
            } else if (org.equals(value.organization())) {
                tokens.put(key, value);
            }
        });
        return tokens;
    }

    private void sleep(Duration duration) {
        try {
            closing.await(duration.toMillis(), TimeUnit.MILLISECONDS); // returns early when closing
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    /**
     * Stops after the current step: a poll in flight finishes (its HTTP calls have timeouts) and commits or aborts,
     * so a stop never leaves a transaction open. Only a step still running after 20 s is interrupted.
     */
    @Override
    public void close() {
        running = false;
        closing.countDown();
        if (worker != null) {
            try {
                worker.join(Duration.ofSeconds(20).toMillis());
                if (worker.isAlive()) {
                    LOG.warn("ingest did not stop within 20 s; interrupting it");
                    worker.interrupt();
                    worker.join(Duration.ofSeconds(10).toMillis());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
