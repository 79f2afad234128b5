package dev.patrol.streams.detection;

import com.fasterxml.jackson.databind.JsonNode;
import dev.patrol.model.event.EnrichedAuditEvent;
import dev.patrol.model.event.Finding;
import dev.patrol.model.event.FindingSubject;
import dev.patrol.model.json.JsonSerde;
import dev.patrol.streams.rules.RuleSettings;
import java.time.Clock;
import java.time.Instant;
import java.util.Locale;
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
 * PAT-LEAKED-12: ADO found a PAT in a public GitHub repository ({@code Token.PatPublicDiscoveryEvent}): reported at
 * once; and any later use of that token is reported again, one step higher, since someone may have picked it up
 * before ADO's automatic revocation (which a tenant can turn off) took effect.
 *
 * <p>The discovery event does not name the token's authorizationId (ado-api.md §2: Token.* payloads carry the
 * token's display name and owner name), so discovery and use are matched by (owner, token name), case-insensitively,
 * against the inventory's view of each used token; the owner is tried by display name and by principal name, since
 * the payload's {@code OwnerName} is not documented to be either. A token renamed after the leak escapes the match:
 * the finding says how it matched.
 *
 * <p>Discoveries are rare and uses are most of the log, so the discoveries travel, not the uses: each discovery is
 * copied to every partition of {@code leaked-to-every-partition} (partitioned like {@code token-use-by-token}) and
 * remembered in the task that holds the uses, which then look their token's names up locally; the copy on partition
 * 0 is reported. (The first version
 * re-keyed every use by name, twice, one per owner name: a profile of the benchmark showed that repartition carrying
 * more records than the audit log itself.)
 */
public final class LeakedTokenUse implements Detection {

    public static final String RULE_ID = "PAT-LEAKED-12";
    static final String DISCOVERY = "Token.PatPublicDiscoveryEvent";

    /** When a token name was first reported leaked, by which entry, under which owner and token name. */
    record Leak(Instant discoveredAt, String entryId, String ownerName, String tokenName) {
    }

    /** What reaches the detector: a copy of a discovery, or a use of a known token. */
    private record Signal(EnrichedAuditEvent discovery, TokenUse use) {
    }

    @Override
    public String id() {
        return RULE_ID;
    }

    @Override
    public String prefix() {
        return "leaked";
    }

    @Override
    public KStream<String, Finding> build(DetectionInputs inputs, RuleSettings rule) {
        String store = prefix() + "-discovery-store";
        inputs.builder().addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(store),
                Serdes.String(), JsonSerde.of(Leak.class)));
        Clock clock = inputs.clock();

        KStream<String, Signal> discoveries = inputs.audit()
                .filter((id, enriched) -> DISCOVERY.equals(enriched.event().actionId())
                        && text(enriched.event().data(), "DisplayName") != null
                        && text(enriched.event().data(), "OwnerName") != null, Named.as(prefix() + "-discoveries"))
                .selectKey((id, enriched) -> leakKey(enriched), Named.as(prefix() + "-discovery-key"))
                .repartition(Repartitioned.<String, EnrichedAuditEvent>as(prefix() + "-to-every-partition")
                        .withKeySerde(Serdes.String()).withValueSerde(JsonSerde.of(EnrichedAuditEvent.class))
                        .withStreamPartitioner(new EveryPartition<>()))
                .mapValues(enriched -> new Signal(enriched, null), Named.as(prefix() + "-discovery-signal"));
        KStream<String, Signal> uses = inputs.tokenUses()
                .filter((token, use) -> use.tokenKnown() && use.token().token().displayName() != null,
                        Named.as(prefix() + "-known-uses"))
                .mapValues(use -> new Signal(null, use), Named.as(prefix() + "-use-signal"));

        // One processor, so the findings leave from the token uses' sub-topology only: a merge with a stream read
        // from the audit topic would join the two sub-topologies into one task reading every input.
        return discoveries.merge(uses, Named.as(prefix() + "-merge-signals"))
                .processValues(() -> new FixedKeyProcessor<String, Signal, Finding>() {
                    private FixedKeyProcessorContext<String, Finding> context;
                    private KeyValueStore<String, Leak> leakStore;

                    @Override
                    public void init(FixedKeyProcessorContext<String, Finding> context) {
                        this.context = context;
                        this.leakStore = context.getStateStore(store);
                    }

                    @Override
                    public void process(FixedKeyRecord<String, Signal> record) {
                        EnrichedAuditEvent discovery = record.value().discovery();
                        if (discovery != null) {
                            Leak known = leakStore.get(record.key());
                            Leak leak = leak(discovery);
                            if (known == null || leak.discoveredAt().isBefore(known.discoveredAt())) {
                                leakStore.put(record.key(), leak);
                            }
                            // Every partition holds a copy; the one on partition 0 reports the discovery, once.
                            boolean reporter = context.recordMetadata().map(m -> m.partition() == 0).orElse(true);
                            if (reporter) {
                                context.forward(record.withValue(discovered(rule, discovery, clock)));
                            }
                            return;
                        }
                        TokenUse use = record.value().use();
                        if (rule.allowlist().allows(use.event().actor().userPrincipalName(), use.authorizationId(),
                                use.use().network().ip())) {
                            return;
                        }
                        String tokenName = use.token().token().displayName();
                        for (String owner : new String[] {use.token().owner().displayName(), use.token().owner().principalName()}) {
                            Leak leak = owner == null ? null : leakStore.get(key(owner, tokenName));
                            if (leak != null && use.event().timestamp().isAfter(leak.discoveredAt())) {
                                // One finding per use, however many of its names match.
                                context.forward(record.withValue(usedAfterLeak(rule, use, owner, leak, clock)));
                                return;
                            }
                        }
                    }
                }, Named.as(prefix() + "-detect"), store);
    }

    private static String leakKey(EnrichedAuditEvent discovery) {
        return key(text(discovery.event().data(), "OwnerName"), text(discovery.event().data(), "DisplayName"));
    }

    private static Leak leak(EnrichedAuditEvent discovery) {
        var event = discovery.event();
        return new Leak(event.timestamp(), event.id(), text(event.data(), "OwnerName"), text(event.data(), "DisplayName"));
    }

    static String key(String owner, String tokenName) {
        return owner.strip().toLowerCase(Locale.ROOT) + "|" + tokenName.strip().toLowerCase(Locale.ROOT);
    }

    private static String text(JsonNode data, String field) {
        if (data == null) {
            return null;
        }
        JsonNode value = data.get(field);
        if (value == null) {
            value = data.get(Character.toLowerCase(field.charAt(0)) + field.substring(1));
        }
        return value == null || value.isNull() || value.asText().isBlank() ? null : value.asText();
    }

    private static Finding discovered(RuleSettings rule, EnrichedAuditEvent discovery, Clock clock) {
        var event = discovery.event();
        String tokenName = text(event.data(), "DisplayName");
        String ownerName = text(event.data(), "OwnerName");
        String summary = "ADO found PAT '" + tokenName + "' of " + ownerName
                + " in a public repository; anyone may have copied it";
        return Findings.of(rule, rule.severity(), event, new FindingSubject(null, null, null, null),
                "leak:" + key(ownerName, tokenName), event.id(), summary,
                new Evidence().put("tokenName", tokenName).put("owner", ownerName)
                        .put("discovery", event.actionId()).put("discoveredAt", event.timestamp()), clock.instant());
    }

    private static Finding usedAfterLeak(RuleSettings rule, TokenUse use, String ownerName, Leak leak, Clock clock) {
        String tokenName = use.token().token().displayName();
        String summary = Findings.describeToken(use) + " of " + Findings.who(use) + ", found in a public repository at "
                + leak.discoveredAt() + ", was used afterwards: " + use.event().actionId() + " from " + Findings.where(use);
        return Findings.of(rule, Findings.raise(rule.severity()), use.event(), Findings.subject(use),
                use.authorizationId(), use.event().id(), summary,
                Evidence.of(use).put("discoveredAt", leak.discoveredAt()).put("discoveryEntry", leak.entryId())
                        .put("matchedBy", "owner '" + ownerName + "' and token name '" + tokenName + "'"),
                clock.instant());
    }
}
