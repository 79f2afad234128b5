package dev.patrol.streams.detection;

import static dev.patrol.streams.detection.DetectionHarness.DETECTED;
import static dev.patrol.streams.detection.DetectionHarness.pat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.patrol.model.ado.SessionToken;
import dev.patrol.model.event.Finding;
import dev.patrol.model.event.PersonalAccessToken;
import dev.patrol.model.event.Severity;
import dev.patrol.model.event.TokenLifecycleEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** PAT-HYGIENE-22 on the production topology: each reason, once per token, re-checked as time passes. */
class TokenHygieneTest {

    static final String RULE = TokenHygiene.RULE_ID;
    static final String ID = "44444444-2222-4333-8444-555555555555";

    final DetectionHarness harness = new DetectionHarness(new TestNetwork().corporate("10.0.0.0/8"));

    @AfterEach
    void tearDown() {
        harness.close();
    }

    @Test
    void shouldReportAGlobalFullAccessTokenOncePerReasonWithTheRetirementDate() {
        harness.token(token(ID, "app_token", true, 30, 60));
        harness.token(token(ID, "app_token", true, 30, 60)); // the same listing again: nothing new
        harness.after(Duration.ofHours(2)); // two re-checks: still nothing new

        List<Finding> findings = harness.findingsOf(RULE);

        assertThat(findings).extracting(f -> f.evidence().get("reason")).containsExactlyInAnyOrder("fullScope", "global");
        assertThat(findings).filteredOn(f -> f.evidence().get("reason").equals("global")).singleElement().satisfies(f -> {
            assertThat(f.severity()).isEqualTo(Severity.MEDIUM);
            assertThat(f.summary()).contains("stop working on 2026-12-01", "213 day(s) left", "jane@contoso.example");
            assertThat(f.subject().authorizationId()).isEqualTo(ID);
            assertThat(f.sourceEventIds()).isEmpty();
        });
        assertThat(findings).filteredOn(f -> f.evidence().get("reason").equals("fullScope")).singleElement()
                .satisfies(f -> assertThat(f.severity()).isEqualTo(Severity.LOW));
    }

    @Test
    void shouldStaySilentForAScopedOrgTokenOfNormalLifetime() {
        harness.token(token(ID, "vso.code vso.build", false, 30, 60));
        harness.after(Duration.ofHours(2));

        assertThat(harness.findingsOf(RULE)).isEmpty();
    }

    @Test
    void shouldReportALifetimeAboveTheMaximumAndSayByHowMuch() {
        harness.token(token(ID, "vso.code", false, 200, 165));

        assertThat(harness.findingsOf(RULE)).singleElement().satisfies(f -> {
            assertThat(f.evidence()).containsEntry("reason", "lifetime").containsEntry("lifetimeDays", "365");
            assertThat(f.summary()).contains("lives 365 days, above the maximum of 180 days");
        });
    }

    @Test
    void shouldIgnoreRevokedAndExpiredTokens() {
        var revoked = pat(ID, "gone", "app_token", "jane@contoso.example", false, DETECTED.minus(Duration.ofDays(30)),
                DETECTED.plus(Duration.ofDays(30)), DETECTED.minus(Duration.ofHours(1)));
        harness.token(revoked);
        harness.token(token("55555555-2222-4333-8444-555555555555", "app_token", true, 400, -1));

        assertThat(harness.findingsOf(RULE)).isEmpty();
    }

    @Test
    void shouldReportExpiryWithinTheWindowAsInfo() {
        harness.token(token(ID, "vso.code", false, 80, 3));

        assertThat(harness.findingsOf(RULE)).singleElement().satisfies(f -> {
            assertThat(f.evidence()).containsEntry("reason", "expiring");
            assertThat(f.severity()).isEqualTo(Severity.INFO);
        });
    }

    @Test
    void shouldReportAnOwnerDeletedInEntraOnTheNextRecheck() {
        harness.token(token(ID, "vso.code", false, 30, 60));
        assertThat(harness.findingsOf(RULE)).isEmpty();

        harness.owner("jane@contoso.example", true, DETECTED); // the users table changes; the token record does not
        harness.after(Duration.ofMinutes(61));

        assertThat(harness.findingsOf(RULE)).singleElement().satisfies(f -> {
            assertThat(f.evidence()).containsEntry("reason", "ownerDeleted");
            assertThat(f.summary()).contains("deleted or disabled in Entra");
        });
    }

    @Test
    void shouldReportAReasonAgainWhenItReturnsAfterClearing() {
        harness.token(token(ID, "app_token", false, 30, 60));
        harness.token(token(ID, "vso.code", false, 30, 60));
        harness.token(token(ID, "app_token", false, 30, 60, DETECTED.minus(Duration.ofMinutes(5))));

        List<Finding> findings = harness.findingsOf(RULE);

        assertThat(findings).extracting(f -> f.evidence().get("reason")).containsExactly("fullScope", "fullScope");
        assertThat(findings.get(0).id()).isNotEqualTo(findings.get(1).id());
    }

    @Test
    void shouldReportTheTokensOfAnOwnerRemovedFromTheOrganization() {
        PersonalAccessToken before = token(ID, "vso.code", false, 30, 60);
        harness.lifecycle.pipeInput(ID, new TokenLifecycleEvent("contoso", ID, TokenLifecycleEvent.Kind.OWNER_REMOVED,
                before, null, List.of(), DETECTED), DETECTED);

        assertThat(harness.findingsOf(RULE)).singleElement().satisfies(f -> {
            assertThat(f.evidence()).containsEntry("reason", "ownerRemoved");
            assertThat(f.summary()).contains("works again if the owner's access is restored");
            assertThat(f.severity()).isEqualTo(Severity.MEDIUM);
        });
    }

    /** A token of jane's, created {@code ageDays} before the harness clock, ending {@code daysLeft} after it. */
    static PersonalAccessToken token(String id, String scope, boolean global, long ageDays, long daysLeft) {
        return token(id, scope, global, ageDays, daysLeft, DETECTED.minus(Duration.ofHours(1)));
    }

    static PersonalAccessToken token(String id, String scope, boolean global, long ageDays, long daysLeft,
                                     Instant observedAt) {
        Instant validFrom = DETECTED.minus(Duration.ofDays(ageDays));
        Instant validTo = DETECTED.plus(Duration.ofDays(daysLeft));
        var pat = pat(id, "build-bot", scope, "jane@contoso.example", true, validFrom, validTo, observedAt);
        var s = pat.token();
        return new PersonalAccessToken(pat.organization(), pat.owner(), new SessionToken(s.authorizationId(), null, null,
                null, s.userId(), s.displayName(), scope, global ? null : List.of("org-1"), validFrom, validTo, true,
                false, null, null, null, Map.of()), pat.observedAt());
    }
}
