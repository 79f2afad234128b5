package dev.patrol.streams.detection;

import static dev.patrol.streams.detection.DetectionHarness.T0;
import static dev.patrol.streams.detection.DetectionHarness.entry;
import static dev.patrol.streams.detection.DetectionHarness.pat;
import static dev.patrol.streams.detection.StatefulNetworks.AMSTERDAM;
import static dev.patrol.streams.detection.StatefulNetworks.AMSTERDAM_SAME_24;
import static dev.patrol.streams.detection.StatefulNetworks.NEW_YORK;
import static dev.patrol.streams.detection.StatefulNetworks.OTHER_TOKEN;
import static dev.patrol.streams.detection.StatefulNetworks.ROTTERDAM_SAME_ASN;
import static dev.patrol.streams.detection.StatefulNetworks.SYDNEY;
import static dev.patrol.streams.detection.StatefulNetworks.TOKEN;
import static dev.patrol.streams.detection.StatefulNetworks.VPN_SYDNEY;
import static org.assertj.core.api.Assertions.assertThat;

import dev.patrol.model.event.Severity;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** PAT-TRAVEL-04 on the production topology. */
class ImpossibleTravelTest {

    static final String RULE = ImpossibleTravel.RULE_ID;
    DetectionHarness harness;

    @BeforeEach
    void setUp() {
        harness = new DetectionHarness(StatefulNetworks.network())
                .token(pat(TOKEN, "laptop", "vso.code", "jane@contoso.example"))
                .token(pat(OTHER_TOKEN, "ci", "vso.build", "jane@contoso.example"));
    }

    @AfterEach
    void tearDown() {
        harness.close();
    }

    @Test
    void shouldReportAmsterdamToSydneyInAnHourAcrossTheOwnersTokens() {
        harness.use(entry("t1").pat("PAT", TOKEN).from(AMSTERDAM))
                .use(entry("t2").pat("PAT", OTHER_TOKEN).from(SYDNEY).at(T0.plus(Duration.ofHours(1))));

        assertThat(harness.findingsOf(RULE)).singleElement().satisfies(f -> {
            assertThat(f.severity()).isEqualTo(Severity.HIGH);
            assertThat(f.subject().authorizationId()).isEqualTo(OTHER_TOKEN);
            assertThat(f.evidence()).containsEntry("previousIp", AMSTERDAM).containsEntry("previousCity", "Amsterdam")
                    .containsKey("speedKmh");
            assertThat(Double.parseDouble(f.evidence().get("distanceKm"))).isBetween(16_500.0, 16_700.0);
            assertThat(f.summary()).contains("Sydney, AU").contains("60 min after Amsterdam, NL");
        });
    }

    @Test
    void shouldStaySilentWhenTheFlightIsPossible() {
        harness.use(entry("t3").pat("PAT", TOKEN).from(AMSTERDAM))
                .use(entry("t4").pat("PAT", TOKEN).from(SYDNEY).at(T0.plus(Duration.ofHours(24))));

        assertThat(harness.findingsOf(RULE)).isEmpty();
    }

    @Test
    void shouldIgnoreTheSameSlash24AndTheSameAsn() {
        harness.use(entry("t5").pat("PAT", TOKEN).from(AMSTERDAM))
                .use(entry("t6").pat("PAT", TOKEN).from(AMSTERDAM_SAME_24).at(T0.plusSeconds(60)))
                .use(entry("t7").pat("PAT", TOKEN).from(ROTTERDAM_SAME_ASN).at(T0.plusSeconds(120)));

        assertThat(harness.findingsOf(RULE)).isEmpty();
    }

    @Test
    void shouldPadByAccuracyRadiusSoAFuzzyLocationIsNotTravel() {
        // 5,860 km in 7 h is 837 km/h; New York's 1000 km accuracy radius in the test data brings it under 800.
        harness.use(entry("t8").pat("PAT", TOKEN).from(AMSTERDAM))
                .use(entry("t9").pat("PAT", TOKEN).from(NEW_YORK).at(T0.plus(Duration.ofHours(7))));

        assertThat(harness.findingsOf(RULE)).isEmpty();
    }

    @Test
    void shouldReportARelayAtInfoAndKeepTheBaseline() {
        harness.use(entry("t10").pat("PAT", TOKEN).from(AMSTERDAM))
                .use(entry("t11").pat("PAT", TOKEN).from(VPN_SYDNEY).at(T0.plus(Duration.ofMinutes(30))))
                .use(entry("t12").pat("PAT", TOKEN).from(ROTTERDAM_SAME_ASN).at(T0.plus(Duration.ofMinutes(60))));

        assertThat(harness.findingsOf(RULE)).singleElement().satisfies(f -> {
            assertThat(f.severity()).isEqualTo(Severity.INFO);
            assertThat(f.evidence()).containsEntry("relay", "true");
        });
    }

    @Test
    void shouldCompareALateEventButNotMoveTheBaselineBack() {
        harness.use(entry("t13").pat("PAT", TOKEN).from(AMSTERDAM).at(T0.plus(Duration.ofHours(2))))
                .use(entry("t14").pat("PAT", TOKEN).from(SYDNEY).at(T0.plus(Duration.ofHours(1))))
                .use(entry("t15").pat("PAT", TOKEN).from(AMSTERDAM_SAME_24).at(T0.plus(Duration.ofHours(3))));

        assertThat(harness.findingsOf(RULE)).extracting(f -> f.sourceEventIds().get(0)).containsExactly("t14");
    }
}
