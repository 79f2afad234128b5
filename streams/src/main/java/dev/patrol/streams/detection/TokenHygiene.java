package dev.patrol.streams.detection;

import dev.patrol.model.event.Finding;
import dev.patrol.model.event.FindingSubject;
import dev.patrol.model.event.OrgUser;
import dev.patrol.model.event.PersonalAccessToken;
import dev.patrol.model.event.Severity;
import dev.patrol.model.event.TokenLifecycleEvent;
import dev.patrol.model.json.JsonSerde;
import dev.patrol.streams.rules.RuleException;
import dev.patrol.streams.rules.RuleSettings;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.ValueAndTimestamp;

/**
 * PAT-HYGIENE-22: tokens in the inventory that are a risk by their shape, whoever uses them — full access
 * ({@code app_token}), global ({@code targetAccounts} null: these stop working on 2026-12-01, ado-api.md §8), a
 * lifetime above the configured maximum, expiring soon, an owner deleted in Entra, an owner removed from the
 * organization (ADO keeps such tokens, and they work again if access is restored).
 *
 * <p>Evaluated when a token record changes and again every {@code recheckEvery}, because "expiring soon" and "the
 * owner was deleted" become true without the token's listing changing. Each (token, reason) is reported once: the
 * store remembers what was reported, and a reason that clears and comes back is reported again. Severities per reason
 * are rule data ({@code severities: [global=medium, ...]}).
 */
public final class TokenHygiene implements Detection {

    public static final String RULE_ID = "PAT-HYGIENE-22";
    /** The users global table's store; any processor may read a global store by name. */
    public static final String USERS_STORE = "users-global-store";
    /** Microsoft's retirement date for global PATs (ado-api.md §8): a fact, not a setting. */
    public static final LocalDate GLOBAL_PAT_RETIREMENT = LocalDate.of(2026, 12, 1);

    /** Why a token is reported; the name is the key used in the rule file's {@code severities}. */
    public enum Reason {
        FULL_SCOPE("fullScope"), GLOBAL("global"), LONG_LIFETIME("lifetime"), EXPIRING("expiring"),
        OWNER_DELETED("ownerDeleted"), OWNER_REMOVED("ownerRemoved");

        final String key;

        Reason(String key) {
            this.key = key;
        }
    }

    /** What the store keeps per token: the last record and the reasons already reported, as their window keys. */
    public record Tracked(PersonalAccessToken token, List<String> reported) {
        public Tracked {
            reported = reported == null ? List.of() : List.copyOf(reported);
        }
    }

    /** One reason found for one token, with its window key (what makes a repeat the same finding). */
    record Issue(Reason reason, String windowKey, String text) {
    }

    @Override
    public String id() {
        return RULE_ID;
    }

    @Override
    public String prefix() {
        return "hygiene";
    }

    @Override
    public KStream<String, Finding> build(DetectionInputs inputs, RuleSettings rule) {
        Duration maxLifetime = rule.duration("maxLifetime", Duration.ofDays(180));
        Duration expiringWithin = rule.duration("expiringWithin", Duration.ofDays(7));
        Duration recheckEvery = rule.duration("recheckEvery", Duration.ofHours(1));
        Map<Reason, Severity> severities = severities(rule);
        Clock clock = inputs.clock();
        String store = prefix() + "-tokens-store";
        StoreBuilder<KeyValueStore<String, Tracked>> storeBuilder = Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(store), Serdes.String(), JsonSerde.of(Tracked.class));
        inputs.builder().addStateStore(storeBuilder);
        var policy = new Policy(rule, maxLifetime, expiringWithin, severities);

        KStream<String, Finding> fromInventory = inputs.tokens().toStream(Named.as(prefix() + "-token-changes"))
                .process(() -> new Processor<String, PersonalAccessToken, String, Finding>() {
                    private ProcessorContext<String, Finding> context;
                    private KeyValueStore<String, Tracked> tracked;
                    private KeyValueStore<String, Object> users;

                    @Override
                    public void init(ProcessorContext<String, Finding> context) {
                        this.context = context;
                        this.tracked = context.getStateStore(store);
                        this.users = context.getStateStore(USERS_STORE);
                        context.schedule(recheckEvery, PunctuationType.WALL_CLOCK_TIME, now -> recheckAll());
                    }

                    @Override
                    public void process(Record<String, PersonalAccessToken> record) {
                        if (record.value() == null) {
                            tracked.delete(record.key()); // gone from the inventory; OWNER_REMOVED comes separately
                            return;
                        }
                        Tracked before = tracked.get(record.key());
                        evaluate(record.key(), new Tracked(record.value(), before == null ? List.of() : before.reported()));
                    }

                    private void recheckAll() {
                        List<org.apache.kafka.streams.KeyValue<String, Tracked>> all = new ArrayList<>();
                        try (var iterator = tracked.all()) {
                            iterator.forEachRemaining(all::add);
                        }
                        all.forEach(entry -> evaluate(entry.key, entry.value));
                    }

                    private void evaluate(String key, Tracked state) {
                        Instant now = clock.instant();
                        List<Issue> issues = policy.issues(state.token(), ownerDeleted(state.token()), now);
                        List<String> current = issues.stream().map(Issue::windowKey).toList();
                        for (Issue issue : issues) {
                            if (!state.reported().contains(issue.windowKey())) {
                                context.forward(new Record<>(key + "|" + issue.reason().key,
                                        policy.finding(state.token(), issue, state.token().observedAt(), now), now.toEpochMilli()));
                            }
                        }
                        // Forget reasons that no longer hold, so they are reported again if they return.
                        tracked.put(key, new Tracked(state.token(), current));
                    }

                    private boolean ownerDeleted(PersonalAccessToken token) {
                        Object value = users.get(OrgUser.key(token.organization(), token.owner().descriptor()));
                        if (value instanceof ValueAndTimestamp<?> stamped) {
                            value = stamped.value();
                        }
                        return value instanceof OrgUser user && Boolean.TRUE.equals(user.user().isDeletedInOrigin());
                    }
                }, Named.as(prefix() + "-evaluate"), store);

        KStream<String, Finding> ownerRemoved = inputs.lifecycle()
                .filter((id, event) -> event.kind() == TokenLifecycleEvent.Kind.OWNER_REMOVED && event.before() != null
                        && !rule.allowlist().allows(event.before().owner().principalName(), id, null),
                        Named.as(prefix() + "-owner-removed-only"))
                .map((id, event) -> {
                    var issue = new Issue(Reason.OWNER_REMOVED, "ownerRemoved@" + event.observedAt(),
                            "its owner was removed from the organization; ADO keeps the token, and it works again if"
                                    + " the owner's access is restored");
                    return org.apache.kafka.streams.KeyValue.pair(id + "|" + Reason.OWNER_REMOVED.key,
                            policy.finding(event.before(), issue, event.observedAt(), clock.instant()));
                }, Named.as(prefix() + "-owner-removed-finding"));

        return fromInventory.merge(ownerRemoved, Named.as(prefix() + "-merge"));
    }

    private static Map<Reason, Severity> severities(RuleSettings rule) {
        Map<Reason, Severity> out = new EnumMap<>(Reason.class);
        for (Reason reason : Reason.values()) {
            out.put(reason, rule.severity());
        }
        for (String pair : rule.list("severities", List.of())) {
            String[] parts = pair.split("=", 2);
            Reason reason = parts.length == 2 ? byKey(parts[0].trim()) : null;
            Severity severity = parts.length == 2 ? severity(parts[1].trim()) : null;
            if (reason == null || severity == null) {
                throw new RuleException("rule " + rule.id() + ": severities entry '" + pair + "' is not <reason>=<severity>"
                        + " with a reason among " + java.util.Arrays.stream(Reason.values()).map(r -> r.key).toList());
            }
            out.put(reason, severity);
        }
        return out;
    }

    private static Severity severity(String text) {
        try {
            return Severity.valueOf(text.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static Reason byKey(String key) {
        for (Reason reason : Reason.values()) {
            if (reason.key.equalsIgnoreCase(key)) {
                return reason;
            }
        }
        return null;
    }

    /** The pure part: which reasons hold for a token at a time, and the finding for one. */
    record Policy(RuleSettings rule, Duration maxLifetime, Duration expiringWithin, Map<Reason, Severity> severities) {

        List<Issue> issues(PersonalAccessToken pat, boolean ownerDeleted, Instant now) {
            var token = pat.token();
            boolean ended = !token.isValid() || (token.validTo() != null && !token.validTo().isAfter(now));
            if (ended || rule.allowlist().allows(pat.owner().principalName(), pat.authorizationId(), null)) {
                return List.of();
            }
            List<Issue> issues = new ArrayList<>();
            if (token.fullScope()) {
                issues.add(new Issue(Reason.FULL_SCOPE, "fullScope", "it has full access (app_token): every scope in"
                        + " every project the owner can reach"));
            }
            if (token.global()) {
                Instant retirement = GLOBAL_PAT_RETIREMENT.atStartOfDay(ZoneOffset.UTC).toInstant();
                long days = Duration.between(now, retirement).toDays();
                issues.add(now.isBefore(retirement)
                        ? new Issue(Reason.GLOBAL, "global", "it is a global PAT (all accessible organizations), and"
                        + " global PATs stop working on " + GLOBAL_PAT_RETIREMENT + " (" + days + " day(s) left):"
                        + " whatever uses it breaks then unless it is replaced by an organization-scoped token")
                        : new Issue(Reason.GLOBAL, "global-retired", "it is a global PAT; global PATs stopped working on "
                        + GLOBAL_PAT_RETIREMENT + ", so it is dead weight to delete"));
            }
            if (token.validFrom() != null && token.validTo() != null
                    && Duration.between(token.validFrom(), token.validTo()).compareTo(maxLifetime) > 0) {
                long days = Duration.between(token.validFrom(), token.validTo()).toDays();
                issues.add(new Issue(Reason.LONG_LIFETIME, "lifetime@" + token.validTo(), "it lives " + days
                        + " days, above the maximum of " + maxLifetime.toDays() + " days"));
            }
            if (token.validTo() != null && Duration.between(now, token.validTo()).compareTo(expiringWithin) <= 0) {
                issues.add(new Issue(Reason.EXPIRING, "expiring@" + token.validTo(), "it expires on " + token.validTo()
                        + "; whatever uses it stops then unless it is renewed"));
            }
            if (ownerDeleted) {
                issues.add(new Issue(Reason.OWNER_DELETED, "ownerDeleted", "its owner is deleted or disabled in Entra;"
                        + " ADO invalidates such tokens within about an hour, so a use after that is an alarm"));
            }
            return issues;
        }

        Finding finding(PersonalAccessToken pat, Issue issue, Instant eventTime, Instant detectedAt) {
            var token = pat.token();
            String name = token.displayName() == null ? "-" : token.displayName();
            String owner = pat.owner().principalName() == null ? pat.owner().descriptor() : pat.owner().principalName();
            Evidence evidence = new Evidence()
                    .put("reason", issue.reason().key)
                    .put("authorizationId", pat.authorizationId())
                    .put("tokenName", name)
                    .put("owner", owner)
                    .put("scope", token.scope())
                    .put("global", Boolean.toString(token.global()))
                    .put("validFrom", token.validFrom())
                    .put("validTo", token.validTo());
            if (token.validFrom() != null && token.validTo() != null) {
                evidence.put("lifetimeDays", Duration.between(token.validFrom(), token.validTo()).toDays());
            }
            return Findings.about(rule, severities.get(issue.reason()), pat.organization(),
                    new FindingSubject(pat.authorizationId(), pat.owner().principalName(), null, null),
                    // The scan that listed the token as it is now: a reason that cleared and came back is new.
                    pat.authorizationId(), issue.windowKey() + "|" + pat.observedAt(),
                    "PAT '" + name + "' of " + owner + ": " + issue.text(), evidence, eventTime, detectedAt);
        }
    }
}
