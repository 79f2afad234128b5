package dev.patrol.streams.detection;

import static dev.patrol.streams.detection.DetectionHarness.T0;
import static dev.patrol.streams.detection.DetectionHarness.entry;
import static dev.patrol.streams.detection.DetectionHarness.pat;
import static dev.patrol.streams.detection.StatefulNetworks.AMSTERDAM;
import static dev.patrol.streams.detection.StatefulNetworks.NEW_YORK;
import static dev.patrol.streams.detection.StatefulNetworks.SYDNEY;
import static dev.patrol.streams.detection.StatefulNetworks.TOKEN;
import static dev.patrol.streams.detection.StatefulNetworks.UTRECHT_OTHER_ASN;
import static org.assertj.core.api.Assertions.assertThat;

import dev.patrol.model.event.Severity;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** PAT-CONCURRENT-05 on the production topology. */
class ConcurrentNetworksTest {

    static final String RULE = ConcurrentNetworks.RULE_ID;
    DetectionHarness harness;

    @BeforeEach
    void setUp() {
        harness = new DetectionHarness(StatefulNetworks.network())
                .token(pat(TOKEN, "laptop", "vso.code", "jane@contoso.example"));
    }

    @AfterEach
    void tearDown() {
        harness.close();
    }

    @Test
    void shouldReportTheUseThatAddsASecondNetworkWithinTheWindow() {
        harness.use(entry("c1").pat("PAT", TOKEN).from(AMSTERDAM))
                .use(entry("c2").pat("PAT", TOKEN).from(UTRECHT_OTHER_ASN).at(T0.plus(Duration.ofMinutes(10))))
                .use(entry("c3").pat("PAT", TOKEN).from(AMSTERDAM).at(T0.plus(Duration.ofMinutes(12))));

        assertThat(harness.findingsOf(RULE)).singleElement().satisfies(f -> {
            assertThat(f.sourceEventIds()).containsExactly("c2");
            assertThat(f.severity()).isEqualTo(Severity.HIGH);
            assertThat(f.evidence()).containsEntry("asnsInWindow", "AS1136, AS33915")
                    .containsEntry("citiesInWindow", "Amsterdam, Utrecht");
        });
    }

    @Test
    void shouldRaiseWhenMoreNetworksThanTheMinimumTakePart() {
        harness.use(entry("c4").pat("PAT", TOKEN).from(AMSTERDAM))
                .use(entry("c5").pat("PAT", TOKEN).from(SYDNEY).at(T0.plus(Duration.ofMinutes(5))))
                .use(entry("c6").pat("PAT", TOKEN).from(NEW_YORK).at(T0.plus(Duration.ofMinutes(6))));

        assertThat(harness.findingsOf(RULE)).extracting(f -> f.sourceEventIds().get(0) + "=" + f.severity())
                .containsExactly("c5=HIGH", "c6=CRITICAL");
    }

    @Test
    void shouldStaySilentWhenTheSecondNetworkIsOutsideTheWindow() {
        harness.use(entry("c7").pat("PAT", TOKEN).from(AMSTERDAM))
                .use(entry("c8").pat("PAT", TOKEN).from(UTRECHT_OTHER_ASN).at(T0.plus(Duration.ofMinutes(31))));

        assertThat(harness.findingsOf(RULE)).isEmpty();
    }
}
