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

/** PAT-ANON-06 on the production topology: positive, negative and edge cases. */
class AnonymousSourceUseTest {

    DetectionHarness harness;

    @BeforeEach
    void setUp() {
        harness = TokenUseWorld.harness();
    }

    @AfterEach
    void tearDown() {
        harness.close();
    }

    static final String RULE = AnonymousSourceUse.RULE_ID;

    @Test
    void shouldRaiseTorAndAnonymizerAndKeepHostingAtBase() {
        harness.use(entry("a1").pat("PAT", TOKEN).from(TOR_IP))
                .use(entry("a2").pat("PAT", TOKEN).from(VPN_IP))
                .use(entry("a3").pat("PAT", TOKEN).from(CLOUD_IP));

        assertThat(harness.findingsOf(RULE)).extracting(f -> f.evidence().get("sourceKind") + "=" + f.severity())
                .containsExactly("tor=HIGH", "anonymizer=HIGH", "hosting=MEDIUM");
    }

    @Test
    void shouldStaySilentForPublicCorporateAndCookieUse() {
        harness.use(entry("a4").pat("PAT", TOKEN).from("203.0.113.4"))
                .use(entry("a5").pat("PAT", TOKEN).from("10.0.0.5"))
                .use(entry("a6").mechanism("AAD_Cookie").from(TOR_IP));

        assertThat(harness.findingsOf(RULE)).isEmpty();
    }
}
