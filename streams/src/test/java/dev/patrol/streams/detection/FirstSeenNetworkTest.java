package dev.patrol.streams.detection;

import static dev.patrol.streams.detection.DetectionHarness.T0;
import static dev.patrol.streams.detection.DetectionHarness.entry;
import static dev.patrol.streams.detection.DetectionHarness.pat;
import static dev.patrol.streams.detection.StatefulNetworks.AMSTERDAM;
import static dev.patrol.streams.detection.StatefulNetworks.OTHER_TOKEN;
import static dev.patrol.streams.detection.StatefulNetworks.SYDNEY;
import static dev.patrol.streams.detection.StatefulNetworks.TOKEN;
import static dev.patrol.streams.detection.StatefulNetworks.UTRECHT_OTHER_ASN;
import static org.assertj.core.api.Assertions.assertThat;

import dev.patrol.model.event.Severity;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** PAT-NEWNET-02 and PAT-NEWCOUNTRY-03 on the production topology (one state design, two rules). */
class FirstSeenNetworkTest {

    static final String ASN_RULE = FirstSeenAsn.RULE_ID;
    static final String COUNTRY_RULE = FirstSeenCountry.RULE_ID;
    static final Duration LEARNING = Duration.ofDays(14);
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
    void shouldLearnQuietlyDuringTheLearningPeriod() {
        harness.use(entry("n1").pat("PAT", TOKEN).from(AMSTERDAM))
                .use(entry("n2").pat("PAT", TOKEN).from(SYDNEY).at(T0.plus(Duration.ofDays(2))));

        assertThat(harness.findings.readValuesToList()).filteredOn(f -> f.ruleId().startsWith("PAT-NEW")).isEmpty();
    }

    @Test
    void shouldReportNewAsnAndCountryAfterLearningRaisedWhenNewForOwnerToo() {
        harness.use(entry("n3").pat("PAT", TOKEN).from(AMSTERDAM))
                .use(entry("n4").pat("PAT", TOKEN).from(SYDNEY).at(T0.plus(LEARNING).plusSeconds(1)));

        var findings = harness.findings.readValuesToList();

        assertThat(findings).filteredOn(f -> f.ruleId().equals(ASN_RULE)).singleElement().satisfies(f -> {
            assertThat(f.severity()).isEqualTo(Severity.MEDIUM);
            assertThat(f.evidence()).containsEntry("newFor", "token and owner").containsEntry("previously", "AS1136");
        });
        assertThat(findings).filteredOn(f -> f.ruleId().equals(COUNTRY_RULE)).singleElement().satisfies(f -> {
            assertThat(f.severity()).isEqualTo(Severity.HIGH);
            assertThat(f.evidence()).containsEntry("previously", "NL");
        });
    }

    @Test
    void shouldKeepBaseSeverityWhenOnlyTheTokenIsNew() {
        harness.use(entry("n5").pat("PAT", OTHER_TOKEN).from(UTRECHT_OTHER_ASN))
                .use(entry("n6").pat("PAT", TOKEN).from(AMSTERDAM).at(T0.plusSeconds(60)))
                .use(entry("n7").pat("PAT", TOKEN).from(UTRECHT_OTHER_ASN).at(T0.plus(LEARNING).plus(Duration.ofDays(1))));

        assertThat(harness.findingsOf(ASN_RULE)).singleElement().satisfies(f -> {
            assertThat(f.severity()).isEqualTo(Severity.LOW);
            assertThat(f.evidence()).containsEntry("newFor", "token");
        });
    }

    @Test
    void shouldStaySilentForAKnownNetworkAndForgetItAfterTheTtl() {
        harness.use(entry("n8").pat("PAT", TOKEN).from(AMSTERDAM))
                .use(entry("n9").pat("PAT", TOKEN).from(AMSTERDAM).at(T0.plus(Duration.ofDays(30))))
                .use(entry("n10").pat("PAT", TOKEN).from(AMSTERDAM).at(T0.plus(Duration.ofDays(200))));

        assertThat(harness.findingsOf(ASN_RULE)).extracting(f -> f.sourceEventIds().get(0)).containsExactly("n10");
    }

    @Test
    void shouldNeverReportTheCorporateNetwork() {
        harness.use(entry("n11").pat("PAT", TOKEN).from(AMSTERDAM))
                .use(entry("n12").pat("PAT", TOKEN).from("10.1.1.1").at(T0.plus(Duration.ofDays(20))));

        assertThat(harness.findings.readValuesToList()).filteredOn(f -> f.ruleId().startsWith("PAT-NEW")).isEmpty();
    }
}
