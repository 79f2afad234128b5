package dev.patrol.deploy.report;

import static dev.patrol.deploy.report.ReportFixtures.NOW;
import static dev.patrol.deploy.report.ReportFixtures.ORG;
import static dev.patrol.deploy.report.ReportFixtures.finding;
import static dev.patrol.deploy.report.ReportFixtures.report;
import static dev.patrol.deploy.report.ReportFixtures.token;
import static dev.patrol.deploy.report.ReportFixtures.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.patrol.model.event.Severity;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class TokenReportTest {

    private static final Instant CUTOFF = Instant.parse("2026-12-01T00:00:00Z");

    @Test
    void shouldTakeTheCutOffAsMidnightUtcOnTheFirstOfDecember2026() {
        assertThat(TokenReport.GLOBAL_PAT_CUTOFF).isEqualTo(CUTOFF);
    }

    @Test
    void shouldCountEachScopeOncePerTokenAndCallAppTokenFullAccess() {
        var tokens = List.of(
                token("a", "u1").withScope("app_token"),
                token("b", "u1").withScope("vso.code vso.build  vso.code"),
                token("c", "u1").withScope("vso.code").revoked(),
                token("d", "u1").withScope(null));

        TokenReport report = report(tokens, List.of(user("u1")), List.of());

        assertThat(report.byScope()).extracting(Count::label, Count::tokens, Count::active, Count::note).containsExactly(
                tuple("vso.code", 2L, 1L, ""),
                tuple("(no scope)", 1L, 1L, ""),
                tuple("app_token", 1L, 1L, "full access (all scopes)"),
                tuple("vso.build", 1L, 1L, ""));
        assertThat(report.tokens()).filteredOn(TokenRow::fullAccess).extracting(TokenRow::authorizationId)
                .containsExactly("a");
    }

    @Test
    void shouldPutLifetimesInBucketsByWholeDays() {
        var tokens = List.of(
                token("d30", "u1").lifetime(Duration.ofDays(30).plusHours(23)),
                token("d31", "u1").lifetime(Duration.ofDays(31)),
                token("d180", "u1").lifetime(Duration.ofDays(180)),
                token("d365", "u1").lifetime(Duration.ofDays(365)),
                token("d366", "u1").lifetime(Duration.ofDays(366)),
                token("never", "u1").validBetween(NOW.minus(Duration.ofDays(1)), null));

        TokenReport report = report(tokens, List.of(user("u1")), List.of());

        assertThat(report.byLifetime()).extracting(Count::label, Count::tokens).containsExactly(
                tuple("≤ 30 d", 1L), tuple("≤ 90 d", 1L), tuple("≤ 180 d", 1L), tuple("≤ 365 d", 1L),
                tuple("> 365 d", 1L), tuple("no expiry", 1L));
        assertThat(report.tokens()).filteredOn(t -> t.authorizationId().equals("d30")).singleElement()
                .satisfies(t -> assertThat(t.lifetimeDays()).isEqualTo(30L));
    }

    @Test
    void shouldShowTheUnknownLifetimeBucketOnlyWhenATokenHasNoStart() {
        TokenReport without = report(List.of(token("a", "u1")), List.of(user("u1")), List.of());
        TokenReport with = report(List.of(token("a", "u1").validBetween(null, NOW)), List.of(user("u1")), List.of());

        assertThat(without.byLifetime()).extracting(Count::label).doesNotContain("unknown (no validFrom)");
        assertThat(with.byLifetime()).extracting(Count::label, Count::tokens)
                .contains(tuple("unknown (no validFrom)", 1L));
    }

    @Test
    void shouldTellActiveDeletedRemovedAndUnknownOwners() {
        var tokens = List.of(
                token("t-active", "alice"),
                token("t-deleted", "bob"),
                token("t-removed", "carol"),
                token("t-unknown", "dave").in("fabrikam"));
        var users = List.of(user("alice"), user(ORG, "bob", true));

        TokenReport report = report(tokens, users, List.of());

        assertThat(report.tokens()).extracting(TokenRow::authorizationId, TokenRow::ownerStatus).containsExactlyInAnyOrder(
                tuple("t-active", OwnerStatus.ACTIVE),
                tuple("t-deleted", OwnerStatus.DELETED_IN_ENTRA),
                tuple("t-removed", OwnerStatus.REMOVED_FROM_ORG),
                tuple("t-unknown", OwnerStatus.UNKNOWN));
        assertThat(report.byOwnerStatus()).extracting(Count::label, Count::tokens).containsExactly(
                tuple("active", 1L), tuple("deleted in Entra", 1L), tuple("removed from org", 1L), tuple("unknown", 1L));
        assertThat(report.organizations()).containsExactly("contoso", "fabrikam");
    }

    @Test
    void shouldListOnlyGlobalPatsThatStillWorkSoonestToBreakFirst() {
        var tokens = List.of(
                token("outlives", "alice").asGlobal().validBetween(NOW.minus(Duration.ofDays(10)), CUTOFF.plus(Duration.ofDays(90))),
                token("expires-first", "bob").asGlobal().validBetween(NOW.minus(Duration.ofDays(10)), NOW.plus(Duration.ofDays(5))),
                token("revoked", "alice").asGlobal().revoked(),
                token("expired", "alice").asGlobal().validBetween(NOW.minus(Duration.ofDays(40)), NOW.minus(Duration.ofDays(1))),
                token("no-expiry", "carol").asGlobal().validBetween(NOW.minus(Duration.ofDays(1)), null),
                token("org-scoped", "alice"));

        TokenReport report = report(tokens, List.of(user("alice"), user("bob")), List.of());

        assertThat(report.globalPats()).extracting(GlobalPat::authorizationId, GlobalPat::stopsWorking,
                        GlobalPat::daysLeft, GlobalPat::expiresBeforeCutoff, GlobalPat::ownerStatus)
                .containsExactly(
                        tuple("expires-first", NOW.plus(Duration.ofDays(5)), 5L, true, OwnerStatus.ACTIVE),
                        tuple("outlives", CUTOFF, 182L, false, OwnerStatus.ACTIVE),
                        tuple("no-expiry", CUTOFF, 182L, false, OwnerStatus.REMOVED_FROM_ORG));
        assertThat(report.globalPats().get(1)).satisfies(pat -> {
            assertThat(pat.name()).isEqualTo("token-outlives");
            assertThat(pat.ownerPrincipalName()).isEqualTo("alice@contoso.example");
            assertThat(pat.ownerDisplayName()).isEqualTo("Owner alice");
            assertThat(pat.validTo()).isEqualTo(CUTOFF.plus(Duration.ofDays(90)));
        });
        assertThat(report.tokens()).filteredOn(TokenRow::breaksAtGlobalCutoff).extracting(TokenRow::authorizationId)
                .containsExactlyInAnyOrder("outlives", "no-expiry");
    }

    @Test
    void shouldCountNoDaysLeftOnceTheCutOffHasPassed() {
        assertThat(TokenReport.daysUntil(CUTOFF.plusSeconds(1), CUTOFF)).isZero();
        assertThat(TokenReport.daysUntil(CUTOFF.minus(Duration.ofHours(12)), CUTOFF)).isZero();
        assertThat(TokenReport.daysUntil(CUTOFF.minus(Duration.ofHours(36)), CUTOFF)).isEqualTo(1);
    }

    @Test
    void shouldSummariseWhatFindingsSaidAboutEachTokenTheyNamed() {
        Instant t0 = NOW.minus(Duration.ofDays(3));
        var tokens = List.of(token("abc", "alice"), token("quiet", "alice"));
        var findings = List.of(
                finding("f1", "PAT-OFFNET-01", Severity.MEDIUM, "abc", t0),
                finding("f2", "PAT-ANON-06", Severity.HIGH, "ABC", t0.plus(Duration.ofHours(2))),
                finding("f2", "PAT-ANON-06", Severity.HIGH, "ABC", t0.plus(Duration.ofHours(2))),
                finding("f3", "PAT-GHOST-10", Severity.HIGH, "ghost", "mallory@contoso.example", t0),
                finding("f4", "IP-MULTI-IDENT-15", Severity.HIGH, null, t0));

        TokenReport report = report(tokens, List.of(user("alice")), findings);

        assertThat(report.findingsRead()).isEqualTo(4);
        assertThat(report.findingsWithoutToken()).isEqualTo(1);
        assertThat(report.touchedTokens()).extracting(TouchedToken::authorizationId, TouchedToken::name,
                        TouchedToken::ownerPrincipalName, TouchedToken::inInventory, TouchedToken::findings,
                        TouchedToken::rules, TouchedToken::highestSeverity, TouchedToken::lastFinding)
                .containsExactly(
                        tuple("abc", "token-abc", "alice@contoso.example", true, 2,
                                List.of("PAT-ANON-06", "PAT-OFFNET-01"), Severity.HIGH, t0.plus(Duration.ofHours(2))),
                        tuple("ghost", null, "mallory@contoso.example", false, 1, List.of("PAT-GHOST-10"),
                                Severity.HIGH, t0));
        assertThat(report.tokens()).extracting(TokenRow::authorizationId, row -> row.touched().map(TouchedToken::findings))
                .contains(tuple("abc", java.util.Optional.of(2)), tuple("quiet", java.util.Optional.empty()));
    }

    @Test
    void shouldSayWhyFindingsAreMissingWhenTheSourceHasNone() {
        Inventory inventory = Inventory.withoutFindings("a scan", List.of(token("a", "u1").pat()), List.of(user("u1")),
                "ADO has no findings", List.of("one user could not be listed"));

        TokenReport report = TokenReport.build(inventory, NOW);

        assertThat(report.findingsAvailable()).isFalse();
        assertThat(report.findingsUnavailable()).contains("ADO has no findings");
        assertThat(report.touchedTokens()).isEmpty();
        assertThat(report.caveats()).containsExactly("one user could not be listed");
    }

    @Test
    void shouldCountATokenListedInTwoOrganizationsOnce() {
        var tokens = List.of(token("g", "u1").asGlobal(), token("g", "u1").asGlobal().in("fabrikam"));

        TokenReport report = report(tokens, List.of(user("u1")), List.of());

        assertThat(report.tokens()).singleElement().satisfies(row -> assertThat(row.organization()).isEqualTo(ORG));
        assertThat(report.globalPats()).hasSize(1);
    }

    @Test
    void shouldCallTokensPastValidToExpiredAndNotValidOnesRevoked() {
        var tokens = List.of(
                token("live", "u1"),
                token("old", "u1").validBetween(NOW.minus(Duration.ofDays(60)), NOW),
                token("gone", "u1").revoked());

        TokenReport report = report(tokens, List.of(user("u1")), List.of());

        assertThat(report.byState()).extracting(Count::label, Count::tokens)
                .containsExactly(tuple("active", 1L), tuple("expired", 1L), tuple("revoked", 1L));
    }
}
