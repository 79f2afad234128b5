package dev.patrol.streams.detection;

import dev.patrol.model.event.CredentialKind;
import dev.patrol.model.event.EnrichedAuditEvent;
import dev.patrol.model.event.Finding;
import dev.patrol.model.event.Severity;
import dev.patrol.model.json.JsonSerde;
import dev.patrol.streams.rules.RuleSettings;
import java.time.Clock;
import java.util.Set;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Repartitioned;

/**
 * PAT-SENSITIVE-08: a PAT, or a session cookie used outside a browser's normal flow ({@code UserAuthToken},
 * {@code AAD_Cookie}), performing a sensitive operation (see {@link SensitiveOperations}). Sentinel's rule looks at
 * PATs only; X-Force showed a stolen {@code UserAuthToken} cookie walks past it, so cookies are in scope here.
 * Severity rises one step when the same event is also off the corporate network.
 */
public final class SensitiveOperationUse implements Detection {

    public static final String RULE_ID = "PAT-SENSITIVE-08";
    /**
     * The cookie mechanism X-Force saw replayed outside a browser. FedAuth and AAD_Cookie are the ordinary web UI
     * sessions (an admin changing permissions in the portal), so they stay out by default; add them in the rule
     * file where that is unusual.
     */
    static final Set<String> COOKIE_MECHANISMS = Set.of("UserAuthToken");

    @Override
    public String id() {
        return RULE_ID;
    }

    @Override
    public String prefix() {
        return "sensitive";
    }

    @Override
    public KStream<String, Finding> build(DetectionInputs inputs, RuleSettings rule) {
        SensitiveOperations sensitive = SensitiveOperations.from(rule);
        Set<String> cookies = Set.copyOf(rule.list("cookieMechanisms", java.util.List.copyOf(COOKIE_MECHANISMS)));
        Clock clock = inputs.clock();

        KStream<String, Finding> byPat = inputs.tokenUses()
                .filter((token, use) -> sensitive.contains(use.event().actionId()) && !allowlisted(rule, use.use()),
                        Named.as(prefix() + "-pat-sensitive"))
                .mapValues(use -> finding(rule, use, "with " + Findings.describeToken(use), clock),
                        Named.as(prefix() + "-pat-finding"));

        KStream<String, Finding> byCookie = inputs.audit()
                .filter((id, enriched) -> enriched.event().mechanism().kind() == CredentialKind.COOKIE
                        && cookies.contains(enriched.event().mechanism().name())
                        && sensitive.contains(enriched.event().actionId()) && !allowlisted(rule, enriched),
                        Named.as(prefix() + "-cookie-sensitive"))
                // Suppression is per user; bring each user's events to one partition.
                .selectKey((id, enriched) -> "user:" + enriched.event().actor().userId(), Named.as(prefix() + "-key-by-user"))
                .repartition(Repartitioned.<String, EnrichedAuditEvent>as(prefix() + "-by-user")
                        .withKeySerde(Serdes.String()).withValueSerde(JsonSerde.of(EnrichedAuditEvent.class)))
                .mapValues(enriched -> finding(rule, new TokenUse(enriched, null),
                        "with a " + enriched.event().mechanism().name() + " session cookie", clock),
                        Named.as(prefix() + "-cookie-finding"));

        return byPat.merge(byCookie, Named.as(prefix() + "-merge"));
    }

    private static boolean allowlisted(RuleSettings rule, EnrichedAuditEvent enriched) {
        return rule.allowlist().allows(enriched.event().actor().userPrincipalName(),
                enriched.event().mechanism().authorizationId().orElse(null), enriched.network().ip());
    }

    static Finding finding(RuleSettings rule, TokenUse use, String credential, Clock clock) {
        boolean outside = use.use().network().networkClass().offNetwork();
        Severity severity = outside ? Findings.raise(rule.severity()) : rule.severity();
        String summary = Findings.who(use) + " did " + use.event().actionId() + " " + credential + " from "
                + Findings.where(use) + (outside ? ", outside the corporate network" : "");
        Evidence evidence = use.event().mechanism().isPat() ? Evidence.of(use)
                : new Evidence().network(use.use().network()).action(use.event());
        String subjectKey = use.authorizationId() != null ? use.authorizationId() : "user:" + use.event().actor().userId();
        return Findings.of(rule, severity, use.event(), Findings.subject(use), subjectKey, use.event().id(), summary,
                evidence, clock.instant());
    }
}
