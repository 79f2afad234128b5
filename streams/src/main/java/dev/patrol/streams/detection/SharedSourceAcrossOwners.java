package dev.patrol.streams.detection;

import dev.patrol.model.event.Finding;
import dev.patrol.model.event.FindingSubject;
import dev.patrol.model.event.NetworkClass;
import dev.patrol.model.json.JsonSerde;
import dev.patrol.streams.rules.RuleSettings;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * IP-MULTI-IDENT-15: one source address using the tokens of at least {@code minOwners} different people within
 * {@code window}: someone trying a batch of leaked tokens. Corporate, VPN-egress and trusted sources are skipped:
 * behind a NAT many people share one address legitimately.
 */
public final class SharedSourceAcrossOwners implements Detection {

    public static final String RULE_ID = "IP-MULTI-IDENT-15";
    private static final Set<NetworkClass> SKIPPED = Set.of(NetworkClass.CORPORATE, NetworkClass.VPN_EGRESS,
            NetworkClass.TRUSTED_ASN, NetworkClass.MISSING, NetworkClass.INVALID);

    /** Owners seen from one source, with when each was last seen there. */
    record SeenOwners(Map<String, Instant> lastSeen) {
        SeenOwners {
            lastSeen = Map.copyOf(lastSeen);
        }
    }

    @Override
    public String id() {
        return RULE_ID;
    }

    @Override
    public String prefix() {
        return "multiident";
    }

    @Override
    public KStream<String, Finding> build(DetectionInputs inputs, RuleSettings rule) {
        Duration window = rule.duration("window", Duration.ofHours(1));
        long minOwners = rule.number("minOwners", 3, 2, 1000);
        String store = prefix() + "-owners-store";
        inputs.builder().addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(store),
                Serdes.String(), JsonSerde.of(SeenOwners.class)));
        Clock clock = inputs.clock();
        return inputs.tokenUses()
                .filter((token, use) -> !SKIPPED.contains(use.use().network().networkClass()),
                        Named.as(prefix() + "-outside-only"))
                .selectKey((token, use) -> use.use().network().ip(), Named.as(prefix() + "-key-by-source"))
                .repartition(Repartitioned.<String, TokenUse>as(prefix() + "-by-source")
                        .withKeySerde(Serdes.String()).withValueSerde(JsonSerde.of(TokenUse.class)))
                .processValues(() -> new FixedKeyProcessor<String, TokenUse, Finding>() {
                    private FixedKeyProcessorContext<String, Finding> context;
                    private KeyValueStore<String, SeenOwners> owners;

                    @Override
                    public void init(FixedKeyProcessorContext<String, Finding> context) {
                        this.context = context;
                        this.owners = context.getStateStore(store);
                    }

                    @Override
                    public void process(FixedKeyRecord<String, TokenUse> record) {
                        TokenUse use = record.value();
                        Instant at = use.event().timestamp();
                        String owner = Owners.of(use);
                        SeenOwners previous = owners.get(record.key());
                        Map<String, Instant> seen = new HashMap<>();
                        if (previous != null) {
                            previous.lastSeen().forEach((o, last) -> {
                                if (Duration.between(last, at).abs().compareTo(window) <= 0) {
                                    seen.put(o, last);
                                }
                            });
                        }
                        boolean newOwner = !seen.containsKey(owner);
                        seen.merge(owner, at, (a, b) -> a.isAfter(b) ? a : b);
                        owners.put(record.key(), new SeenOwners(seen));
                        if (newOwner && seen.size() >= minOwners
                                && !rule.allowlist().allows(null, null, use.use().network().ip())) {
                            context.forward(record.withValue(finding(rule, use, new TreeSet<>(seen.keySet()), window, clock)));
                        }
                    }
                }, Named.as(prefix() + "-detect"), store);
    }

    private static Finding finding(RuleSettings rule, TokenUse use, TreeSet<String> owners, Duration window, Clock clock) {
        String ip = use.use().network().ip();
        String summary = "tokens of " + owners.size() + " different people were used from " + Findings.where(use)
                + " within " + window.toMinutes() + " min, latest " + Findings.describeToken(use) + " of "
                + Findings.who(use) + " doing " + use.event().actionId();
        // The subject is the source, not one token: the finding is about who is behind that address.
        var subject = new FindingSubject(null, null, null, ip);
        return Findings.of(rule, rule.severity(), use.event(), subject, "ip:" + ip, use.event().id(), summary,
                Evidence.of(use).put("ownersInWindow", Integer.toString(owners.size()))
                        .put("owners", String.join(", ", owners)), clock.instant());
    }
}
