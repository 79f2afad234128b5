package dev.patrol.streams.detection;

import dev.patrol.model.event.Finding;
import dev.patrol.model.event.Severity;
import dev.patrol.model.json.JsonSerde;
import dev.patrol.streams.rules.RuleSettings;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * PAT-CONCURRENT-05: one token used from at least {@code minAsns} ASNs or {@code minCities} cities within
 * {@code window} (30 min by default): one token, two places at once, is a copy in someone else's hands. More
 * distinct networks raise the severity (Elastic's fidelity tiers). Uses are per token, so the token-keyed input needs
 * no repartition; the recent uses of each token are kept in a store and pruned by event time.
 */
public final class ConcurrentNetworks implements Detection {

    public static final String RULE_ID = "PAT-CONCURRENT-05";

    /** One recent use of a token. */
    record RecentUse(Instant at, String ip, Long asn, String city, String entryId) {
    }

    /** A token's uses within the window. */
    record Recent(List<RecentUse> uses) {
        Recent {
            uses = List.copyOf(uses);
        }
    }

    @Override
    public String id() {
        return RULE_ID;
    }

    @Override
    public String prefix() {
        return "concurrent";
    }

    @Override
    public KStream<String, Finding> build(DetectionInputs inputs, RuleSettings rule) {
        Duration window = rule.duration("window", Duration.ofMinutes(30));
        long minAsns = rule.number("minAsns", 2, 2, 100);
        long minCities = rule.number("minCities", 2, 2, 100);
        String store = prefix() + "-recent-store";
        inputs.builder().addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(store),
                Serdes.String(), JsonSerde.of(Recent.class)));
        Clock clock = inputs.clock();
        return inputs.tokenUses()
                .filter((token, use) -> use.authorizationId() != null
                        && (use.use().network().asn() != null || use.use().network().city() != null),
                        Named.as(prefix() + "-with-network"))
                .processValues(() -> new FixedKeyProcessor<String, TokenUse, Finding>() {
                    private FixedKeyProcessorContext<String, Finding> context;
                    private KeyValueStore<String, Recent> recents;

                    @Override
                    public void init(FixedKeyProcessorContext<String, Finding> context) {
                        this.context = context;
                        this.recents = context.getStateStore(store);
                    }

                    @Override
                    public void process(FixedKeyRecord<String, TokenUse> record) {
                        TokenUse use = record.value();
                        Instant at = use.event().timestamp();
                        var network = use.use().network();
                        Recent previous = recents.get(record.key());
                        List<RecentUse> uses = new ArrayList<>();
                        if (previous != null) {
                            for (RecentUse recent : previous.uses()) {
                                // Keep what is inside the window around this event, either side (late arrivals).
                                if (Duration.between(recent.at(), at).abs().compareTo(window) <= 0
                                        && !recent.entryId().equals(use.event().id())) {
                                    uses.add(recent);
                                }
                            }
                        }
                        uses.add(new RecentUse(at, network.ip(), network.asn(), network.city(), use.event().id()));
                        recents.put(record.key(), new Recent(uses));

                        var asns = new TreeSet<String>();
                        var cities = new TreeSet<String>();
                        for (RecentUse recent : uses) {
                            if (recent.asn() != null) {
                                asns.add("AS" + recent.asn());
                            }
                            if (recent.city() != null) {
                                cities.add(recent.city());
                            }
                        }
                        boolean newAsn = network.asn() != null && uses.stream().filter(u -> Objects.equals(u.asn(), network.asn())).count() == 1;
                        boolean newCity = network.city() != null && uses.stream().filter(u -> Objects.equals(u.city(), network.city())).count() == 1;
                        // Report when this use is the one that adds a network, not on every later use.
                        if (((asns.size() >= minAsns && newAsn) || (cities.size() >= minCities && newCity))
                                && !rule.allowlist().allows(use.event().actor().userPrincipalName(), use.authorizationId(), network.ip())) {
                            context.forward(record.withValue(finding(rule, use, asns, cities, window, minAsns, clock)));
                        }
                    }
                }, Named.as(prefix() + "-detect"), store);
    }

    private static Finding finding(RuleSettings rule, TokenUse use, TreeSet<String> asns, TreeSet<String> cities,
                                   Duration window, long minAsns, Clock clock) {
        Severity severity = asns.size() > minAsns || cities.size() > 2 ? Findings.raise(rule.severity()) : rule.severity();
        String summary = Findings.describeToken(use) + " of " + Findings.who(use) + " was used from " + asns.size()
                + " networks and " + cities.size() + " cities within " + window.toMinutes() + " min, latest "
                + use.event().actionId() + " from " + Findings.where(use);
        return Findings.of(rule, severity, use.event(), Findings.subject(use), use.authorizationId(), use.event().id(),
                summary, Evidence.of(use).put("asnsInWindow", String.join(", ", asns))
                        .put("citiesInWindow", String.join(", ", cities)), clock.instant());
    }
}
