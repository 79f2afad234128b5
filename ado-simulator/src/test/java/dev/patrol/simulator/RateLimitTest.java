package dev.patrol.simulator;

import dev.patrol.testkit.ManualClock;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;

import static dev.patrol.simulator.AdoTestClient.AUDIT_VERSION;
import static dev.patrol.simulator.AdoTestClient.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The {@code X-RateLimit-*} headers on ordinary answers, and an enforced budget: delays, then 429 until reset. */
class RateLimitTest {

    private static final Instant NOW = Instant.parse("2026-05-01T12:00:00Z");
    private static final String AUDIT_LOG = "_apis/audit/auditlog?batchSize=1&" + AUDIT_VERSION;

    @Test
    void shouldReportTheDefaultBudgetOnEveryAuthenticatedAnswerWhenNothingIsEnforced() {
        // given
        ManualClock clock = new ManualClock(NOW);
        SimulatorConfig config = SimulatorConfig.defaults().withAuditEntries(20).withClock(clock);
        try (AdoSimulator simulator = AdoSimulator.start(config)) {
            AdoTestClient client = AdoTestClient.of(simulator, config);

            // when
            HttpResponse<String> first = client.get(AUDIT_LOG);
            HttpResponse<String> notFound = client.get("_apis/audit/streams?" + AUDIT_VERSION);

            // then
            assertThat(first.headers().firstValue("X-RateLimit-Resource")).hasValue("Core");
            assertThat(first.headers().firstValue("X-RateLimit-Limit")).hasValue("200");
            assertThat(first.headers().firstValue("X-RateLimit-Remaining")).hasValue("200");
            assertThat(first.headers().firstValue("X-RateLimit-Reset"))
                    .hasValue(Long.toString(NOW.plus(Duration.ofMinutes(5)).getEpochSecond()));
            assertThat(first.headers().firstValue("X-RateLimit-Delay")).isEmpty();
            assertThat(notFound.statusCode()).isEqualTo(404);
            assertThat(notFound.headers().firstValue("X-RateLimit-Limit")).hasValue("200");
        }
    }

    @Test
    void shouldCountDownRemainingAndStartAFreshWindowWhenTheClockPassesReset() {
        // given
        ManualClock clock = new ManualClock(NOW);
        SimulatorConfig config = SimulatorConfig.defaults().withAuditEntries(20).withClock(clock)
                .withRateLimit(new RateLimit(3, Duration.ofMinutes(1), 1, false, 0, Duration.ZERO));
        try (AdoSimulator simulator = AdoSimulator.start(config)) {
            AdoTestClient client = AdoTestClient.of(simulator, config);

            // when
            List<String> remaining = IntStream.range(0, 5)
                    .mapToObj(i -> client.get(AUDIT_LOG).headers().firstValue("X-RateLimit-Remaining").orElseThrow()).toList();
            clock.advance(Duration.ofMinutes(1));
            HttpResponse<String> nextWindow = client.get(AUDIT_LOG);

            // then: unenforced, so nothing is held or blocked past the budget
            assertThat(remaining).containsExactly("2", "1", "0", "0", "0");
            assertThat(nextWindow.statusCode()).isEqualTo(200);
            assertThat(nextWindow.headers().firstValue("X-RateLimit-Remaining")).hasValue("2");
            assertThat(nextWindow.headers().firstValue("X-RateLimit-Reset"))
                    .hasValue(Long.toString(NOW.plus(Duration.ofMinutes(2)).getEpochSecond()));
        }
    }

    @Test
    void shouldDelayThenBlockUntilResetWhenAnEnforcedBudgetIsSpent() {
        // given
        ManualClock clock = new ManualClock(NOW);
        SimulatorConfig config = SimulatorConfig.defaults().withAuditEntries(20).withClock(clock)
                .withRateLimit(RateLimit.enforced(2, Duration.ofMinutes(1), 1, Duration.ofMillis(50)));
        try (AdoSimulator simulator = AdoSimulator.start(config)) {
            AdoTestClient client = AdoTestClient.of(simulator, config);
            client.get(AUDIT_LOG);
            client.get(AUDIT_LOG);

            // when
            HttpResponse<String> delayed = client.get(AUDIT_LOG);
            clock.advance(Duration.ofSeconds(20));
            HttpResponse<String> blocked = client.get(AUDIT_LOG);
            clock.advance(Duration.ofSeconds(40));
            HttpResponse<String> afterReset = client.get(AUDIT_LOG);

            // then
            assertThat(delayed.statusCode()).isEqualTo(200);
            assertThat(delayed.headers().firstValue("X-RateLimit-Delay")).hasValue("0.050");
            assertThat(delayed.headers().firstValue("X-RateLimit-Remaining")).hasValue("0");
            assertThat(blocked.statusCode()).isEqualTo(429);
            assertThat(blocked.headers().firstValue("Retry-After")).hasValue("40");
            assertThat(json(blocked).get("message").asText()).startsWith("TF400733:");
            assertThat(afterReset.statusCode()).isEqualTo(200);
            assertThat(afterReset.headers().firstValue("X-RateLimit-Remaining")).hasValue("1");
        }
    }

    @Test
    void shouldNotCountRequestsWhenTheyAreNotAuthenticated() {
        // given
        ManualClock clock = new ManualClock(NOW);
        SimulatorConfig config = SimulatorConfig.defaults().withAuditEntries(20).withClock(clock)
                .withRateLimit(RateLimit.enforced(1, Duration.ofMinutes(1), 0, Duration.ZERO));
        try (AdoSimulator simulator = AdoSimulator.start(config)) {
            AdoTestClient client = AdoTestClient.of(simulator, config);
            HttpResponse<String> anonymous = AdoTestClient.send(client.request(AUDIT_LOG).GET());

            // when
            HttpResponse<String> first = client.get(AUDIT_LOG);

            // then
            assertThat(anonymous.statusCode()).isEqualTo(401);
            assertThat(anonymous.headers().firstValue("X-RateLimit-Limit")).isEmpty();
            assertThat(first.statusCode()).isEqualTo(200);
        }
    }

    @Test
    void shouldRejectBudgetWhenItsNumbersCannotMakeSense() {
        assertThatThrownBy(() -> RateLimit.enforced(0, Duration.ofMinutes(1), 0, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rate limit 0");
        assertThatThrownBy(() -> RateLimit.enforced(10, Duration.ofMillis(10), 0, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("window");
        assertThatThrownBy(() -> RateLimit.enforced(10, Duration.ofMinutes(1), 0, Duration.ofSeconds(31)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("30 s");
    }
}
