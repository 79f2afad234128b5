package dev.patrol.alerts.response;

import java.util.Optional;

/** What the approval page needs from the playbook: look at an approval, decide it. */
interface ApprovalDesk {

    /** The approval and its token's current state; empty for an id PATrol never issued (or has forgotten). */
    Optional<ApprovalView> view(String approvalId);

    /**
     * Records a person's decision and, on approval, carries out the revocation (waiting a little for its outcome so the
     * page can show it). A decision on an approval that is no longer pending changes nothing.
     *
     * @param decidedBy the identity to record, already labelled with where it came from
     * @param context   how the decision arrived (page, remote address), for the audit trail
     */
    Optional<Decision> decide(String approvalId, boolean approve, String decidedBy, String context);

    /**
     * The result of a decision.
     *
     * @param applied false when the approval was no longer pending (already decided, replaced or unknown)
     * @param view    the approval afterwards
     */
    record Decision(boolean applied, ApprovalView view) {
    }
}
