package dev.patrol.streams.detection;

import dev.patrol.model.event.Finding;
import dev.patrol.model.event.NetworkClass;
import dev.patrol.model.event.Severity;
import dev.patrol.model.json.JsonSerde;
import dev.patrol.streams.rules.RuleSettings;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * First-seen network attribute (ASN, country) per token and per owner: "new terms" over a history that forgets
 * what it has not seen for {@code historyTtl}. Nothing is reported during a subject's {@code learningPeriod} (from
 * the first use PATrol saw), so a fresh deployment does not report every token's first day as news.
 *
 * <p>State is kept per owner, with the owner's tokens inside, so one partitioning (by owner) serves both keys: a
 * token's use is new for the token, and possibly for its owner too, which raises the severity one step. Uses from the
 * corporate network, VPN egress or trusted ASNs are learnt but never reported.
 */
abstract class FirstSeenNetwork implements Detection {

    /** What has been seen of one subject: when PATrol first saw it, and each value with when it was last seen. */
    record History(Instant firstSeen, Map<String, Instant> values) {
        History {
            values = Map.copyOf(values);
        }

        static History start(Instant at) {
            return new History(at, Map.of());
        }

        History seen(String value, Instant at, Duration ttl) {
            Map<String, Instant> next = new HashMap<>();
            values.forEach((v, last) -> {
                if (!last.isBefore(at.minus(ttl))) {
                    next.put(v, last);
                }
            });
            next.merge(value, at, (a, b) -> a.isAfter(b) ? a : b);
            return new History(firstSeen.isBefore(at) ? firstSeen : at, next);
        }

        boolean knows(String value, Instant at, Duration ttl) {
            Instant last = values.get(value);
            return last != null && !last.isBefore(at.minus(ttl));
        }
    }

    /** An owner's history and the histories of the tokens they used. */
    record OwnerState(History owner, Map<String, History> tokens) {
        OwnerState {
            tokens = Map.copyOf(tokens);
        }
    }

    private static final Set<NetworkClass> NEVER_REPORTED = Set.of(NetworkClass.CORPORATE, NetworkClass.VPN_EGRESS,
            NetworkClass.TRUSTED_ASN, NetworkClass.MISSING, NetworkClass.INVALID, NetworkClass.PRIVATE);

    /** The attribute this detection tracks, or null when the use has none (no GeoIP data). */
    abstract String attribute(TokenUse use);

    /** How the attribute reads in a summary, e.g. "AS1136 (KPN)" or "country NL". */
    abstract String describe(TokenUse use);

    @Override
    public KStream<String, Finding> build(DetectionInputs inputs, RuleSettings rule) {
        Duration learning = rule.duration("learningPeriod", Duration.ofDays(14));
        Duration ttl = rule.duration("historyTtl", Duration.ofDays(90));
        String store = prefix() + "-history-store";
        inputs.builder().addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(store),
                Serdes.String(), JsonSerde.of(OwnerState.class)));
        Clock clock = inputs.clock();
        return inputs.tokenUsesByOwner().get()
                .filter((owner, use) -> attribute(use) != null, Named.as(prefix() + "-with-attribute"))
                .processValues(() -> new FixedKeyProcessor<String, TokenUse, Finding>() {
                    private FixedKeyProcessorContext<String, Finding> context;
                    private KeyValueStore<String, OwnerState> states;

                    @Override
                    public void init(FixedKeyProcessorContext<String, Finding> context) {
                        this.context = context;
                        this.states = context.getStateStore(store);
                    }

                    @Override
                    public void process(FixedKeyRecord<String, TokenUse> record) {
                        TokenUse use = record.value();
                        Instant at = use.event().timestamp();
                        String value = attribute(use);
                        String tokenKey = use.authorizationId() == null ? "none" : use.authorizationId();
                        OwnerState state = states.get(record.key());
                        History owner = state == null ? History.start(at) : state.owner();
                        History token = state == null ? null : state.tokens().get(tokenKey);
                        if (token == null) {
                            token = History.start(at);
                        }
                        boolean newForToken = !token.knows(value, at, ttl);
                        boolean newForOwner = !owner.knows(value, at, ttl);
                        boolean learnt = !at.isBefore(token.firstSeen().plus(learning));
                        boolean reportable = !NEVER_REPORTED.contains(use.use().network().networkClass())
                                && !rule.allowlist().allows(use.event().actor().userPrincipalName(),
                                use.authorizationId(), use.use().network().ip());

                        Map<String, History> tokens = new HashMap<>(state == null ? Map.of() : state.tokens());
                        tokens.put(tokenKey, token.seen(value, at, ttl));
                        states.put(record.key(), new OwnerState(owner.seen(value, at, ttl), tokens));

                        if (newForToken && learnt && reportable) {
                            context.forward(record.withValue(finding(rule, use, token, newForOwner, clock)));
                        }
                    }
                }, Named.as(prefix() + "-detect"), store)
                // Back to token keys so suppression and downstream partitioning stay per token.
                .selectKey((owner, finding) -> finding.subject().authorizationId() == null ? owner
                        : finding.subject().authorizationId(), Named.as(prefix() + "-key-by-token"));
    }

    private Finding finding(RuleSettings rule, TokenUse use, History tokenHistory, boolean newForOwner, Clock clock) {
        Severity severity = newForOwner ? Findings.raise(rule.severity()) : rule.severity();
        List<String> known = tokenHistory.values().keySet().stream().sorted().limit(10).toList();
        String summary = Findings.describeToken(use) + " of " + Findings.who(use) + " was used from " + describe(use)
                + " for the first time" + (newForOwner ? " (also new for its owner)" : "") + ": "
                + use.event().actionId() + " from " + Findings.where(use);
        String subjectKey = use.authorizationId() != null ? use.authorizationId() : Owners.of(use);
        return Findings.of(rule, severity, use.event(), Findings.subject(use), subjectKey, attribute(use), summary,
                Evidence.of(use).put("newFor", newForOwner ? "token and owner" : "token")
                        .put("previously", known.isEmpty() ? "nothing (first use after learning)" : String.join(", ", known))
                        .put("trackedSince", tokenHistory.firstSeen()), clock.instant());
    }
}
