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

/** PAT-SENSITIVE-08 on the production topology: positive, negative and edge cases. */
class SensitiveOperationUseTest {

    DetectionHarness harness;

    @BeforeEach
    void setUp() {
        harness = TokenUseWorld.harness();
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
                .containsExactlyInAnyOrder("s1=LOW", "s2=MEDIUM");
    }

    @Test
    void shouldStaySilentForOrdinaryOperationsAndBrowserSessions() {
        harness.use(entry("s3").pat("PAT", TOKEN).action("Git.RepositoryCreated"))
                .use(entry("s4").mechanism("FedAuth").action("Security.ModifyPermission"));

        assertThat(harness.findingsOf(RULE)).isEmpty();
    }
}
