package dev.patrol.streams.detection;

import static dev.patrol.streams.detection.DetectionHarness.T0;
import static dev.patrol.streams.detection.DetectionHarness.entry;
import static dev.patrol.streams.detection.DetectionHarness.pat;
import static dev.patrol.streams.detection.TokenUseWorld.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.patrol.model.event.NetworkClass;
import dev.patrol.model.event.Severity;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** PAT-POSTREVOKE-11 on the production topology: positive, negative and edge cases. */
class PostRevocationUseTest {

    DetectionHarness harness;

    @BeforeEach
    void setUp() {
        harness = TokenUseWorld.harness();
    }

    @AfterEach
    void tearDown() {
        harness.close();
    }

    static final String RULE = PostRevocationUse.RULE_ID;

    @Test
    void shouldReportUseOfRevokedAndExpiredTokensAfterGrace() {
        harness.use(entry("p1").pat("PAT", REVOKED).from("10.0.0.1"))
                .use(entry("p2").pat("PAT", EXPIRED).from("10.0.0.2"));

        assertThat(harness.findingsOf(RULE)).extracting(f -> f.evidence().get("tokenEnded"))
                .satisfiesExactly(r -> assertThat(r).startsWith("was revoked"), r -> assertThat(r).startsWith("expired"));
    }

    @Test
    void shouldGiveRevocationItsGraceHour() {
        harness.token(pat("55555555-2222-4333-8444-555555555555", "just-revoked", "vso.code", "bob@contoso.example",
                false, T0.minus(Duration.ofDays(30)), T0.plus(Duration.ofDays(30)), T0.minus(Duration.ofMinutes(30))));

        harness.use(entry("p3").pat("PAT", "55555555-2222-4333-8444-555555555555"))
                .use(entry("p4").pat("PAT", TOKEN));

        assertThat(harness.findingsOf(RULE)).isEmpty();
    }

    @Test
    void shouldReportUseAfterTheOwnerWasDeletedInEntraAndShowTheOwnerStatus() {
        harness.owner("jane@contoso.example", true, T0.minus(Duration.ofHours(2)))
                .use(entry("p5").pat("PAT", TOKEN).from("10.0.0.5"));

        assertThat(harness.findingsOf(RULE)).singleElement().satisfies(f -> {
            assertThat(f.evidence().get("tokenEnded")).startsWith("lost its owner");
            assertThat(f.evidence()).containsEntry("ownerStatus", "deleted in Entra");
        });
    }

    @Test
    void shouldShowAMemberOwnerAndStaySilent() {
        harness.owner("jane@contoso.example", false, T0.minus(Duration.ofDays(9)))
                .use(entry("p6").pat("PAT", TOKEN).from("10.0.0.6").action("Security.ModifyPermission"));

        var findings = harness.findings.readValuesToList();

        assertThat(findings).noneMatch(f -> f.ruleId().equals(RULE));
        assertThat(findings).filteredOn(f -> f.ruleId().equals(SensitiveOperationUse.RULE_ID)).singleElement()
                .satisfies(f -> assertThat(f.evidence()).containsEntry("ownerStatus", "member"));
    }
}
