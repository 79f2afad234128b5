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

/** PAT-UA-07 on the production topology: positive, negative and edge cases. */
class PatUserAgentTest {

    DetectionHarness harness;

    @BeforeEach
    void setUp() {
        harness = TokenUseWorld.harness();
    }

    @AfterEach
    void tearDown() {
        harness.close();
    }

    static final String RULE = PatUserAgent.RULE_ID;

    @Test
    void shouldReportBrowserAtBaseAndAttackToolRaised() {
        harness.use(entry("u1").pat("PAT", TOKEN).from("10.0.0.1")
                        .userAgent("Mozilla/5.0 (Windows NT 10.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0"))
                .use(entry("u2").pat("PAT", TOKEN).from("10.0.0.2").userAgent("adokit/1.2").at(T0.plus(Duration.ofDays(2))));

        assertThat(harness.findingsOf(RULE)).extracting(f -> f.evidence().get("userAgentKind") + "=" + f.severity())
                .containsExactly("browser=MEDIUM", "attack tool=HIGH");
    }

    @Test
    void shouldStaySilentForCliUserAgentsAndBrowserCookies() {
        harness.use(entry("u3").pat("PAT", TOKEN).userAgent("git/2.45.0 (Linux)"))
                .use(entry("u4").pat("PAT", TOKEN).userAgent(null))
                .use(entry("u5").mechanism("FedAuth").userAgent("Mozilla/5.0 Firefox/126.0"));

        assertThat(harness.findingsOf(RULE)).isEmpty();
    }

    @Test
    void shouldReportAnotherKindOfClientFromAnotherNetwork() {
        harness.use(entry("u6").pat("PAT", TOKEN).from("10.0.0.6").userAgent("git/2.45.0"))
                .use(entry("u7").pat("PAT", TOKEN).from("203.0.113.7").userAgent("python-requests/2.31.0")
                        .at(T0.plus(Duration.ofHours(3))));

        assertThat(harness.findingsOf(RULE)).singleElement().satisfies(f -> {
            assertThat(f.sourceEventIds()).containsExactly("u7");
            assertThat(f.evidence()).containsEntry("userAgentKind", "client changed").containsEntry("previousClient", "git")
                    .containsEntry("previousNetwork", "10.0.0.0/24");
        });
    }

    @Test
    void shouldStaySilentWhenOnlyTheClientOrOnlyTheNetworkChanges() {
        harness.use(entry("u8").pat("PAT", TOKEN).from("10.0.0.8").userAgent("git/2.45.0"))
                .use(entry("u9").pat("PAT", TOKEN).from("10.0.0.9").userAgent("curl/8.5.0").at(T0.plusSeconds(60)))
                .use(entry("u10").pat("PAT", TOKEN).from("203.0.113.10").userAgent("curl/8.6.0").at(T0.plusSeconds(120)));

        assertThat(harness.findingsOf(RULE)).isEmpty();
    }
}
