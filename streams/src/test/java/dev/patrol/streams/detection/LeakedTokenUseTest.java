package dev.patrol.streams.detection;

import static dev.patrol.streams.detection.DetectionHarness.T0;
import static dev.patrol.streams.detection.DetectionHarness.entry;
import static dev.patrol.streams.detection.DetectionHarness.pat;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patrol.model.event.Severity;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** PAT-LEAKED-12 on the production topology. */
class LeakedTokenUseTest {

    static final String RULE = LeakedTokenUse.RULE_ID;
    static final String TOKEN = "11111111-2222-4333-8444-555555555555";
    DetectionHarness harness;

    @BeforeEach
    void setUp() {
        harness = new DetectionHarness(new TestNetwork().corporate("10.0.0.0/8"))
                .token(pat(TOKEN, "Deploy-Bot", "vso.code", "jane@contoso.example"));
    }

    @AfterEach
    void tearDown() {
        harness.close();
    }

    private static ObjectNode leak(String tokenName, String owner) {
        return JsonNodeFactory.instance.objectNode().put("DisplayName", tokenName).put("OwnerName", owner);
    }

    private DetectionHarness discover(String id, String tokenName, String owner) {
        return harness.use(entry(id).mechanism("").from(null).action(LeakedTokenUse.DISCOVERY)
                .by("Azure DevOps Service", "00000002-0000-8888-8000-000000000000").data(leak(tokenName, owner)));
    }

    @Test
    void shouldReportTheDiscoveryAtOnceAndALaterUseRaised() {
        discover("d1", "deploy-bot", "JANE@contoso.example");
        harness.use(entry("u1").pat("PAT", TOKEN).from("10.0.0.1").at(T0.plus(Duration.ofMinutes(5))));

        var findings = harness.findingsOf(RULE);

        assertThat(findings).extracting(f -> f.sourceEventIds().get(0) + "=" + f.severity())
                .containsExactly("d1=HIGH", "u1=CRITICAL");
        assertThat(findings.get(0).summary()).isEqualTo("ADO found PAT 'deploy-bot' of JANE@contoso.example in a "
                + "public repository; anyone may have copied it");
        assertThat(findings.get(1).subject().authorizationId()).isEqualTo(TOKEN);
        assertThat(findings.get(1).evidence()).containsEntry("discoveryEntry", "d1");
    }

    @Test
    void shouldNotReportAUseBeforeTheDiscovery() {
        harness.use(entry("u2").pat("PAT", TOKEN).from("10.0.0.1").at(T0.minus(Duration.ofMinutes(5))));
        discover("d2", "Deploy-Bot", "jane@contoso.example");

        assertThat(harness.findingsOf(RULE)).extracting(f -> f.sourceEventIds().get(0)).containsExactly("d2");
    }

    @Test
    void shouldNotMatchAnotherOwnersTokenOfTheSameName() {
        discover("d3", "Deploy-Bot", "bob@contoso.example");
        harness.use(entry("u3").pat("PAT", TOKEN).from("10.0.0.1").at(T0.plusSeconds(60)));

        assertThat(harness.findingsOf(RULE)).extracting(f -> f.sourceEventIds().get(0)).containsExactly("d3");
    }

    @Test
    void shouldIgnoreADiscoveryWithoutNames() {
        harness.use(entry("d4").mechanism("").from(null).action(LeakedTokenUse.DISCOVERY)
                .data(JsonNodeFactory.instance.objectNode()));

        assertThat(harness.findingsOf(RULE)).isEmpty();
    }

    @Test
    void shouldKeepTheLeakSeverityAtRuleLevelForTheDiscovery() {
        discover("d5", "Deploy-Bot", "jane@contoso.example");

        assertThat(harness.findingsOf(RULE)).singleElement().satisfies(f -> assertThat(f.severity()).isEqualTo(Severity.HIGH));
    }

    @Test
    void shouldReportEveryDiscoveredTokenEvenWithinTheSuppressionWindow() {
        // A discovery has no token, user or address to group repeats by: two leaks are two alerts, not a repeat.
        discover("d6", "Deploy-Bot", "jane@contoso.example");
        harness.use(entry("d7").mechanism("").from(null).action(LeakedTokenUse.DISCOVERY).at(T0.plusSeconds(60))
                .by("Azure DevOps Service", "00000002-0000-8888-8000-000000000000").data(leak("nightly", "bob@contoso.example")));

        assertThat(harness.findingsOf(RULE)).extracting(f -> f.sourceEventIds().get(0)).containsExactly("d6", "d7");
    }
}
