package dev.patrol.alerts.response;

import dev.patrol.alerts.response.TokenCase.Phase;
import dev.patrol.model.event.ResponseAction;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The playbook's state, and nothing but a fold over the actions topic: the same actions give the same state, whether
 * they were just recorded or read back at start. That is what makes revocation idempotent across restarts and
 * duplicate findings: a token already approved, revoked or verified is never revoked again, a finding already acted on
 * is not acted on twice, and the hourly cap counts what happened before the restart.
 *
 * <p>Not thread-safe: the response service guards it with its lock.
 */
final class ActionLedger {

    private final Map<String, TokenCase> cases = new HashMap<>();
    private final Map<String, String> approvals = new HashMap<>();
    private final Set<String> findingIds = new HashSet<>();
    private final HourlyCap cap;
    private long applied;

    ActionLedger(HourlyCap cap) {
        this.cap = cap;
    }

    HourlyCap cap() {
        return cap;
    }

    long applied() {
        return applied;
    }

    void apply(ResponseAction action) {
        if (action.authorizationId() == null) {
            return;
        }
        applied++;
        findingIds.add(action.findingId());
        String id = action.authorizationId();
        TokenCase current = cases.get(id);
        if (action.kind() == ResponseAction.Kind.NOTIFY_OWNER) {
            if (current != null) {
                cases.put(id, current.noticed());
            }
            return;
        }
        cases.put(id, next(current, action));
        if (action.status() == ResponseAction.Status.PROPOSED) {
            approvals.put(action.id(), id);
        }
        if (action.status() == ResponseAction.Status.REVOKED || action.status() == ResponseAction.Status.DRY_RUN) {
            cap.record(action.organization(), action.at());
        }
    }

    private static TokenCase next(TokenCase current, ResponseAction action) {
        Phase phase = current == null ? null : current.phase();
        return switch (action.status()) {
            case PROPOSED -> (current == null ? TokenCase.start(action, Phase.PENDING_APPROVAL) : current).proposed(action);
            case APPROVED -> phase == Phase.PENDING_APPROVAL
                    ? current.decided(Phase.APPROVED, action)
                    : TokenCase.start(action, Phase.APPROVED).decided(Phase.APPROVED, action);
            case DENIED -> current == null
                    ? TokenCase.start(action, Phase.DENIED).decided(Phase.DENIED, action)
                    : current.decided(Phase.DENIED, action);
            case SKIPPED_ALLOWLIST -> TokenCase.start(action, Phase.ALLOWLISTED);
            // A person's approval over the cap leaves the approval pending; anything else ends the round.
            case SKIPPED_CAP -> phase == Phase.PENDING_APPROVAL
                    ? current.withPhase(Phase.PENDING_APPROVAL, action)
                    : phase == Phase.APPROVED ? current.withPhase(Phase.CAPPED, action)
                    : TokenCase.start(action, Phase.CAPPED);
            case DRY_RUN -> phase == Phase.APPROVED
                    ? current.withPhase(Phase.DRY_RUN, action)
                    : TokenCase.start(action, Phase.DRY_RUN).decided(Phase.DRY_RUN, action);
            case REVOKED -> (current == null ? TokenCase.start(action, Phase.REVOKED) : current).revoked(action);
            case FAILED -> current == null ? TokenCase.start(action, Phase.FAILED) : current.withPhase(Phase.FAILED, action);
            case VERIFIED -> current == null ? TokenCase.start(action, Phase.VERIFIED)
                    : current.withPhase(Phase.VERIFIED, action);
        };
    }

    Optional<TokenCase> get(String authorizationId) {
        return Optional.ofNullable(cases.get(authorizationId));
    }

    /** The token an approval id was issued for, whether or not that approval is still the token's current one. */
    Optional<TokenCase> byApproval(String approvalId) {
        return Optional.ofNullable(approvals.get(approvalId)).map(cases::get);
    }

    boolean seen(String findingId) {
        return findingIds.contains(findingId);
    }

    /** Revocations approved for an organization and not yet carried out: they hold a place under the cap. */
    int approvedNotRevoked(String organization) {
        return (int) cases.values().stream()
                .filter(c -> c.phase() == Phase.APPROVED && c.organization().equalsIgnoreCase(organization)).count();
    }

    List<TokenCase> approvedNotRevoked() {
        return cases.values().stream().filter(c -> c.phase() == Phase.APPROVED).toList();
    }

    List<TokenCase> all() {
        return List.copyOf(cases.values());
    }
}
