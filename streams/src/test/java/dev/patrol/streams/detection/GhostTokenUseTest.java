package dev.patrol.streams.detection;

import static dev.patrol.streams.detection.DetectionHarness.T0;
import static dev.patrol.streams.detection.DetectionHarness.entry;
import static dev.patrol.streams.detection.DetectionHarness.pat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.patrol.model.event.NetworkClass;
import dev.patrol.model.event.Severity;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** PAT-GHOST-10 on the production topology: positive, negative and edge cases. */
class GhostTokenUseTest {


    static final String TOKEN = "11111111-2222-4333-8444-555555555555";
    static final String REVOKED = "33333333-2222-4333-8444-555555555555";
    static final String EXPIRED = "44444444-2222-4333-8444-555555555555";
    static final String GHOST = "99999999-0000-4000-8000-000000000000";
    static final String TOR_IP = "185.220.101.34";
    static final String VPN_IP = "45.83.64.1";
    static final String CLOUD_IP = "52.10.0.1";

    DetectionHarness harness;

    @BeforeEach
    void setUp() {
        harness = new DetectionHarness(new TestNetwork()
                .corporate("10.0.0.0/8")
                .at(TOR_IP, NetworkClass.TOR, "DE", null, 51, 9, 100, 60729, "Tor exit")
                .at(VPN_IP, NetworkClass.ANONYMIZER, "NL", null, 52, 4, 100, 9009, "M247")
                .at(CLOUD_IP, NetworkClass.HOSTING, "US", null, 45, -119, 100, 16509, "Amazon"))
                .token(pat(TOKEN, "read-code", "vso.code", "jane@contoso.example"))
                .token(pat(REVOKED, "old-bot", "vso.code", "bob@contoso.example", false,
                        T0.minus(Duration.ofDays(30)), T0.plus(Duration.ofDays(30)), T0.minus(Duration.ofHours(3))))
                .token(pat(EXPIRED, "stale", "vso.code", "bob@contoso.example", true,
                        T0.minus(Duration.ofDays(30)), T0.minus(Duration.ofDays(2)), T0.minus(Duration.ofDays(3))));
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
