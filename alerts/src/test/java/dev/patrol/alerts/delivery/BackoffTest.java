package dev.patrol.alerts.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BackoffTest {

    private final Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30));

    @Test
    void shouldDoubleUpToMaxWhenFailuresRepeat() {
        assertThat(backoff.delay(1, Optional.empty(), 0.999)).isEqualTo(Duration.ofMillis(999));
        assertThat(backoff.delay(3, Optional.empty(), 0.999)).isEqualTo(Duration.ofMillis(3998));
        assertThat(backoff.delay(50, Optional.empty(), 0.999)).isEqualTo(Duration.ofMillis(29985));
    }

    @Test
    void shouldWaitAtLeastHalfTheStepWhenJitterIsLowest() {
        assertThat(backoff.delay(3, Optional.empty(), 0)).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void shouldHonourRetryAfterWhenReceiverAsksForLonger() {
        assertThat(backoff.delay(1, Optional.of(Duration.ofSeconds(20)), 0.5)).isEqualTo(Duration.ofSeconds(20));
        assertThat(backoff.delay(5, Optional.of(Duration.ofMillis(1)), 0)).isEqualTo(Duration.ofSeconds(8));
    }
}
