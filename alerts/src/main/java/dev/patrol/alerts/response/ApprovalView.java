package dev.patrol.alerts.response;

import dev.patrol.model.event.Finding;
import java.util.Objects;
import java.util.Optional;

/**
 * One approval as the page shows it.
 *
 * @param current  whether the approval is the token's current one (a newer approval may have replaced it)
 * @param pending  whether a decision can still be made on it
 * @param finding  the finding, while this process still has it (after a restart only the audit trail's summary is left)
 * @param outcome  a sentence about what happened to the token, for people
 */
record ApprovalView(String approvalId, TokenCase tokenCase, boolean current, boolean pending, Optional<Finding> finding,
                    Optional<String> tokenName, Optional<String> owner, String outcome) {

    ApprovalView {
        Objects.requireNonNull(approvalId, "approvalId");
        Objects.requireNonNull(tokenCase, "tokenCase");
        Objects.requireNonNull(finding, "finding");
        Objects.requireNonNull(tokenName, "tokenName");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(outcome, "outcome");
    }
}
