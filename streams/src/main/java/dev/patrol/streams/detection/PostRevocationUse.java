package dev.patrol.streams.detection;

import dev.patrol.model.event.Finding;
import dev.patrol.streams.rules.RuleSettings;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;

/**
 * PAT-POSTREVOKE-11: a token still acting after it was revoked or expired, or after its owner was deleted in
 * Entra. Revocation can take up to an hour to
 * bite (ado-api.md §4.2), so uses within {@code grace} of the scan that first saw the token invalid are not
 * reported; the token record's {@code observedAt} is that scan, since the inventory rewrites a token only when its
 * listing changes.
 */
public final class PostRevocationUse implements Detection {

    public static final String RULE_ID = "PAT-POSTREVOKE-11";

    @Override
    public String id() {
        return RULE_ID;
    }

    @Override
    public String prefix() {
        return "postrevoke";
    }

    @Override
    public KStream<String, Finding> build(DetectionInputs inputs, RuleSettings rule) {
        Duration grace = rule.duration("grace", Duration.ofHours(1));
        Clock clock = inputs.clock();
        return inputs.tokenUses()
                .filter((token, use) -> reason(use, grace).isPresent()
                        && !rule.allowlist().allows(use.event().actor().userPrincipalName(), use.authorizationId(),
                        use.use().network().ip()), Named.as(prefix() + "-after-end-only"))
                .mapValues(use -> {
                    String why = reason(use, grace).orElseThrow();
                    return Findings.of(rule, rule.severity(), use.event(), Findings.subject(use), use.authorizationId(),
                            use.event().id(), Findings.describeToken(use) + " of " + Findings.who(use) + " did "
                                    + use.event().actionId() + " from " + Findings.where(use) + " after it " + why,
                            Evidence.of(use).put("tokenEnded", why), clock.instant());
                }, Named.as(prefix() + "-finding"));
    }

    static Optional<String> reason(TokenUse use, Duration grace) {
        if (use.token() == null) {
            return Optional.empty();
        }
        Instant at = use.event().timestamp();
        var token = use.token().token();
        if (!token.isValid() && at.isAfter(use.token().observedAt().plus(grace))) {
            return Optional.of("was revoked (seen revoked at " + use.token().observedAt() + ")");
        }
        if (token.validTo() != null && at.isAfter(token.validTo().plus(grace))) {
            return Optional.of("expired (" + token.validTo() + ")");
        }
        // Removing a user from Entra invalidates their PATs within about an hour (ado-api.md §8).
        if (use.owner() != null && Boolean.TRUE.equals(use.owner().user().isDeletedInOrigin())
                && at.isAfter(use.owner().observedAt().plus(grace))) {
            return Optional.of("lost its owner (deleted in Entra, seen at " + use.owner().observedAt() + ")");
        }
        return Optional.empty();
    }
}
