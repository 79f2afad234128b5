package dev.patrol.streams.detection;

import dev.patrol.model.event.Finding;
import dev.patrol.model.event.Severity;
import dev.patrol.streams.rules.RuleSettings;
import dev.patrol.model.json.JsonSerde;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import java.util.Set;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;

/**
 * PAT-OFFNET-01: an audited action performed with a personal access token from an address outside the corporate
 * network (not corporate, not VPN egress, not a trusted ASN). This is the gap PATrol exists for: Conditional Access
 * does not cover PATs unless the org enables IP validation for non-interactive flows, and ADO never says which
 * token acted from where.
 *
 * <p>Severity starts at the rule's and rises one step for a powerful token (full access, global, write or admin
 * scopes, or a token missing from the inventory: an unknown credential acting from outside is worse, not better)
 * and one more for a sensitive operation. Entries without an address are not judged.
 */
public final class OffNetworkPatUse implements Detection {

    public static final String RULE_ID = "PAT-OFFNET-01";
    /** Scopes that let a token change code, pipelines, permissions or tokens. */
    static final Set<String> POWERFUL_SCOPES = Set.of("app_token", "vso.code_write", "vso.code_manage",
            "vso.code_full", "vso.build_execute", "vso.release_manage", "vso.release_execute", "vso.serviceendpoint_manage",
            "vso.variablegroups_manage", "vso.security_manage", "vso.project_manage", "vso.tokenadministration",
            "vso.tokens", "vso.identity_manage", "vso.graph_manage", "vso.auditstreams_manage", "vso.packaging_manage",
            "vso.agentpools_manage", "vso.extension_manage");

    @Override
    public String id() {
        return RULE_ID;
    }

    @Override
    public String prefix() {
        return "offnet";
    }

    /** Findings about a token the inventory did not list yet, kept to be completed when the token arrives. */
    record Pending(long sinceMillis, List<TokenUse> uses) {
        Pending {
            uses = List.copyOf(uses);
        }
    }

    @Override
    public KStream<String, Finding> build(DetectionInputs inputs, RuleSettings rule) {
        SensitiveOperations sensitive = SensitiveOperations.from(inputs.rules().rule(SensitiveOperationUse.RULE_ID));
        Duration grace = rule.duration("tokenGrace", Duration.ofHours(2));
        String store = prefix() + "-pending-store";
        inputs.builder().addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(store),
                Serdes.String(), JsonSerde.of(Pending.class)));
        Clock clock = inputs.clock();
        KStream<String, TokenUse> outside = inputs.tokenUses()
                .filter((token, use) -> use.use().network().networkClass().offNetwork()
                        && !rule.allowlist().allows(use.event().actor().userPrincipalName(), use.authorizationId(),
                        use.use().network().ip()), Named.as(prefix() + "-outside-only"));
        // A use by a token not listed yet is reported at once as such; if the token arrives within the grace, the
        // finding is sent again, same id, with the token's facts and the severity they imply.
        return GraceSignal.merged(inputs, outside, prefix())
                .process(() -> new Processor<String, GraceSignal, String, Finding>() {
                    private ProcessorContext<String, Finding> context;
                    private KeyValueStore<String, Pending> pending;

                    @Override
                    public void init(ProcessorContext<String, Finding> context) {
                        this.context = context;
                        this.pending = context.getStateStore(store);
                        context.schedule(Duration.ofMinutes(1), PunctuationType.WALL_CLOCK_TIME, now -> {
                            List<String> expired = new ArrayList<>();
                            try (var all = pending.all()) {
                                all.forEachRemaining(e -> {
                                    if (now - e.value.sinceMillis() > grace.toMillis()) {
                                        expired.add(e.key);
                                    }
                                });
                            }
                            expired.forEach(pending::delete);
                        });
                    }

                    @Override
                    public void process(Record<String, GraceSignal> record) {
                        GraceSignal signal = record.value();
                        if (signal.arrived() != null) {
                            Pending waiting = pending.get(record.key());
                            if (waiting != null) {
                                pending.delete(record.key());
                                for (TokenUse use : waiting.uses()) {
                                    TokenUse completed = new TokenUse(use.use(), signal.arrived());
                                    context.forward(new Record<>(record.key(), finding(rule, sensitive, completed, clock),
                                            use.event().timestamp().toEpochMilli()));
                                }
                            }
                            return;
                        }
                        TokenUse use = signal.use();
                        context.forward(record.withValue(finding(rule, sensitive, use, clock)));
                        if (!use.tokenKnown() && use.authorizationId() != null && !grace.isZero()) {
                            Pending waiting = pending.get(record.key());
                            List<TokenUse> uses = new ArrayList<>(waiting == null ? List.of() : waiting.uses());
                            uses.add(use);
                            pending.put(record.key(), new Pending(waiting == null
                                    ? context.currentSystemTimeMs() : waiting.sinceMillis(), uses));
                        }
                    }
                }, Named.as(prefix() + "-detect"), store);
    }

    static boolean powerful(TokenUse use) {
        if (use.token() == null) {
            return true;
        }
        var token = use.token().token();
        if (token.fullScope() || token.global()) {
            return true;
        }
        return token.scope() != null && java.util.Arrays.stream(token.scope().split("\\s+")).anyMatch(POWERFUL_SCOPES::contains);
    }

    static Finding finding(RuleSettings rule, SensitiveOperations sensitive, TokenUse use, Clock clock) {
        Severity severity = rule.severity();
        Evidence evidence = Evidence.of(use);
        if (powerful(use)) {
            severity = Findings.raise(severity);
            evidence.put("severityRaisedFor", use.token() == null ? "token not in inventory" : "powerful token scope");
        }
        if (sensitive.contains(use.event().actionId())) {
            severity = Findings.raise(severity);
            evidence.put("sensitiveOperation", "true");
        }
        String summary = Findings.describeToken(use) + " of " + Findings.who(use) + " did " + use.event().actionId()
                + " from " + Findings.where(use) + ", outside the corporate network";
        String subjectKey = use.authorizationId() != null ? use.authorizationId() : "user:" + use.event().actor().userId();
        return Findings.of(rule, severity, use.event(), Findings.subject(use), subjectKey, use.event().id(), summary,
                evidence, clock.instant());
    }
}
