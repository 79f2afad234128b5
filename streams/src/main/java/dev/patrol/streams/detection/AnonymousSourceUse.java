package dev.patrol.streams.detection;

import dev.patrol.model.event.Finding;
import dev.patrol.model.event.NetworkClass;
import dev.patrol.model.event.Severity;
import dev.patrol.streams.rules.RuleSettings;
import java.time.Clock;
import java.util.Locale;
import java.util.Set;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;

/**
 * PAT-ANON-06: a PAT used from a Tor exit, an anonymizer (commercial VPN, public proxy) or a hosting provider.
 * Tor and anonymizers are raised one step above the rule's severity: a person hiding where they are is rarely a CI
 * job. Sanctioned CI runners and corporate VPN egress are configured as trusted ASNs / VPN ranges and never get here.
 */
public final class AnonymousSourceUse implements Detection {

    public static final String RULE_ID = "PAT-ANON-06";
    private static final Set<NetworkClass> CLASSES = Set.of(NetworkClass.TOR, NetworkClass.ANONYMIZER, NetworkClass.HOSTING);

    @Override
    public String id() {
        return RULE_ID;
    }

    @Override
    public String prefix() {
        return "anon";
    }

    @Override
    public KStream<String, Finding> build(DetectionInputs inputs, RuleSettings rule) {
        Clock clock = inputs.clock();
        return inputs.tokenUses()
                .filter((token, use) -> CLASSES.contains(use.use().network().networkClass())
                        && !rule.allowlist().allows(use.event().actor().userPrincipalName(), use.authorizationId(),
                        use.use().network().ip()), Named.as(prefix() + "-anonymous-only"))
                .mapValues(use -> finding(rule, use, clock), Named.as(prefix() + "-finding"));
    }

    static Finding finding(RuleSettings rule, TokenUse use, Clock clock) {
        NetworkClass source = use.use().network().networkClass();
        Severity severity = source == NetworkClass.HOSTING ? rule.severity() : Findings.raise(rule.severity());
        String kind = switch (source) {
            case TOR -> "a Tor exit node";
            case ANONYMIZER -> "an anonymizing VPN or proxy";
            default -> "a hosting provider";
        };
        String summary = Findings.describeToken(use) + " of " + Findings.who(use) + " did " + use.event().actionId()
                + " from " + kind + ", " + Findings.where(use);
        String subjectKey = use.authorizationId() != null ? use.authorizationId() : "user:" + use.event().actor().userId();
        return Findings.of(rule, severity, use.event(), Findings.subject(use), subjectKey, use.event().id(), summary,
                Evidence.of(use).put("sourceKind", source.name().toLowerCase(Locale.ROOT)), clock.instant());
    }
}
