package dev.patrol.ingest.ado;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpHeaders;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RatePacerTest {

    private static final Instant NOW = Instant.parse("2026-05-01T12:00:00Z");

    private static HttpHeaders headers(String limit, String remaining, String reset) {
        Map<String, List<String>> map = new java.util.HashMap<>();
        if (limit != null) {
            map.put("X-RateLimit-Limit", List.of(limit));
        }
        if (remaining != null) {
            map.put("X-RateLimit-Remaining", List.of(remaining));
        }
        if (reset != null) {
            map.put("X-RateLimit-Reset", List.of(reset));
        }
        return HttpHeaders.of(map, (name, value) -> true);
    }

    private static String resetIn(Duration duration) {
        return Long.toString(NOW.plus(duration).getEpochSecond());
    }

    @Test
    void shouldNotWaitWhenMoreThanATenthOfTheBudgetRemains() {
        // given
        RatePacer pacer = new RatePacer();

        // when
        var slowDown = pacer.observe(headers("200", "20", resetIn(Duration.ofMinutes(5))), NOW);

        // then
        assertThat(slowDown).isEmpty();
        assertThat(pacer.reserve(NOW)).isZero();
        assertThat(pacer.reserve(NOW)).isZero();
    }

    @Test
    void shouldSpreadTheRemainingBudgetUntilResetWhenLessThanATenthRemains() {
        // given
        RatePacer pacer = new RatePacer();

        // when
        var slowDown = pacer.observe(headers("200", "19", resetIn(Duration.ofSeconds(200))), NOW);

        // then: 200 s over 19 + 1 requests, each reservation a slot further
        assertThat(slowDown).hasValueSatisfying(s -> assertThat(s.spacing()).isEqualTo(Duration.ofSeconds(10)));
        assertThat(pacer.reserve(NOW)).isEqualTo(Duration.ofSeconds(10));
        assertThat(pacer.reserve(NOW)).isEqualTo(Duration.ofSeconds(20));
    }

    @Test
    void shouldWaitForTheResetWhenNothingRemains() {
        // given
        RatePacer pacer = new RatePacer();

        // when
        pacer.observe(headers("200", "0", resetIn(Duration.ofSeconds(42))), NOW);

        // then
        assertThat(pacer.reserve(NOW)).isEqualTo(Duration.ofSeconds(42));
    }

    @Test
    void shouldCapTheWaitWhenTheServersResetIsImplausiblyFar() {
        // given
        RatePacer pacer = new RatePacer();

        // when
        pacer.observe(headers("200", "0", resetIn(Duration.ofHours(3))), NOW);

        // then
        assertThat(pacer.reserve(NOW)).isEqualTo(RatePacer.MAX_PAUSE);
    }

    @Test
    void shouldStopPacingWhenTheBudgetIsBack() {
        // given
        RatePacer pacer = new RatePacer();
        pacer.observe(headers("200", "1", resetIn(Duration.ofSeconds(60))), NOW);
        Instant later = NOW.plusSeconds(60);

        // when
        pacer.observe(headers("200", "199", resetIn(Duration.ofSeconds(360))), later);

        // then
        assertThat(pacer.reserve(later)).isZero();
        assertThat(pacer.reserve(later)).isZero();
    }

    @Test
    void shouldIgnoreHeadersWhenTheyAreMissingOrNotNumbers() {
        // given
        RatePacer pacer = new RatePacer();

        // when
        pacer.observe(headers(null, "0", null), NOW);
        pacer.observe(headers("lots", "0", resetIn(Duration.ofSeconds(60))), NOW);

        // then
        assertThat(pacer.reserve(NOW)).isZero();
    }

    @Test
    void shouldHoldEveryCallerWhenARetryAfterPausesTheClient() {
        // given
        RatePacer pacer = new RatePacer();

        // when
        pacer.pauseAll(Duration.ofSeconds(7), NOW);

        // then
        assertThat(pacer.reserve(NOW.plusSeconds(2))).isEqualTo(Duration.ofSeconds(5));
        assertThat(pacer.reserve(NOW.plusSeconds(8))).isZero();
    }
}
