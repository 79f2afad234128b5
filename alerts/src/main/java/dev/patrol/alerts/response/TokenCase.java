package dev.patrol.alerts.response;

import dev.patrol.model.event.ResponseAction;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Where one token stands in the playbook, folded from its actions in the actions topic (see {@link ActionLedger}).
 *
 * @param findingId   the finding the current round started from
 * @param approvalId  the pending or last approval (the id of its PROPOSED action)
 * @param proposal    the PROPOSED action's reason: what the approval page shows when the finding itself is gone
 * @param decidedBy   who approved or denied ("policy" for automatic decisions)
 * @param revokedAt   when ADO accepted the revocation
 * @param last        the latest revocation action for the token
 */
record TokenCase(String authorizationId, String organization, Phase phase, String findingId,
                 Optional<String> approvalId, Optional<Instant> proposedAt, Optional<String> proposal,
                 Optional<String> decidedBy, Optional<Instant> decidedAt, Optional<Instant> revokedAt,
                 boolean noticeBeforeDone, boolean noticeAfterDone, ResponseAction last) {

    /** The phases of a token's round; a new finding may start a new round from any phase that is not active. */
    enum Phase {
        /** A signed link is out; a person decides. */
        PENDING_APPROVAL,
        /** Approved (by a person or automatically); the revocation call is due. */
        APPROVED,
        /** ADO accepted the revocation; waiting for an inventory scan to list the token invalid. */
        REVOKED,
        VERIFIED,
        DENIED,
        /** The revocation call failed, or the inventory still lists the token valid too long after it. */
        FAILED,
        ALLOWLISTED,
        /** Skipped because the hourly cap was reached, with no approval pending. */
        CAPPED,
        /** Dry run: recorded as "would revoke". */
        DRY_RUN
    }

    TokenCase {
        Objects.requireNonNull(authorizationId, "authorizationId");
        Objects.requireNonNull(organization, "organization");
        Objects.requireNonNull(phase, "phase");
        Objects.requireNonNull(findingId, "findingId");
        Objects.requireNonNull(approvalId, "approvalId");
        Objects.requireNonNull(proposedAt, "proposedAt");
        Objects.requireNonNull(proposal, "proposal");
        Objects.requireNonNull(decidedBy, "decidedBy");
        Objects.requireNonNull(decidedAt, "decidedAt");
        Objects.requireNonNull(revokedAt, "revokedAt");
        Objects.requireNonNull(last, "last");
    }

    /** A new round from this action: nothing carried over from earlier rounds. */
    static TokenCase start(ResponseAction action, Phase phase) {
        return new TokenCase(action.authorizationId(), action.organization(), phase, action.findingId(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), false, false, action);
    }

    TokenCase withPhase(Phase next, ResponseAction action) {
        return new TokenCase(authorizationId, organization, next, findingId, approvalId, proposedAt, proposal,
                decidedBy, decidedAt, revokedAt, noticeBeforeDone, noticeAfterDone, action);
    }

    TokenCase proposed(ResponseAction action) {
        return new TokenCase(authorizationId, organization, Phase.PENDING_APPROVAL, action.findingId(),
                Optional.of(action.id()), Optional.of(action.at()), Optional.ofNullable(action.reason()),
                Optional.empty(), Optional.empty(), Optional.empty(), noticeBeforeDone, noticeAfterDone, action);
    }

    TokenCase decided(Phase next, ResponseAction action) {
        return new TokenCase(authorizationId, organization, next, findingId, approvalId, proposedAt, proposal,
                Optional.ofNullable(action.decidedBy()), Optional.of(action.at()), revokedAt, noticeBeforeDone,
                noticeAfterDone, action);
    }

    TokenCase revoked(ResponseAction action) {
        return new TokenCase(authorizationId, organization, Phase.REVOKED, findingId, approvalId, proposedAt, proposal,
                decidedBy, decidedAt, Optional.of(action.at()), noticeBeforeDone, noticeAfterDone, action);
    }

    TokenCase noticed() {
        boolean after = revokedAt.isPresent();
        return new TokenCase(authorizationId, organization, phase, findingId, approvalId, proposedAt, proposal,
                decidedBy, decidedAt, revokedAt, noticeBeforeDone || !after, noticeAfterDone || after, last);
    }

    /** Whether a pending approval's link is still usable at {@code now}, given the link lifetime. */
    boolean approvalOpen(Instant now, java.time.Duration linkTtl) {
        return phase == Phase.PENDING_APPROVAL && proposedAt.map(p -> now.isBefore(p.plus(linkTtl))).orElse(false);
    }
}
