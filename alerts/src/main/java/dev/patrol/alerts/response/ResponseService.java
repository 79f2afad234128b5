package dev.patrol.alerts.response;

import dev.patrol.alerts.response.TokenCase.Phase;
import dev.patrol.model.config.ConfigException;
import dev.patrol.model.config.PatrolConfig;
import dev.patrol.model.config.ResponseSettings;
import dev.patrol.model.event.Finding;
import dev.patrol.model.event.PersonalAccessToken;
import dev.patrol.model.event.ResponseAction;
import dev.patrol.model.event.ResponseAction.Kind;
import dev.patrol.model.event.ResponseAction.Status;
import dev.patrol.model.topic.TopicCreator;
import dev.patrol.model.topic.Topics;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The revocation playbook of the alerts service.
 *
 * <p>For each finding ({@link #onFinding}) it asks the {@link ResponsePolicy} whether the finding's token may be
 * revoked and how: automatically, or after a person approves on a signed, expiring link that the alert carries
 * ({@link ResponseNote#approvalUrl()}). Revocation is one {@code POST .../_apis/tokenadmin/revocations} per token; an
 * inventory scan that later lists the token with {@code isValid: false} verifies it. Every decision and outcome is a
 * {@link ResponseAction} in the actions topic, written before anything is acted on; the topic is read back at start and
 * is the playbook's only state, so duplicate findings and restarts never revoke a token twice, and an approved
 * revocation interrupted by a restart is carried out after it. {@link ResponseListener} hears of each action, for
 * follow-ups on the alert.
 *
 * <p>Nothing is revoked unless the policy says {@code dryRun: false}; allowlisted tokens and owners are never revoked;
 * an hourly cap per organization bounds the damage of a bad rule. One instance per organization and actions topic:
 * two alerts instances sharing a topic would each act on what they have not yet read from the other.
 *
 * <pre>{@code
 * try (var response = new ResponseService(config, listener).start()) {
 *     ResponseNote note = response.onFinding(finding);   // before the alert is sent: it may carry a link
 * }
 * }</pre>
 */
public final class ResponseService implements AutoCloseable {

    /** {@code decidedBy} of automatic decisions and of what PATrol does on its own. */
    public static final String POLICY = "policy";

    private static final Logger LOG = LoggerFactory.getLogger(ResponseService.class);
    private static final Pattern ORGANIZATION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
    private static final Pattern GUID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(30);
    /** How long an approver's browser waits for the revocation's outcome before the page says "under way". */
    private static final Duration DECISION_WAIT = Duration.ofSeconds(15);
    private static final Duration NOTICE_TIMEOUT = Duration.ofSeconds(10);
    private static final int RECENT_FINDINGS = 10_000;
    private static final int MAX_SUMMARY = 300;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private final PatrolConfig config;
    private final ResponseSettings settings;
    private final ResponsePolicy policy;
    private final ResponseListener listener;
    private final Clock clock;
    private final Optional<TokenRevoker> revoker;
    private final Optional<OwnerNotifier> notifier;
    private final Optional<LinkSigner> signer;
    private final String actionsTopic;
    private final String tokensTopic;
    private final ApprovalDesk desk = new Desk();

    private final Object lock = new Object();
    /** Guarded by {@link #lock}, like the two maps below. */
    private final ActionLedger ledger;
    /** The latest inventory record per token: owners and scopes for the policy and the notices. */
    private final Map<String, PersonalAccessToken> inventory = new HashMap<>();
    /** Findings seen by this process, for the approval page; after a restart the audit trail's summary stands in. */
    private final Map<String, Finding> recentFindings = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Finding> eldest) {
            return size() > RECENT_FINDINGS;
        }
    };

    private KafkaProducer<String, ResponseAction> producer;
    private ExecutorService worker;
    private ExecutorService notifications;
    private InventoryWatcher watcher;
    private ApprovalServer server;
    private volatile boolean running;

    /**
     * Loads and checks the policy and what it needs (signing key, PAT, notice URL); starts nothing.
     *
     * @throws ConfigException with a one-line message when the policy or the settings it needs are wrong
     */
    public ResponseService(PatrolConfig config, ResponseListener listener) {
        this(config, listener, Clock.systemUTC(), Optional.empty());
    }

    ResponseService(PatrolConfig config, ResponseListener listener, Clock clock, Optional<TokenRevoker> revokerOverride) {
        this.config = config;
        this.settings = config.response();
        this.listener = listener;
        this.clock = clock;
        this.policy = ResponsePolicy.load(settings.policyFile());
        if (policy.needsApprovalLinks() && settings.linkSigningKey().isEmpty()) {
            throw new ConfigException("response policy " + policy.source() + ": its approval rules need signed links, "
                    + "but there is no link signing key in " + settings.linkSigningKeySource() + " (at least "
                    + ResponseSettings.MIN_KEY_LENGTH + " characters, e.g. from: openssl rand -base64 32)");
        }
        if (!policy.dryRun() && !policy.rules().isEmpty() && revokerOverride.isEmpty() && config.ado().pat().isEmpty()) {
            throw new ConfigException("response policy " + policy.source() + ": dryRun is false, so it revokes, but there "
                    + "is no ADO PAT in " + config.ado().patSource() + " (it needs the Token administration permission)");
        }
        if (policy.notifyOwner() != OwnerNoticeTiming.NEVER && settings.ownerNoticeUrl().isEmpty()) {
            throw new ConfigException("response policy " + policy.source() + ": notifyOwner is "
                    + policy.notifyOwner().name().toLowerCase(Locale.ROOT) + " but response.ownerNoticeUrl is not set");
        }
        this.revoker = revokerOverride.or(() -> config.ado().pat().map(pat ->
                new AdoTokenRevoker(config.ado().vsspsBaseUrl(), pat, config.ado().requestTimeout())));
        this.notifier = settings.ownerNoticeUrl().map(url -> new OwnerNotifier(url, NOTICE_TIMEOUT));
        this.signer = settings.linkSigningKey().map(LinkSigner::new);
        String prefix = config.kafka().topicPrefix();
        this.actionsTopic = prefix + Topics.ACTIONS.name();
        this.tokensTopic = prefix + Topics.TOKENS.name();
        this.ledger = new ActionLedger(new HourlyCap(policy.capPerHour()));
    }

    /**
     * Creates the actions topic if missing, restores the playbook's state from it, starts the approval page (when a
     * signing key is configured), follows the inventory, and carries out revocations approved before a restart.
     */
    public ResponseService start() {
        Map<String, Object> client = config.kafka().clientConfig();
        try (Admin admin = Admin.create(client)) {
            TopicCreator.ensure(admin, List.of(Topics.ACTIONS), config.kafka().topicPrefix());
        }
        long restored;
        synchronized (lock) {
            restored = TopicReplay.readToEnd(client, Topics.ACTIONS, actionsTopic, (key, action) -> ledger.apply(action));
        }
        producer = new KafkaProducer<>(producerConfig(client), Topics.ACTIONS.keySerde().serializer(),
                Topics.ACTIONS.valueSerde().serializer());
        worker = Executors.newSingleThreadExecutor(named("patrol-response-worker"));
        notifications = Executors.newSingleThreadExecutor(named("patrol-response-listener"));
        running = true;
        if (signer.isPresent()) {
            server = ApprovalServer.start(settings.bindAddress(), settings.port(), settings.publicBaseUrl(), signer.get(),
                    desk, clock, settings.approverHeader());
        }
        watcher = new InventoryWatcher(client, tokensTopic, this::onInventory).start();
        List<TokenCase> due;
        synchronized (lock) {
            due = ledger.approvedNotRevoked();
        }
        due.forEach(c -> worker.execute(() -> execute(c.authorizationId())));
        LOG.info("response started policy={} dryRun={} rules={} capPerHour={} notifyOwner={} approvalPage={} "
                        + "restoredActions={} resumedRevocations={}", policy.source(), policy.dryRun(), policy.rules().size(),
                policy.capPerHour(), policy.notifyOwner(), server == null ? "-" : server.publicBaseUrl(), restored,
                due.size());
        return this;
    }

    public ResponsePolicy policy() {
        return policy;
    }

    /** Where the approval page is reached (the base of every approval link); empty without a signing key. */
    public Optional<URI> approvalBaseUrl() {
        return Optional.ofNullable(server).map(ApprovalServer::publicBaseUrl);
    }

    /**
     * Applies the policy to one finding and records what it decided; idempotent, so a finding delivered twice (or
     * again after a restart) gets the same note and no second action. Thread-safe: several delivery lanes may ask
     * about the same finding, and whichever comes first decides; the others get the same note (and link). Returns
     * quickly: the revocation call runs on the playbook's own thread.
     *
     * @return what to tell people in the alert, possibly with the approval link; {@link ResponseNote#none()} when the
     *         policy has nothing to do with the finding
     * @throws ResponseUnavailableException when the decision cannot be recorded in the actions topic; nothing was done
     *                                      then, and the finding should be offered again later
     */
    /** A finding this process has seen recently, for follow-ups on its alert. */
    public Optional<Finding> recentFinding(String findingId) {
        synchronized (lock) {
            return Optional.ofNullable(recentFindings.get(findingId));
        }
    }

    public ResponseNote onFinding(Finding finding) {
        if (!running) {
            throw new IllegalStateException("response service is not running");
        }
        Optional<String> authorizationId = TokenFacts.authorizationIdOf(finding);
        if (authorizationId.isEmpty()) {
            return ResponseNote.none(); // a user- or address-level finding: no single token to revoke
        }
        String id = authorizationId.get();
        if (!GUID.matcher(id).matches() || !ORGANIZATION.matcher(finding.organization()).matches()) {
            LOG.warn("finding not eligible for response: malformed authorizationId or organization findingId={}",
                    finding.id());
            return ResponseNote.none();
        }
        synchronized (lock) {
            recentFindings.put(finding.id(), finding);
            Instant now = clock.instant();
            Optional<TokenCase> existing = ledger.get(id);
            if (ledger.seen(finding.id())) {
                return noteFor(existing, now);
            }
            TokenFacts facts = TokenFacts.of(finding, id, Optional.ofNullable(inventory.get(id)));
            PolicyDecision decision = policy.evaluate(finding, facts);
            // An automatic decision supersedes a pending approval (one the cap turned an automatic revocation into).
            boolean automatic = decision.outcome() == PolicyDecision.Outcome.AUTOMATIC;
            if (existing.filter(c -> active(c, now, automatic)).isPresent()) {
                return noteFor(existing, now);
            }
            switch (decision.outcome()) {
                case NOT_ELIGIBLE -> {
                    LOG.debug("finding not covered by the response policy findingId={} rule={}", finding.id(),
                            finding.ruleId());
                    return ResponseNote.none();
                }
                case ALLOWLISTED -> record(action(finding.id(), finding.organization(), id, Kind.REVOKE_TOKEN,
                        Status.SKIPPED_ALLOWLIST, POLICY, decision.reason()));
                case AUTOMATIC -> automatic(finding, id, facts, decision, now);
                case APPROVAL -> propose(finding, id, decision.reason());
            }
            return noteFor(ledger.get(id), now);
        }
    }

    /** Whether a token's round still stands, so a new finding about it changes nothing. */
    private boolean active(TokenCase c, Instant now, boolean automatic) {
        return switch (c.phase()) {
            case APPROVED, REVOKED, VERIFIED -> true;
            case PENDING_APPROVAL -> !automatic && c.approvalOpen(now, settings.linkTtl());
            case DRY_RUN -> policy.dryRun();
            default -> false;
        };
    }

    private void automatic(Finding finding, String id, TokenFacts facts, PolicyDecision decision, Instant now) {
        String org = finding.organization();
        HourlyCap cap = ledger.cap();
        if (cap.full(org, now, ledger.approvedNotRevoked(org))) {
            record(action(finding.id(), org, id, Kind.REVOKE_TOKEN, Status.SKIPPED_CAP, POLICY,
                    "automatic revocation skipped: " + capReached(org, now) + "; " + decision.reason()));
            if (signer.isPresent()) {
                propose(finding, id, "offered for approval because the hourly cap stopped the automatic revocation; "
                        + decision.reason());
            }
            return;
        }
        if (policy.dryRun()) {
            record(action(finding.id(), org, id, Kind.REVOKE_TOKEN, Status.DRY_RUN, POLICY,
                    "dry run: would revoke automatically; " + decision.reason()));
            if (policy.notifyOwner() != OwnerNoticeTiming.NEVER) {
                record(action(finding.id(), org, id, Kind.NOTIFY_OWNER, Status.DRY_RUN, POLICY, "dry run: would send a "
                        + timing(policy.notifyOwner()) + " notice to " + facts.ownerPrincipalName().orElse("the owner")));
            }
            return;
        }
        record(action(finding.id(), org, id, Kind.REVOKE_TOKEN, Status.APPROVED, POLICY,
                "automatic revocation; " + decision.reason()));
        worker.execute(() -> execute(id));
    }

    private void propose(Finding finding, String id, String why) {
        if (signer.isEmpty()) {
            return;
        }
        String summary = finding.summary().length() > MAX_SUMMARY
                ? finding.summary().substring(0, MAX_SUMMARY) + " …" : finding.summary();
        String reason = "awaiting approval; " + why + " | " + finding.ruleId() + " ("
                + finding.severity().name().toLowerCase(Locale.ROOT) + ") " + finding.title() + ": " + summary;
        // The PROPOSED action's id is the approval id the link carries.
        record(new ResponseAction(UUID.randomUUID().toString(), finding.id(), finding.organization(), id,
                Kind.REVOKE_TOKEN, Status.PROPOSED, POLICY, reason, clock.instant()));
    }

    /** Carries out an approved revocation: on the worker thread, one at a time. */
    private void execute(String id) {
        TokenCase c;
        boolean dryRun;
        Optional<OwnerNotice> before = Optional.empty();
        try {
            synchronized (lock) {
                Optional<TokenCase> current = ledger.get(id);
                if (!running || current.isEmpty() || current.get().phase() != Phase.APPROVED) {
                    return;
                }
                c = current.get();
                Instant now = clock.instant();
                if (ledger.cap().used(c.organization(), now) >= ledger.cap().limit()) {
                    record(follow(c, Kind.REVOKE_TOKEN, Status.SKIPPED_CAP,
                            "approved, but " + capReached(c.organization(), now) + " when the revocation was due"));
                    return;
                }
                dryRun = policy.dryRun();
                if (dryRun) {
                    record(follow(c, Kind.REVOKE_TOKEN, Status.DRY_RUN, "dry run: would call tokenadmin/revocations now"));
                    if (policy.notifyOwner() != OwnerNoticeTiming.NEVER) {
                        record(follow(c, Kind.NOTIFY_OWNER, Status.DRY_RUN, "dry run: would send a "
                                + timing(policy.notifyOwner()) + " notice to " + owner(c).orElse("the owner")));
                    }
                    return;
                }
                if (policy.notifyOwner() == OwnerNoticeTiming.BEFORE && !c.noticeBeforeDone()) {
                    before = notice(c, OwnerNoticeTiming.BEFORE);
                }
            }
            if (before.isPresent()) {
                sendNotice(c, before.get());
            }
            TokenRevoker.Result result = revoker.orElseThrow(() -> new IllegalStateException("no ADO credential"))
                    .revoke(c.organization(), id);
            Optional<OwnerNotice> after = Optional.empty();
            synchronized (lock) {
                record(follow(c, Kind.REVOKE_TOKEN, result.revoked() ? Status.REVOKED : Status.FAILED, result.revoked()
                        ? result.detail() + "; ADO may take up to an hour to enforce it; verified on the next inventory scan"
                        : result.detail()));
                if (result.revoked() && policy.notifyOwner() == OwnerNoticeTiming.AFTER) {
                    after = notice(ledger.get(id).orElse(c), OwnerNoticeTiming.AFTER);
                }
            }
            if (after.isPresent()) {
                sendNotice(c, after.get());
            }
        } catch (InterruptedException e) {
            // Closing mid-call: nothing recorded, so the approved revocation runs again after the next start.
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.error("revocation not carried out authorizationId={} error={}", id, e.getClass().getSimpleName(), e);
        }
    }

    /** The notice for a token's owner; when the owner is unknown, records that instead and returns empty. */
    private Optional<OwnerNotice> notice(TokenCase c, OwnerNoticeTiming timing) {
        Optional<String> owner = owner(c);
        if (owner.isEmpty()) {
            record(follow(c, Kind.NOTIFY_OWNER, Status.FAILED, "no " + timing(timing) + " notice: the owner is unknown "
                    + "(not in the inventory, not named by the finding)"));
            return Optional.empty();
        }
        Optional<Finding> finding = Optional.ofNullable(recentFindings.get(c.findingId()));
        Optional<String> tokenName = tokenName(c);
        String what = finding.map(f -> " in a way that matches \"" + f.title() + "\"").orElse(" in a way that looks like misuse");
        String token = tokenName.map(n -> "\"" + n + "\"").orElse(c.authorizationId());
        String message = "PATrol saw your personal access token " + token + what + ". "
                + (timing == OwnerNoticeTiming.BEFORE ? "It is about to be revoked." : "It has been revoked.")
                + " If this was you, tell your security team what you were doing. Either way, create a new token if you "
                + "still need one, and never share or publish it.";
        String noticeId = UUID.nameUUIDFromBytes((c.authorizationId() + "\n" + c.findingId() + "\n" + timing)
                .getBytes(StandardCharsets.UTF_8)).toString();
        return Optional.of(new OwnerNotice(OwnerNotice.TYPE, noticeId, timing(timing), c.organization(),
                c.authorizationId(), tokenName.orElse(null), owner.get(), c.findingId(),
                finding.map(Finding::ruleId).orElse(null), finding.map(Finding::title).orElse(null),
                finding.map(Finding::summary).orElse(null), clock.instant(), message));
    }

    private void sendNotice(TokenCase c, OwnerNotice notice) throws InterruptedException {
        OwnerNotifier sender = notifier.orElseThrow(() -> new IllegalStateException("no owner notice URL"));
        TokenRevoker.Result result = sender.send(notice);
        synchronized (lock) {
            // VERIFIED: the receiver confirmed it has the notice (the action statuses have no "sent").
            record(follow(c, Kind.NOTIFY_OWNER, result.revoked() ? Status.VERIFIED : Status.FAILED, notice.timing()
                    + ": " + result.detail()));
        }
    }

    /** Verifies revocations against each inventory record; called on the inventory watcher's thread. */
    private void onInventory(String id, PersonalAccessToken token, Instant recordTime) {
        synchronized (lock) {
            if (!running) {
                return;
            }
            if (token == null) {
                inventory.remove(id);
            } else {
                inventory.put(id, token);
            }
            Optional<TokenCase> current = ledger.get(id);
            if (current.isEmpty() || current.get().revokedAt().isEmpty()) {
                return;
            }
            TokenCase c = current.get();
            Instant revokedAt = c.revokedAt().get();
            // A FAILED case with a revocation time failed verification, not the call: a later scan may still verify it.
            if (c.phase() != Phase.REVOKED && c.phase() != Phase.FAILED) {
                return;
            }
            if (token == null) {
                if (recordTime.isAfter(revokedAt)) {
                    record(follow(c, Kind.REVOKE_TOKEN, Status.VERIFIED,
                            "the inventory no longer lists the token (scan after the revocation)"));
                }
            } else if (!token.token().isValid() && token.observedAt().isAfter(revokedAt)) {
                record(follow(c, Kind.REVOKE_TOKEN, Status.VERIFIED, "inventory scan at " + TIME.format(token.observedAt())
                        + " lists the token with isValid: false"));
            } else if (token.token().isValid() && c.phase() == Phase.REVOKED
                    && token.observedAt().isAfter(revokedAt.plus(settings.verifyWithin()))) {
                record(follow(c, Kind.REVOKE_TOKEN, Status.FAILED, "inventory scan at " + TIME.format(token.observedAt())
                        + " still lists the token as valid, more than " + settings.verifyWithin().toMinutes()
                        + " min after ADO accepted the revocation: revoke it by hand and check PATrol's PAT permissions"));
            }
        }
    }

    /** Writes the action to the actions topic, then applies it; the caller holds the lock. */
    private void record(ResponseAction action) {
        try {
            producer.send(new ProducerRecord<>(actionsTopic, action.authorizationId(), action))
                    .get(KAFKA_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new ResponseUnavailableException("actions topic " + actionsTopic + " not writable ("
                    + e.getCause().getClass().getSimpleName() + "); nothing was done", e.getCause());
        } catch (TimeoutException e) {
            throw new ResponseUnavailableException("actions topic " + actionsTopic + " did not acknowledge within "
                    + KAFKA_TIMEOUT.toSeconds() + " s; nothing was done", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ResponseUnavailableException("interrupted while recording a response action", e);
        }
        ledger.apply(action);
        LOG.info("response action kind={} status={} organization={} authorizationId={} findingId={} decidedBy={}",
                action.kind(), action.status(), action.organization(), action.authorizationId(), action.findingId(),
                action.decidedBy());
        try {
            notifications.execute(() -> {
                try {
                    listener.onAction(action);
                } catch (RuntimeException e) {
                    LOG.warn("response listener failed actionId={} error={}", action.id(), e.getClass().getSimpleName(), e);
                }
            });
        } catch (RejectedExecutionException e) {
            LOG.debug("response listener not told (closing) actionId={}", action.id());
        }
    }

    private ResponseAction action(String findingId, String organization, String id, Kind kind, Status status,
                                  String decidedBy, String reason) {
        return new ResponseAction(UUID.randomUUID().toString(), findingId, organization, id, kind, status, decidedBy,
                reason, clock.instant());
    }

    /** A later action in a token's round: same finding, same decision maker. */
    private ResponseAction follow(TokenCase c, Kind kind, Status status, String reason) {
        return action(c.findingId(), c.organization(), c.authorizationId(), kind, status,
                c.decidedBy().orElse(POLICY), reason);
    }

    private String capReached(String organization, Instant now) {
        return "the cap of " + ledger.cap().limit() + " revocations an hour in " + organization + " is reached"
                + ledger.cap().nextRoomAt(organization, now).map(t -> " (room again at " + TIME.format(t) + ")").orElse("");
    }

    private Optional<String> owner(TokenCase c) {
        return Optional.ofNullable(inventory.get(c.authorizationId())).map(t -> t.owner().principalName())
                .filter(s -> s != null && !s.isBlank())
                .or(() -> Optional.ofNullable(recentFindings.get(c.findingId())).map(f -> f.evidence().get("owner")))
                .filter(s -> s != null && !s.isBlank());
    }

    private Optional<String> tokenName(TokenCase c) {
        return Optional.ofNullable(inventory.get(c.authorizationId())).map(t -> t.token().displayName())
                .filter(s -> s != null && !s.isBlank())
                .or(() -> Optional.ofNullable(recentFindings.get(c.findingId())).map(f -> f.evidence().get("tokenName")))
                .filter(s -> s != null && !s.isBlank());
    }

    private static String timing(OwnerNoticeTiming timing) {
        return timing == OwnerNoticeTiming.BEFORE ? "before-revocation" : "after-revocation";
    }

    private Optional<ApprovalLink> link(TokenCase c) {
        if (signer.isEmpty() || c.approvalId().isEmpty() || c.proposedAt().isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(signer.get().sign(c.approvalId().get(), c.proposedAt().get().plus(settings.linkTtl())));
    }

    private ResponseNote noteFor(Optional<TokenCase> maybe, Instant now) {
        if (maybe.isEmpty()) {
            return ResponseNote.none();
        }
        TokenCase c = maybe.get();
        Status status = c.last().status();
        if (c.phase() == Phase.PENDING_APPROVAL && c.approvalOpen(now, settings.linkTtl()) && server != null) {
            Optional<ApprovalLink> link = link(c);
            if (link.isPresent()) {
                return new ResponseNote(Optional.of(status), Optional.of(link.get().uri(server.publicBaseUrl())),
                        Optional.of(link.get().expiresAt()), describe(c, now, false));
            }
        }
        return ResponseNote.of(status, describe(c, now, false));
    }

    /** One sentence on where a token stands, for the alert ({@code onPage} false) or the approval page. */
    private String describe(TokenCase c, Instant now, boolean onPage) {
        String by = c.decidedBy().orElse(POLICY);
        String when = c.decidedAt().map(TIME::format).orElse("");
        String dry = policy.dryRun() ? "Dry run: approving records what PATrol would do and revokes nothing. " : "";
        return switch (c.phase()) {
            case PENDING_APPROVAL -> {
                if (!c.approvalOpen(now, settings.linkTtl())) {
                    yield "The approval link expired before anyone decided; nothing was revoked.";
                }
                String capped = c.last().status() == Status.SKIPPED_CAP
                        ? "The hourly revocation cap held back the last approval: " + c.last().reason() + ". " : "";
                String expires = c.proposedAt().map(p -> TIME.format(p.plus(settings.linkTtl()))).orElse("");
                yield capped + dry + (onPage
                        ? "Waiting for a decision. Approving revokes the token in Azure DevOps at once."
                        : "Revoke this token? Approve or deny on the approval page (the link expires " + expires + ").");
            }
            case APPROVED -> "Revocation approved by " + by + " at " + when + "; PATrol is revoking the token now.";
            case REVOKED -> "Revoked by PATrol at " + c.revokedAt().map(TIME::format).orElse("") + ", decided by " + by
                    + ". ADO may take up to an hour to enforce it; the next inventory scan verifies it.";
            case VERIFIED -> "Revoked by PATrol, decided by " + by + "; an inventory scan confirms the token is no "
                    + "longer valid.";
            case DENIED -> "Revocation denied by " + by + " at " + when + ". The token was not revoked.";
            case FAILED -> "Revocation failed: " + c.last().reason();
            case ALLOWLISTED -> "Not revoked: " + c.last().reason() + ".";
            case CAPPED -> "Not revoked: " + c.last().reason() + ".";
            case DRY_RUN -> "Dry run: PATrol would have revoked this token, decided by " + by + "; nothing was revoked.";
        };
    }

    private ApprovalView viewOf(String approvalId, TokenCase c) {
        Instant now = clock.instant();
        boolean current = c.approvalId().equals(Optional.of(approvalId));
        boolean pending = current && c.approvalOpen(now, settings.linkTtl());
        String outcome = current ? describe(c, now, true)
                : "A newer approval replaced this one, or the token's case moved on: " + describe(c, now, true);
        return new ApprovalView(approvalId, c, current, pending, Optional.ofNullable(recentFindings.get(c.findingId())),
                tokenName(c), owner(c), outcome);
    }

    /** The approval page's access to the playbook. */
    private final class Desk implements ApprovalDesk {

        @Override
        public Optional<ApprovalView> view(String approvalId) {
            synchronized (lock) {
                return ledger.byApproval(approvalId).map(c -> viewOf(approvalId, c));
            }
        }

        @Override
        public Optional<Decision> decide(String approvalId, boolean approve, String decidedBy, String context) {
            Future<?> revocation = null;
            boolean applied;
            synchronized (lock) {
                Optional<TokenCase> found = ledger.byApproval(approvalId);
                if (found.isEmpty()) {
                    return Optional.empty();
                }
                TokenCase c = found.get();
                Instant now = clock.instant();
                applied = running && c.approvalId().equals(Optional.of(approvalId)) && c.approvalOpen(now, settings.linkTtl());
                if (applied) {
                    String org = c.organization();
                    if (!approve) {
                        record(action(c.findingId(), org, c.authorizationId(), Kind.REVOKE_TOKEN, Status.DENIED, decidedBy,
                                "denied " + context));
                    } else if (ledger.cap().full(org, now, ledger.approvedNotRevoked(org))) {
                        record(action(c.findingId(), org, c.authorizationId(), Kind.REVOKE_TOKEN, Status.SKIPPED_CAP,
                                decidedBy, "approved " + context + ", but " + capReached(org, now)
                                        + "; the approval stays open"));
                    } else {
                        record(action(c.findingId(), org, c.authorizationId(), Kind.REVOKE_TOKEN, Status.APPROVED,
                                decidedBy, "approved " + context));
                        String id = c.authorizationId();
                        revocation = worker.submit(() -> execute(id));
                    }
                }
            }
            if (revocation != null) {
                try {
                    revocation.get(DECISION_WAIT.toMillis(), TimeUnit.MILLISECONDS);
                } catch (TimeoutException | ExecutionException e) {
                    // the page says the revocation is under way; the listener hears the outcome
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            synchronized (lock) {
                return ledger.byApproval(approvalId).map(c -> new Decision(applied, viewOf(approvalId, c)));
            }
        }
    }

    private static Map<String, Object> producerConfig(Map<String, Object> client) {
        Map<String, Object> props = new HashMap<>(client);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) KAFKA_TIMEOUT.toMillis());
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) KAFKA_TIMEOUT.toMillis());
        props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        return props;
    }

    private static java.util.concurrent.ThreadFactory named(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }

    /** Stops the approval page, the inventory watcher and the worker (a revocation call in flight is cut short). */
    @Override
    public void close() {
        running = false;
        if (server != null) {
            server.close();
        }
        if (watcher != null) {
            watcher.close();
        }
        shutdown(worker, Duration.ofSeconds(10));
        shutdown(notifications, Duration.ofSeconds(5));
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
        LOG.info("response stopped");
    }

    private static void shutdown(ExecutorService executor, Duration grace) {
        if (executor == null) {
            return;
        }
        executor.shutdown();
        try {
            if (!executor.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                executor.shutdownNow();
                executor.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
