package dev.patrol.streams.detection;

import dev.patrol.model.event.Finding;
import dev.patrol.streams.rules.RuleSettings;
import java.time.Clock;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;

/**
 * PAT-GHOST-10: an audited action by a token the inventory does not list: deleted since, owned by a removed user,
 * or missed by an incomplete scan. Either way a credential PATrol cannot see did something; the finding says which
 * of those it may be, since the inventory's coverage is part of the answer.
 */
public final class GhostTokenUse implements Detection {

    public static final String RULE_ID = "PAT-GHOST-10";

    @Override
    public String id() {
        return RULE_ID;
    }

    @Override
    public String prefix() {
        return "ghost";
    }

    @Override
    public KStream<String, Finding> build(DetectionInputs inputs, RuleSettings rule) {
        Clock clock = inputs.clock();
        return inputs.tokenUses()
                .filter((token, use) -> !use.tokenKnown() && use.authorizationId() != null
                        && !rule.allowlist().allows(use.event().actor().userPrincipalName(), use.authorizationId(),
                        use.use().network().ip()), Named.as(prefix() + "-unknown-only"))
                .mapValues(use -> Findings.of(rule, rule.severity(), use.event(), Findings.subject(use),
                        use.authorizationId(), use.event().id(),
                        "a PAT missing from the inventory (" + use.authorizationId() + ") of " + Findings.who(use)
                                + " did " + use.event().actionId() + " from " + Findings.where(use),
                        Evidence.of(use).put("coverage", "the inventory may be incomplete: check the last scan's failed users"),
                        clock.instant()), Named.as(prefix() + "-finding"));
    }
}
