package dev.patrol.streams.detection;

import dev.patrol.model.event.AuditEvent;
import dev.patrol.model.event.EnrichedAuditEvent;
import dev.patrol.model.event.Finding;
import dev.patrol.model.json.JsonSerde;
import dev.patrol.streams.rules.RuleSettings;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * ADO-PRBYPASS-19: a push that bypassed branch (pull-request) policies ({@code Git.RefUpdatePoliciesBypassed}; the
 * actor is the bypasser) by someone with no bypass in their history, which forgets a bypass after {@code historyTtl}
 * (Sentinel's historic-bypass rule uses 14 days). There is no learning period: a first-ever bypasser is exactly the
 * signal. People authorised to bypass go in the rule's allowlist (users). Raised one step when done with a PAT or
 * from outside the corporate network.
 *
 * <p>History is kept per actor (user id, else UPN) after a repartition by actor. An entry naming no actor cannot be
 * held against a history: it is reported every time, and says so. The repository and branch come from {@code data}
 * ({@code RepoName} or {@code RepositoryName}, {@code RefName}: seen in public samples, not documented; else
 * {@code FriendlyName}, the branch placeholder of the action's details template); the finding says when they are
 * missing.
 */
public final class NewPolicyBypasser implements Detection {

    public static final String RULE_ID = "ADO-PRBYPASS-19";
    static final String ACTION = "Git.RefUpdatePoliciesBypassed";
    static final String UNKNOWN_ACTOR = "unknown";

    /** An actor's latest bypass. */
    record LastBypass(Instant at, String entryId) {
    }

    @Override
    public String id() {
        return RULE_ID;
    }

    @Override
    public String prefix() {
        return "prbypass";
    }

    @Override
    public KStream<String, Finding> build(DetectionInputs inputs, RuleSettings rule) {
        Duration ttl = rule.duration("historyTtl", Duration.ofDays(14));
        String store = prefix() + "-history-store";
        inputs.builder().addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(store),
                Serdes.String(), JsonSerde.of(LastBypass.class)));
        Clock clock = inputs.clock();
        KStream<String, EnrichedAuditEvent> bypasses = inputs.audit()
                .filter((id, enriched) -> ACTION.equalsIgnoreCase(enriched.event().actionId()),
                        Named.as(prefix() + "-bypasses-only"));
        return ActorRisk.byActor(bypasses, prefix())
                .processValues(() -> new FixedKeyProcessor<String, EnrichedAuditEvent, Finding>() {
                    private FixedKeyProcessorContext<String, Finding> context;
                    private KeyValueStore<String, LastBypass> history;

                    @Override
                    public void init(FixedKeyProcessorContext<String, Finding> context) {
                        this.context = context;
                        this.history = context.getStateStore(store);
                        // Forget actors whose last bypass is long past the history (twice its length, so a
                        // finding can still name the previous bypass), so the store holds recent bypassers only.
                        context.schedule(Duration.ofHours(1), PunctuationType.STREAM_TIME, now -> {
                            Instant cutoff = Instant.ofEpochMilli(now).minus(ttl).minus(ttl);
                            try (var all = history.all()) {
                                all.forEachRemaining(entry -> {
                                    if (entry.value.at().isBefore(cutoff)) {
                                        history.delete(entry.key);
                                    }
                                });
                            }
                        });
                    }

                    @Override
                    public void process(FixedKeyRecord<String, EnrichedAuditEvent> record) {
                        EnrichedAuditEvent enriched = record.value();
                        AuditEvent event = enriched.event();
                        Instant at = event.timestamp();
                        boolean identified = !UNKNOWN_ACTOR.equals(record.key());
                        LastBypass last = identified ? history.get(record.key()) : null;
                        // A bypass older than one already seen is never news; one within the history neither.
                        boolean known = last != null && !at.isAfter(last.at().plus(ttl));
                        if (identified && (last == null || at.isAfter(last.at()))) {
                            history.put(record.key(), new LastBypass(at, event.id()));
                        }
                        if (!known && !ActorRisk.allowlisted(rule, enriched)) {
                            context.forward(record.withValue(finding(rule, enriched, identified, last, ttl, clock)));
                        }
                    }
                }, Named.as(prefix() + "-detect"), store);
    }

    private static Finding finding(RuleSettings rule, EnrichedAuditEvent enriched, boolean identified, LastBypass last,
                                   Duration ttl, Clock clock) {
        AuditEvent event = enriched.event();
        AuditData data = AuditData.of(event);
        var repository = data.text("RepoName").or(() -> data.text("RepositoryName"));
        var ref = data.text("RefName").or(() -> data.text("FriendlyName"));
        List<String> reasons = ActorRisk.raiseReasons(enriched);
        String history;
        if (!identified) {
            history = "unknown: the entry names no actor, so it cannot be compared with a history";
        } else if (last == null) {
            history = "none: no bypass by this actor in the last " + ActorRisk.describe(ttl);
        } else {
            history = "none in the last " + ActorRisk.describe(ttl) + " (previous bypass " + last.at() + ")";
        }
        String summary = ActorRisk.who(enriched) + (identified ? ", who had not bypassed a branch policy before," : "")
                + " bypassed branch policies" + repository.map(r -> " in " + r).orElse("")
                + ref.map(r -> " on " + r).orElse("") + " from " + ActorRisk.where(enriched) + ActorRisk.suffix(reasons);
        Evidence evidence = ActorRisk.evidence(enriched, reasons)
                .put("repository", repository.orElse("not in the entry (no RepoName or RepositoryName)"))
                .put("ref", ref.orElse("not in the entry (no RefName or FriendlyName)"))
                .put("bypassHistory", history);
        return Findings.of(rule, ActorRisk.severity(rule.severity(), reasons), event, Findings.actor(enriched),
                ActorRisk.subjectKey(enriched), event.id(), summary, evidence, clock.instant());
    }
}
