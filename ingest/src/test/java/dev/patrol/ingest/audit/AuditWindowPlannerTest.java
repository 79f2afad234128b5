package dev.patrol.ingest.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class AuditWindowPlannerTest {

    private final AuditWindowPlanner planner = new AuditWindowPlanner(Duration.ofMinutes(15), Duration.ofHours(6));
    private final Instant now = Instant.parse("2026-05-01T12:00:00Z");

    @Test
    void shouldStartOverlapBeforePreviousEndAndReachNowWhenCaughtUp() {
        var window = planner.next(now.minusSeconds(60), now);

        assertThat(window.start()).isEqualTo(now.minusSeconds(60).minus(Duration.ofMinutes(15)));
        assertThat(window.end()).isEqualTo(now);
        assertThat(window.caughtUp()).isTrue();
    }

    @Test
    void shouldSliceTheBacklogWhenFarBehind() {
        Instant previous = now.minus(Duration.ofDays(2));

        var window = planner.next(previous, now);

        assertThat(window.end()).isEqualTo(previous.plus(Duration.ofHours(6)));
        assertThat(window.caughtUp()).isFalse();
    }

    @Test
    void shouldNeverMoveBackwardsWhenTheClockStepsBack() {
        Instant previous = now.plusSeconds(30);

        var window = planner.next(previous, now);

        assertThat(window.end()).isEqualTo(previous);
    }
}
