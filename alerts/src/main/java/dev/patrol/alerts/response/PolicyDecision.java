package dev.patrol.alerts.response;

import java.util.Objects;
import java.util.Optional;

/**
 * What the policy says about one finding.
 *
 * @param rule   the policy entry that matched, when one did
 * @param reason one line for the audit trail: which entry matched, or why none did
 */
record PolicyDecision(Outcome outcome, Optional<PolicyRule> rule, String reason) {

    enum Outcome {
        /** No policy entry covers the finding: people decide from the alert. */
        NOT_ELIGIBLE,
        /** An entry covers it, but the token, its owner or its user is allowlisted: never revoked. */
        ALLOWLISTED,
        AUTOMATIC,
        APPROVAL
    }

    PolicyDecision {
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(reason, "reason");
    }
}
