package dev.patrol.alerts.response;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class HourlyCapTest {

    private static final Instant T0 = Instant.parse("2026-05-01T10:00:00Z");
    private final HourlyCap cap = new HourlyCap(2);

    @Test
    void shouldBeFullWhenTheLimitIsReachedWithinAnHour() {
        cap.record("contoso", T0);
        cap.record("contoso", T0.plus(Duration.ofMinutes(10)));

        assertThat(cap.full("contoso", T0.plus(Duration.ofMinutes(59)), 0)).isTrue();
    }

    @Test
    void shouldHaveRoomAgainWhenTheOldestRevocationLeavesTheHour() {
        cap.record("contoso", T0);
        cap.record("contoso", T0.plus(Duration.ofMinutes(10)));

        assertThat(cap.full("contoso", T0.plus(Duration.ofMinutes(60)), 0)).isFalse();
        assertThat(cap.nextRoomAt("contoso", T0.plus(Duration.ofMinutes(60)))).contains(T0.plus(Duration.ofMinutes(70)));
    }

    @Test
    void shouldCountRevocationsUnderWayWhenAskedWhetherOneMoreFits() {
        cap.record("contoso", T0);

        assertThat(cap.full("contoso", T0, 0)).isFalse();
        assertThat(cap.full("contoso", T0, 1)).isTrue();
    }

    @Test
    void shouldCountEachOrganizationAloneWhateverTheCase() {
        cap.record("contoso", T0);
        cap.record("CONTOSO", T0);

        assertThat(cap.full("contoso", T0, 0)).isTrue();
        assertThat(cap.full("fabrikam", T0, 0)).isFalse();
    }

    @Test
    void shouldCountRevocationsWhenTheyAreRestoredOutOfOrder() {
        cap.record("contoso", T0.plus(Duration.ofMinutes(30)));
        cap.record("contoso", T0.minus(Duration.ofMinutes(90)));
        cap.record("contoso", T0);

        assertThat(cap.used("contoso", T0.plus(Duration.ofMinutes(45)))).isEqualTo(2);
    }
}
