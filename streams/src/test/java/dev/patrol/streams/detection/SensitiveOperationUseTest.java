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

/** PAT-SENSITIVE-08 on the production topology: positive, negative and edge cases. */
class SensitiveOperationUseTest {


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

    static final String RULE = SensitiveOperationUse.RULE_ID;

    @Test
    void shouldReportPatAndStolenCookieOnSensitiveOperations() {
        harness.use(entry("s1").pat("PAT", TOKEN).from("10.0.0.1").action("Security.ModifyPermission"))
                .use(entry("s2").mechanism("UserAuthToken").from("203.0.113.2").action("Group.UpdateGroupMembership.Add")
                        .by("eve@contoso.example", "user-eve"));

        assertThat(harness.findingsOf(RULE)).extracting(f -> f.sourceEventIds().get(0) + "=" + f.severity())
                .containsExactlyInAnyOrder("s1=MEDIUM", "s2=HIGH");
    }

    @Test
    void shouldStaySilentForOrdinaryOperationsAndBrowserSessions() {
        harness.use(entry("s3").pat("PAT", TOKEN).action("Git.RepositoryCreated"))
                .use(entry("s4").mechanism("FedAuth").action("Security.ModifyPermission"));

        assertThat(harness.findingsOf(RULE)).isEmpty();
    }
}
