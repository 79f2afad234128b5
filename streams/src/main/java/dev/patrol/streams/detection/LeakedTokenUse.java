package dev.patrol.streams.detection;

import com.fasterxml.jackson.databind.JsonNode;
import dev.patrol.model.event.EnrichedAuditEvent;
import dev.patrol.model.event.Finding;
import dev.patrol.model.event.FindingSubject;
import dev.patrol.model.json.JsonSerde;
import dev.patrol.streams.rules.RuleSettings;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
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
 */
public final class LeakedTokenUse implements Detection {

    public static final String RULE_ID = "PAT-LEAKED-12";
    static final String DISCOVERY = "Token.PatPublicDiscoveryEvent";

    /** A discovery or a use, keyed by owner and token name. */
    record Signal(boolean discovery, EnrichedAuditEvent event, TokenUse use, String tokenName, String ownerName) {
    }

    /** When a token name was first reported leaked. */
    record Leak(Instant discoveredAt, String entryId) {
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
                .filter((id, enriched) -> DISCOVERY.equals(enriched.event().actionId()), Named.as(prefix() + "-discoveries"))
                .flatMap((id, enriched) -> {
                    String tokenName = text(enriched.event().data(), "DisplayName");
                    String ownerName = text(enriched.event().data(), "OwnerName");
                    if (tokenName == null || ownerName == null) {
                        return List.of();
                    }
                    var signal = new Signal(true, enriched, null, tokenName, ownerName);
                    return List.of(KeyValue.pair(key(ownerName, tokenName), signal));
                }, Named.as(prefix() + "-discovery-key"));

        KStream<String, Signal> uses = inputs.tokenUses()
                .filter((token, use) -> use.tokenKnown() && use.token().token().displayName() != null,
                        Named.as(prefix() + "-known-uses"))
                .flatMap((token, use) -> {
                    String tokenName = use.token().token().displayName();
                    List<KeyValue<String, Signal>> keyed = new ArrayList<>();
                    for (String owner : new String[] {use.token().owner().displayName(), use.token().owner().principalName()}) {
                        if (owner != null) {
                            keyed.add(KeyValue.pair(key(owner, tokenName), new Signal(false, null, use, tokenName, owner)));
                        }
                    }
                    return keyed;
                }, Named.as(prefix() + "-use-key"));

        return discoveries.merge(uses, Named.as(prefix() + "-merge-signals"))
                .repartition(Repartitioned.<String, Signal>as(prefix() + "-by-name")
                        .withKeySerde(Serdes.String()).withValueSerde(JsonSerde.of(Signal.class)))
                .processValues(() -> new FixedKeyProcessor<String, Signal, Finding>() {
                    private FixedKeyProcessorContext<String, Finding> context;
                    private KeyValueStore<String, Leak> leaks;

                    @Override
                    public void init(FixedKeyProcessorContext<String, Finding> context) {
                        this.context = context;
                        this.leaks = context.getStateStore(store);
                    }

                    @Override
                    public void process(FixedKeyRecord<String, Signal> record) {
                        Signal signal = record.value();
                        if (signal.discovery()) {
                            Instant at = signal.event().event().timestamp();
                            Leak known = leaks.get(record.key());
                            if (known == null || at.isBefore(known.discoveredAt())) {
                                leaks.put(record.key(), new Leak(at, signal.event().event().id()));
                            }
                            context.forward(record.withValue(discovered(rule, signal, clock)));
                            return;
                        }
                        Leak leak = leaks.get(record.key());
                        TokenUse use = signal.use();
                        if (leak != null && use.event().timestamp().isAfter(leak.discoveredAt())
                                && !rule.allowlist().allows(use.event().actor().userPrincipalName(),
                                use.authorizationId(), use.use().network().ip())) {
                            context.forward(record.withValue(usedAfterLeak(rule, signal, leak, clock)));
                        }
                    }
                }, Named.as(prefix() + "-detect"), store)
                .selectKey((name, finding) -> finding.subject().authorizationId() == null ? name
                        : finding.subject().authorizationId(), Named.as(prefix() + "-key-by-token"));
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

    private static Finding discovered(RuleSettings rule, Signal signal, Clock clock) {
        var event = signal.event().event();
        String summary = "ADO found PAT '" + signal.tokenName() + "' of " + signal.ownerName()
                + " in a public repository; anyone may have copied it";
        return Findings.of(rule, rule.severity(), event, new FindingSubject(null, null, null, null),
                "leak:" + key(signal.ownerName(), signal.tokenName()), event.id(), summary,
                new Evidence().put("tokenName", signal.tokenName()).put("owner", signal.ownerName())
                        .put("discovery", event.actionId()).put("discoveredAt", event.timestamp()), clock.instant());
    }

    private static Finding usedAfterLeak(RuleSettings rule, Signal signal, Leak leak, Clock clock) {
        TokenUse use = signal.use();
        String summary = Findings.describeToken(use) + " of " + Findings.who(use) + ", found in a public repository at "
                + leak.discoveredAt() + ", was used afterwards: " + use.event().actionId() + " from " + Findings.where(use);
        return Findings.of(rule, Findings.raise(rule.severity()), use.event(), Findings.subject(use),
                use.authorizationId(), use.event().id(), summary,
                Evidence.of(use).put("discoveredAt", leak.discoveredAt()).put("discoveryEntry", leak.entryId())
                        .put("matchedBy", "owner '" + signal.ownerName() + "' and token name '" + signal.tokenName() + "'"),
                clock.instant());
    }
}
