package dev.patrol.ingest.inventory;

import static dev.patrol.ingest.inventory.InventoryFixtures.ORG;
import static dev.patrol.ingest.inventory.InventoryFixtures.ORG_ID;
import static dev.patrol.ingest.inventory.InventoryFixtures.byId;
import static dev.patrol.ingest.inventory.InventoryFixtures.pat;
import static dev.patrol.ingest.inventory.InventoryFixtures.snapshot;
import static dev.patrol.ingest.inventory.InventoryFixtures.token;
import static dev.patrol.ingest.inventory.InventoryFixtures.user;
import static dev.patrol.ingest.inventory.InventoryFixtures.with;
import static dev.patrol.ingest.inventory.InventoryFixtures.withValid;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.patrol.model.ado.GraphUser;
import dev.patrol.model.ado.SessionToken;
import dev.patrol.model.event.OrgUser;
import dev.patrol.model.event.PersonalAccessToken;
import dev.patrol.model.event.TokenLifecycleEvent;
import dev.patrol.model.event.TokenLifecycleEvent.Kind;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The diff as a pure function: previous state + snapshot (whose observedAt is "now") → events and writes. */
class InventoryDiffTest {

    private static final Instant T0 = Instant.parse("2026-05-01T12:00:00Z");
    private static final Instant T1 = T0.plus(Duration.ofHours(1));
    private static final Instant YEAR_LATER = T0.plus(Duration.ofDays(365));

    private static final GraphUser ALICE = user("aad.YWxpY2U");
    private static final GraphUser BOB = user("aad.Ym9i");
    private static final GraphUser CAROL = user("aad.Y2Fyb2w");

    private static final SessionToken A1 = token("a1000000-0000-0000-0000-000000000001", "ci", "vso.code", YEAR_LATER);
    private static final SessionToken A2 = token("a2000000-0000-0000-0000-000000000002", "deploy", "vso.build vso.code", YEAR_LATER);
    private static final SessionToken B1 = token("b1000000-0000-0000-0000-000000000001", "laptop", "app_token", YEAR_LATER);
    private static final SessionToken C1 = token("c1000000-0000-0000-0000-000000000001", "backup", "vso.code", YEAR_LATER);

    /** The state after a first, complete scan at T0 of Alice (A1, A2), Bob (B1) and Carol (C1). */
    private static InventoryState scannedAtT0() {
        return InventoryDiff.diff(ORG, InventoryState.empty(), snapshot(T0, List.of(ALICE, BOB, CAROL), Set.of(),
                pat(ALICE, A1, T0), pat(ALICE, A2, T0), pat(BOB, B1, T0), pat(CAROL, C1, T0))).next();
    }

    @Test
    void shouldWriteEveryTokenAndUserButEmitNoEventWhenScanIsTheFirstEver() {
        // given
        var first = snapshot(T0, List.of(ALICE, BOB), Set.of(), pat(ALICE, A1, T0), pat(BOB, B1, T0));

        // when
        var changes = InventoryDiff.diff(ORG, InventoryState.empty(), first);

        // then
        assertThat(changes.events()).isEmpty();
        assertThat(changes.tokenUpserts()).extracting(PersonalAccessToken::authorizationId)
                .containsExactly(A1.authorizationId(), B1.authorizationId());
        assertThat(changes.tokenTombstones()).isEmpty();
        assertThat(changes.userUpserts()).extracting(u -> u.user().descriptor())
                .containsExactly(ALICE.descriptor(), BOB.descriptor());
        assertThat(changes.next().coveredUsers()).containsExactlyInAnyOrder(ALICE.descriptor(), BOB.descriptor());
    }

    @Test
    void shouldEmitCreatedWhenAKnownUserHasANewToken() {
        // given
        SessionToken a3 = token("a3000000-0000-0000-0000-000000000003", "new", "vso.code", YEAR_LATER);
        var scan = snapshot(T1, List.of(ALICE, BOB, CAROL), Set.of(), pat(ALICE, A1, T1), pat(ALICE, A2, T1),
                pat(ALICE, a3, T1), pat(BOB, B1, T1), pat(CAROL, C1, T1));

        // when
        var changes = InventoryDiff.diff(ORG, scannedAtT0(), scan);

        // then
        assertThat(changes.events()).singleElement().satisfies(event -> {
            assertThat(event.kind()).isEqualTo(Kind.CREATED);
            assertThat(event.authorizationId()).isEqualTo(a3.authorizationId());
            assertThat(event.before()).isNull();
            assertThat(event.after()).isEqualTo(pat(ALICE, a3, T1));
            assertThat(event.observedAt()).isEqualTo(T1);
        });
        assertThat(changes.tokenUpserts()).containsExactly(pat(ALICE, a3, T1));
        assertThat(changes.tokenTombstones()).isEmpty();
        assertThat(changes.userUpserts()).isEmpty();
    }

    @Test
    void shouldEmitCreatedWhenANewUserJoinsAnOrganizationAlreadyScanned() {
        // given
        GraphUser dave = user("aad.ZGF2ZQ");
        SessionToken d1 = token("d1000000-0000-0000-0000-000000000001", "dave", "vso.code", YEAR_LATER);
        var scan = snapshot(T1, List.of(ALICE, BOB, CAROL, dave), Set.of(), pat(ALICE, A1, T1), pat(ALICE, A2, T1),
                pat(BOB, B1, T1), pat(CAROL, C1, T1), pat(dave, d1, T1));

        // when
        var changes = InventoryDiff.diff(ORG, scannedAtT0(), scan);

        // then
        assertThat(changes.events()).extracting(TokenLifecycleEvent::kind, TokenLifecycleEvent::authorizationId)
                .containsExactly(tuple(Kind.CREATED, d1.authorizationId()));
        assertThat(changes.userUpserts()).extracting(u -> u.user().descriptor()).containsExactly(dave.descriptor());
    }

    @Test
    void shouldTakeTokensAsBaselineWhenAUserIsListedForTheFirstTimeAfterFailing() {
        // given: Bob's listing failed in the first scan, so his tokens were never known
        InventoryState afterFailure = InventoryDiff.diff(ORG, InventoryState.empty(),
                snapshot(T0, List.of(ALICE, BOB), Set.of(BOB.descriptor()), pat(ALICE, A1, T0))).next();
        var scan = snapshot(T1, List.of(ALICE, BOB), Set.of(), pat(ALICE, A1, T1), pat(BOB, B1, T1));

        // when
        var changes = InventoryDiff.diff(ORG, afterFailure, scan);

        // then
        assertThat(changes.events()).isEmpty();
        assertThat(changes.tokenUpserts()).containsExactly(pat(BOB, B1, T1));
        assertThat(changes.next().coveredUsers()).contains(BOB.descriptor());
    }

    @Test
    void shouldEmitOneUpdatedListingEveryChangeWhenSeveralFieldsChanged() {
        // given
        Instant shorter = T0.plus(Duration.ofDays(30));
        SessionToken changed = with(A1, "ci-renamed", "app_token", shorter, null);
        var scan = snapshot(T1, List.of(ALICE, BOB, CAROL), Set.of(), pat(ALICE, changed, T1), pat(ALICE, A2, T1),
                pat(BOB, B1, T1), pat(CAROL, C1, T1));

        // when
        var changes = InventoryDiff.diff(ORG, scannedAtT0(), scan);

        // then
        assertThat(changes.events()).singleElement().satisfies(event -> {
            assertThat(event.kind()).isEqualTo(Kind.UPDATED);
            assertThat(event.before()).isEqualTo(pat(ALICE, A1, T0));
            assertThat(event.after()).isEqualTo(pat(ALICE, changed, T1));
            assertThat(event.changes()).containsExactly(
                    "displayName: ci -> ci-renamed",
                    "scope: vso.code -> app_token",
                    "validTo: " + YEAR_LATER + " -> " + shorter,
                    "targetAccounts: [" + ORG_ID + "] -> (all organizations)");
        });
        assertThat(changes.tokenUpserts()).containsExactly(pat(ALICE, changed, T1));
    }

    @Test
    void shouldNeitherEmitNorWriteWhenTheScanConfirmsTheState() {
        // given: the same listing an hour later, scopes in another order
        SessionToken reordered = with(A2, A2.displayName(), "vso.code  vso.build", A2.validTo(), A2.targetAccounts());
        var scan = snapshot(T1, List.of(ALICE, BOB, CAROL), Set.of(), pat(ALICE, A1, T1), pat(ALICE, A2, T1),
                pat(BOB, B1, T1), pat(CAROL, C1, T1));
        var reorderedScan = snapshot(T1, List.of(ALICE, BOB, CAROL), Set.of(), pat(ALICE, A1, T1),
                pat(ALICE, reordered, T1), pat(BOB, B1, T1), pat(CAROL, C1, T1));
        InventoryState previous = scannedAtT0();

        // when
        var changes = InventoryDiff.diff(ORG, previous, scan);
        var reorderedChanges = InventoryDiff.diff(ORG, previous, reorderedScan);

        // then
        assertThat(changes.nothingToWrite()).isTrue();
        assertThat(changes.next()).isEqualTo(previous);
        assertThat(reorderedChanges.events()).isEmpty();
        assertThat(reorderedChanges.tokenUpserts()).containsExactly(pat(ALICE, reordered, T1));
    }

    @Test
    void shouldEmitRevokedWhenATokenTurnsInvalid() {
        // given
        SessionToken revoked = withValid(B1, false);
        var scan = snapshot(T1, List.of(ALICE, BOB, CAROL), Set.of(), pat(ALICE, A1, T1), pat(ALICE, A2, T1),
                pat(BOB, revoked, T1), pat(CAROL, C1, T1));

        // when
        var changes = InventoryDiff.diff(ORG, scannedAtT0(), scan);

        // then
        assertThat(changes.events()).singleElement().satisfies(event -> {
            assertThat(event.kind()).isEqualTo(Kind.REVOKED);
            assertThat(event.authorizationId()).isEqualTo(B1.authorizationId());
            assertThat(event.before().token().isValid()).isTrue();
            assertThat(event.after().token().isValid()).isFalse();
            assertThat(event.changes()).isEmpty();
        });
        assertThat(changes.tokenUpserts()).containsExactly(pat(BOB, revoked, T1));
    }

    @Test
    void shouldEmitExpiredOnceWhenValidToPassedSinceTheLastScan() {
        // given: C1 expires half an hour after the first scan
        SessionToken expiring = token(C1.authorizationId(), "backup", "vso.code", T0.plus(Duration.ofMinutes(30)));
        InventoryState previous = InventoryDiff.diff(ORG, InventoryState.empty(),
                snapshot(T0, List.of(CAROL), Set.of(), pat(CAROL, expiring, T0))).next();
        var scan = snapshot(T1, List.of(CAROL), Set.of(), pat(CAROL, expiring, T1));
        Instant t2 = T1.plus(Duration.ofHours(1));

        // when
        var changes = InventoryDiff.diff(ORG, previous, scan);

        // then
        assertThat(changes.events()).extracting(TokenLifecycleEvent::kind, TokenLifecycleEvent::authorizationId)
                .containsExactly(tuple(Kind.EXPIRED, C1.authorizationId()));
        // Re-stamped, so the state (and a restart reading the topic) knows the expiry was seen.
        assertThat(changes.tokenUpserts()).containsExactly(pat(CAROL, expiring, T1));
        var again = InventoryDiff.diff(ORG, changes.next(), snapshot(t2, List.of(CAROL), Set.of(), pat(CAROL, expiring, t2)));
        assertThat(again.nothingToWrite()).isTrue();
    }

    @Test
    void shouldNotEmitExpiredWhenTheTokenWasAlreadyExpiredOrRevokedWhenLastSeen() {
        // given
        SessionToken expiredBefore = token(A1.authorizationId(), "ci", "vso.code", T0.minus(Duration.ofDays(1)));
        SessionToken revokedThenExpired = withValid(token(A2.authorizationId(), "deploy", "vso.build",
                T0.plus(Duration.ofMinutes(30))), false);
        InventoryState previous = InventoryDiff.diff(ORG, InventoryState.empty(), snapshot(T0, List.of(ALICE),
                Set.of(), pat(ALICE, expiredBefore, T0), pat(ALICE, revokedThenExpired, T0))).next();
        var scan = snapshot(T1, List.of(ALICE), Set.of(), pat(ALICE, expiredBefore, T1),
                pat(ALICE, revokedThenExpired, T1));

        // when
        var changes = InventoryDiff.diff(ORG, previous, scan);

        // then
        assertThat(changes.nothingToWrite()).isTrue();
    }

    @Test
    void shouldEmitDisappearedAndTombstoneWhenAListedOwnerNoLongerHasTheToken() {
        // given
        var scan = snapshot(T1, List.of(ALICE, BOB, CAROL), Set.of(), pat(ALICE, A1, T1), pat(BOB, B1, T1),
                pat(CAROL, C1, T1));

        // when
        var changes = InventoryDiff.diff(ORG, scannedAtT0(), scan);

        // then
        assertThat(changes.events()).singleElement().satisfies(event -> {
            assertThat(event.kind()).isEqualTo(Kind.DISAPPEARED);
            assertThat(event.authorizationId()).isEqualTo(A2.authorizationId());
            assertThat(event.before()).isEqualTo(pat(ALICE, A2, T0));
            assertThat(event.after()).isNull();
        });
        assertThat(changes.tokenTombstones()).containsExactly(A2.authorizationId());
        assertThat(changes.tokenUpserts()).isEmpty();
        assertThat(changes.next().tokens()).doesNotContainKey(A2.authorizationId());
    }

    @Test
    void shouldEmitOwnerRemovedOnceAndTombstoneTokensAndUserWhenTheOwnerLeftTheOrganization() {
        // given
        var scan = snapshot(T1, List.of(BOB, CAROL), Set.of(), pat(BOB, B1, T1), pat(CAROL, C1, T1));

        // when
        var changes = InventoryDiff.diff(ORG, scannedAtT0(), scan);

        // then
        assertThat(changes.events()).extracting(TokenLifecycleEvent::kind, TokenLifecycleEvent::authorizationId)
                .containsExactly(tuple(Kind.OWNER_REMOVED, A1.authorizationId()),
                        tuple(Kind.OWNER_REMOVED, A2.authorizationId()));
        assertThat(changes.tokenTombstones()).containsExactly(A1.authorizationId(), A2.authorizationId());
        assertThat(changes.userTombstones()).containsExactly(ALICE.descriptor());
        assertThat(changes.next().users()).doesNotContainKey(ALICE.descriptor());
        assertThat(changes.next().coveredUsers()).doesNotContain(ALICE.descriptor());
        Instant t2 = T1.plus(Duration.ofHours(1));
        var again = InventoryDiff.diff(ORG, changes.next(),
                snapshot(t2, List.of(BOB, CAROL), Set.of(), pat(BOB, B1, t2), pat(CAROL, C1, t2)));
        assertThat(again.nothingToWrite()).isTrue();
    }

    @Test
    void shouldCarryOverTheTokensOfAFailedUserWhenTheRestOfTheScanIsComplete() {
        // given: Alice's listing failed; Bob's B1 is really gone
        var scan = snapshot(T1, List.of(ALICE, BOB, CAROL), Set.of(ALICE.descriptor()), pat(CAROL, C1, T1));
        InventoryState previous = scannedAtT0();

        // when
        var changes = InventoryDiff.diff(ORG, previous, scan);

        // then
        assertThat(changes.events()).extracting(TokenLifecycleEvent::kind, TokenLifecycleEvent::authorizationId)
                .containsExactly(tuple(Kind.DISAPPEARED, B1.authorizationId()));
        assertThat(changes.tokenTombstones()).containsExactly(B1.authorizationId());
        assertThat(changes.next().tokens()).containsEntry(A1.authorizationId(), pat(ALICE, A1, T0))
                .containsEntry(A2.authorizationId(), pat(ALICE, A2, T0));
        assertThat(changes.next().coveredUsers()).contains(ALICE.descriptor());
    }

    @Test
    void shouldRemoveNobodyWhenTheGraphListingIsIncomplete() {
        // given: Alice is missing, but one Graph user could not be read and may be her
        var scan = new InventoryScanner.Snapshot(List.of(BOB, CAROL), false,
                byId(pat(BOB, B1, T1), pat(CAROL, C1, T1)), Set.of(), 1, 0, T1);
        InventoryState previous = scannedAtT0();

        // when
        var changes = InventoryDiff.diff(ORG, previous, scan);

        // then
        assertThat(changes.nothingToWrite()).isTrue();
        assertThat(changes.next().tokens()).isEqualTo(previous.tokens());
        assertThat(changes.next().users()).containsKey(ALICE.descriptor());
    }

    @Test
    void shouldWriteAUserOnlyWhenNewOrChanged() {
        // given
        GraphUser renamedBob = user(BOB.descriptor(), "Robert");
        var scan = snapshot(T1, List.of(ALICE, renamedBob, CAROL), Set.of(), pat(ALICE, A1, T1), pat(ALICE, A2, T1),
                pat(renamedBob, B1, T1), pat(CAROL, C1, T1));

        // when
        var changes = InventoryDiff.diff(ORG, scannedAtT0(), scan);

        // then
        assertThat(changes.userUpserts()).containsExactly(new OrgUser(ORG, renamedBob, T1));
        assertThat(changes.userTombstones()).isEmpty();
        // The owner's name is part of the token record: rewritten, but no lifecycle news.
        assertThat(changes.tokenUpserts()).containsExactly(pat(renamedBob, B1, T1));
        assertThat(changes.events()).isEmpty();
    }

    @Test
    void shouldReportNewTokensOfRestoredUsersWhenStartingFromTheTopics() {
        // given: a restart; the topics held Alice and her A1
        InventoryState restored = InventoryState.restored(byId(pat(ALICE, A1, T0)),
                Map.of(ALICE.descriptor(), new OrgUser(ORG, ALICE, T0)));
        var scan = snapshot(T1, List.of(ALICE), Set.of(), pat(ALICE, A1, T1), pat(ALICE, A2, T1));

        // when
        var changes = InventoryDiff.diff(ORG, restored, scan);

        // then
        assertThat(changes.events()).extracting(TokenLifecycleEvent::kind, TokenLifecycleEvent::authorizationId)
                .containsExactly(tuple(Kind.CREATED, A2.authorizationId()));
        assertThat(changes.userUpserts()).isEmpty();
    }
}
