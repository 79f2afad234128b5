package dev.patrol.alerts.response;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patrol.alerts.response.TokenCase.Phase;
import dev.patrol.model.event.ResponseAction;
import dev.patrol.model.event.ResponseAction.Kind;
import dev.patrol.model.event.ResponseAction.Status;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ActionLedgerTest {

    private static final String TOKEN = "4ab5764f-4193-4f1d-b995-64144880b7d7";
    private static final Instant T0 = Instant.parse("2026-05-01T10:00:00Z");
    private final ActionLedger ledger = new ActionLedger(new HourlyCap(5));

    @Test
    void shouldEndVerifiedWhenAnApprovalRunsItsCourse() {
        ResponseAction proposed = action(Status.PROPOSED, "policy", 0);
        List.of(proposed, action(Status.APPROVED, "alice (self-declared)", 1), action(Status.REVOKED, "alice", 2),
                action(Status.VERIFIED, "alice", 3)).forEach(ledger::apply);

        TokenCase c = ledger.get(TOKEN).orElseThrow();
        assertThat(c.phase()).isEqualTo(Phase.VERIFIED);
        assertThat(c.approvalId()).contains(proposed.id());
        assertThat(c.decidedBy()).contains("alice (self-declared)");
        assertThat(c.revokedAt()).contains(T0.plusSeconds(2));
        assertThat(ledger.byApproval(proposed.id())).contains(c);
        assertThat(ledger.seen("finding-1")).isTrue();
    }

    @Test
    void shouldKeepTheApprovalOpenWhenAnApprovalHitsTheCap() {
        ledger.apply(action(Status.PROPOSED, "policy", 0));
        ledger.apply(action(Status.SKIPPED_CAP, "alice", 1));

        assertThat(ledger.get(TOKEN).orElseThrow().phase()).isEqualTo(Phase.PENDING_APPROVAL);
    }

    @Test
    void shouldHoldAPlaceUnderTheCapWhenARevocationIsApprovedButNotDone() {
        ledger.apply(action(Status.APPROVED, "policy", 0));

        assertThat(ledger.approvedNotRevoked("CONTOSO")).isEqualTo(1);
        assertThat(ledger.approvedNotRevoked()).extracting(TokenCase::authorizationId).containsExactly(TOKEN);
    }

    @Test
    void shouldCountRevocationsAndDryRunsWhenFillingTheCap() {
        ledger.apply(action(Status.REVOKED, "policy", 0));
        ledger.apply(new ResponseAction(UUID.randomUUID().toString(), "finding-2", "contoso",
                "5ab5764f-4193-4f1d-b995-64144880b7d7", Kind.REVOKE_TOKEN, Status.DRY_RUN, "policy", "", T0));
        ledger.apply(new ResponseAction(UUID.randomUUID().toString(), "finding-3", "contoso",
                "6ab5764f-4193-4f1d-b995-64144880b7d7", Kind.REVOKE_TOKEN, Status.FAILED, "policy", "", T0));

        assertThat(ledger.cap().used("contoso", T0.plus(Duration.ofMinutes(1)))).isEqualTo(2);
    }

    @Test
    void shouldStartAFreshRoundWhenATokenIsProposedAgain() {
        ledger.apply(action(Status.PROPOSED, "policy", 0));
        ledger.apply(action(Status.DENIED, "bob", 1));
        ResponseAction again = action(Status.PROPOSED, "policy", 2);
        ledger.apply(again);

        TokenCase c = ledger.get(TOKEN).orElseThrow();
        assertThat(c.phase()).isEqualTo(Phase.PENDING_APPROVAL);
        assertThat(c.approvalId()).contains(again.id());
        assertThat(c.decidedBy()).isEmpty();
    }

    @Test
    void shouldRecordNoticesByWhetherTheTokenWasRevokedWhenTheyArrive() {
        ledger.apply(action(Status.APPROVED, "policy", 0));
        ledger.apply(notice(1));
        assertThat(ledger.get(TOKEN).orElseThrow().noticeBeforeDone()).isTrue();
        assertThat(ledger.get(TOKEN).orElseThrow().noticeAfterDone()).isFalse();

        ledger.apply(action(Status.REVOKED, "policy", 2));
        ledger.apply(notice(3));
        assertThat(ledger.get(TOKEN).orElseThrow().noticeAfterDone()).isTrue();
    }

    @Test
    void shouldReachTheSameStateWhenTheSameActionsAreReplayed() {
        List<ResponseAction> actions = List.of(action(Status.PROPOSED, "policy", 0), action(Status.APPROVED, "alice", 1),
                action(Status.REVOKED, "alice", 2));
        actions.forEach(ledger::apply);
        ActionLedger replayed = new ActionLedger(new HourlyCap(5));
        actions.forEach(replayed::apply);

        assertThat(replayed.all()).isEqualTo(ledger.all());
    }

    private static ResponseAction action(Status status, String decidedBy, int seconds) {
        return new ResponseAction(UUID.randomUUID().toString(), "finding-1", "contoso", TOKEN, Kind.REVOKE_TOKEN, status,
                decidedBy, status.name(), T0.plusSeconds(seconds));
    }

    private static ResponseAction notice(int seconds) {
        return new ResponseAction(UUID.randomUUID().toString(), "finding-1", "contoso", TOKEN, Kind.NOTIFY_OWNER,
                Status.VERIFIED, "policy", "sent", T0.plusSeconds(seconds));
    }
}
