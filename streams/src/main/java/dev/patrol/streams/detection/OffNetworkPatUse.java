package dev.patrol.streams.detection;

import dev.patrol.model.event.Finding;
import dev.patrol.model.event.Severity;
import dev.patrol.streams.rules.RuleSettings;
import java.time.Clock;
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

    @Override
    public KStream<String, Finding> build(DetectionInputs inputs, RuleSettings rule) {
        SensitiveOperations sensitive = SensitiveOperations.from(inputs.rules().rule(SensitiveOperationUse.RULE_ID));
        Clock clock = inputs.clock();
        return inputs.tokenUses()
                .filter((token, use) -> use.use().network().networkClass().offNetwork()
                        && !rule.allowlist().allows(use.event().actor().userPrincipalName(), use.authorizationId(),
                        use.use().network().ip()), Named.as(prefix() + "-outside-only"))
                .mapValues(use -> finding(rule, sensitive, use, clock), Named.as(prefix() + "-finding"));
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
