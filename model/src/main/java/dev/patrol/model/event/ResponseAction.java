package dev.patrol.model.event;

import java.time.Instant;
import java.util.Objects;

/**
 * One step of a response playbook, recorded in the actions topic: the audit trail of what PATrol did or decided
 * not to do about a finding.
 */
public record ResponseAction(
        String id,
        String findingId,
        String organization,
        String authorizationId,
        Kind kind,
        Status status,
        String decidedBy,
        String reason,
        Instant at) {

    public enum Kind {
        REVOKE_TOKEN,
        NOTIFY_OWNER
    }

    public enum Status {
        PROPOSED, APPROVED, DENIED, SKIPPED_ALLOWLIST, SKIPPED_CAP, DRY_RUN, REVOKED, FAILED, VERIFIED
    }

    public ResponseAction {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(findingId, "findingId");
        Objects.requireNonNull(organization, "organization");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(at, "at");
    }
}
