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

/** PAT-GHOST-10 on the production topology: positive, negative and edge cases. */
class GhostTokenUseTest {

    DetectionHarness harness;

    @BeforeEach
    void setUp() {
        harness = TokenUseWorld.harness();
    }

    @AfterEach
    void tearDown() {
        harness.close();
    }

    static final String RULE = GhostTokenUse.RULE_ID;

    @Test
    void shouldReportTokenMissingFromInventoryEvenOnTheCorporateNetwork() {
        harness.use(entry("g1").pat("PAT", GHOST).from("10.0.0.1")).after(Duration.ofHours(2).plusMinutes(5));

        assertThat(harness.findingsOf(RULE)).singleElement().satisfies(f -> {
            assertThat(f.severity()).isEqualTo(Severity.HIGH);
            assertThat(f.subject().authorizationId()).isEqualTo(GHOST);
            assertThat(f.evidence()).containsKey("coverage");
        });
    }

    @Test
    void shouldStaySilentForKnownTokensAndEntriesWithoutId() {
        harness.use(entry("g2").pat("PAT", TOKEN)).use(entry("g3").mechanism("PAT")).after(Duration.ofHours(3));

        assertThat(harness.findingsOf(RULE)).isEmpty();
    }

    @Test
    void shouldWaitTheGraceBeforeReporting() {
        harness.use(entry("g4").pat("PAT", GHOST).from("10.0.0.1")).after(Duration.ofMinutes(90));

        assertThat(harness.findingsOf(RULE)).isEmpty();
    }

    @Test
    void shouldStaySilentWhenTheTokenArrivesWithinTheGrace() {
        harness.use(entry("g5").pat("PAT", GHOST).from("10.0.0.1")).after(Duration.ofMinutes(30))
                .token(pat(GHOST, "new-token", "vso.code", "jane@contoso.example")).after(Duration.ofHours(3));

        assertThat(harness.findingsOf(RULE)).isEmpty();
    }
}
