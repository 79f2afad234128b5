package dev.patrol.alerts.response;

import dev.patrol.model.event.NetworkClass;
import dev.patrol.model.event.Severity;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One entry of the policy's {@code rules:} list: findings of {@code ruleId} at {@code minSeverity} or above, meeting
 * every condition given, may revoke their token in {@code mode}.
 *
 * @param fullScope when present, the token's scope must (true) or must not (false) be full access ({@code app_token})
 * @param global    when present, the token must (true) or must not (false) be valid in all organizations
 * @param networks  when not empty, the finding's network class must be one of these
 * @param position  "rule #3 (PAT-ANON-06)", for messages and the audit trail
 */
public record PolicyRule(String ruleId, Severity minSeverity, RevocationMode mode, Optional<Boolean> fullScope,
                         Optional<Boolean> global, Set<NetworkClass> networks, String position) {

    public PolicyRule {
        Objects.requireNonNull(ruleId, "ruleId");
        Objects.requireNonNull(minSeverity, "minSeverity");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(fullScope, "fullScope");
        Objects.requireNonNull(global, "global");
        networks = Set.copyOf(networks);
        Objects.requireNonNull(position, "position");
    }

    /** Whether this entry covers the finding, given what is known about its token. */
    boolean matches(String findingRuleId, Severity severity, TokenFacts facts) {
        if (!ruleId.equals(findingRuleId) || severity.compareTo(minSeverity) < 0) {
            return false;
        }
        // Unknown facts never satisfy a condition: a policy that asks for full scope revokes only what it knows is.
        if (fullScope.isPresent() && !facts.fullScope().map(fullScope.get()::equals).orElse(false)) {
            return false;
        }
        if (global.isPresent() && !facts.global().map(global.get()::equals).orElse(false)) {
            return false;
        }
        return networks.isEmpty() || facts.network().map(networks::contains).orElse(false);
    }
}
