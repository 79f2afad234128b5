package dev.patrol.streams.detection;

import static dev.patrol.streams.detection.DetectionHarness.T0;
import static dev.patrol.streams.detection.DetectionHarness.entry;
import static dev.patrol.streams.detection.StatefulNetworks.AMSTERDAM;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** IP-MULTI-IDENT-15 on the production topology. */
class SharedSourceAcrossOwnersTest {

    static final String RULE = SharedSourceAcrossOwners.RULE_ID;
    DetectionHarness harness;

    @BeforeEach
    void setUp() {
        harness = new DetectionHarness(StatefulNetworks.network());
    }

    @AfterEach
    void tearDown() {
        harness.close();
    }

    private DetectionHarness useBy(String id, String who, String ip, int minutes) {
        return harness.use(entry(id).pat("PAT", "aaaaaaaa-0000-4000-8000-00000000000" + id.charAt(id.length() - 1))
                .from(ip).by(who + "@contoso.example", "user-" + who).at(T0.plus(Duration.ofMinutes(minutes))));
    }

    @Test
    void shouldReportTheThirdPersonsTokenFromOneAddress() {
        useBy("m1", "jane", AMSTERDAM, 0);
        useBy("m2", "bob", AMSTERDAM, 10);
        useBy("m3", "jane", AMSTERDAM, 15);
        useBy("m4", "eve", AMSTERDAM, 20);

        assertThat(harness.findingsOf(RULE)).singleElement().satisfies(f -> {
            assertThat(f.sourceEventIds()).containsExactly("m4");
            assertThat(f.subject().ipAddress()).isEqualTo(AMSTERDAM);
            assertThat(f.subject().authorizationId()).isNull();
            assertThat(f.evidence()).containsEntry("ownersInWindow", "3");
        });
    }

    @Test
    void shouldStaySilentWhenPeopleAreSpreadOverMoreThanTheWindow() {
        useBy("m5", "jane", AMSTERDAM, 0);
        useBy("m6", "bob", AMSTERDAM, 50);
        useBy("m7", "eve", AMSTERDAM, 120);

        assertThat(harness.findingsOf(RULE)).isEmpty();
    }

    @Test
    void shouldSkipTheCorporateNetwork() {
        useBy("m8", "jane", "10.0.0.1", 0);
        useBy("m9", "bob", "10.0.0.1", 1);
        useBy("m0", "eve", "10.0.0.1", 2);

        assertThat(harness.findingsOf(RULE)).isEmpty();
    }
}
