package dev.patrol.ingest.ado;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patrol.model.Secret;
import dev.patrol.simulator.AdoSimulator;
import dev.patrol.simulator.RateLimit;
import dev.patrol.simulator.SimulatorConfig;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The client against the simulator's slow answers, 503s and rate-limit budget, over real HTTP. Waits go through a
 * {@link ManualClock}, so the simulator's rate-limit window sees them pass without the test sleeping.
 */
class AdoHttpClientPolitenessTest {

    private static final String PAT = SimulatorConfig.defaults().pat();
    private static final RetryPolicy RETRY = new RetryPolicy(4, Duration.ofMillis(100), Duration.ofSeconds(2));

    private final ManualClock clock = new ManualClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));

    private AdoSimulator start(SimulatorConfig config) {
        return AdoSimulator.start(config.withAuditEntries(20).withClock(clock));
    }

    private AdoHttpClient client(Duration timeout) {
        return new AdoHttpClient(AdoCredential.pat(Secret.of(PAT)), timeout, RETRY, clock.sleeper(), clock);
    }

    private static URI auditUri(AdoSimulator simulator, Instant now) {
        return new AdoEndpoints(simulator.baseUrl(), simulator.baseUrl(), simulator.org().organization())
                .auditLog(now.minus(Duration.ofDays(1)), now, 5, null);
    }

    @Test
    void shouldSucceedWithoutRetryingWhenResponsesAreSlowButWithinTheTimeout() throws Exception {
        try (AdoSimulator simulator = start(SimulatorConfig.defaults())) {
            // given
            simulator.faults().delayNext("auditlog", 2, Duration.ofMillis(300));
            AdoHttpClient client = client(Duration.ofSeconds(5));

            // when
            client.get(auditUri(simulator, clock.instant()), "audit log");
            client.get(auditUri(simulator, clock.instant()), "audit log");

            // then
            assertThat(simulator.requestCount()).isEqualTo(2);
            assertThat(clock.sleeps()).isEmpty();
        }
    }

    @Test
    void shouldBackOffAndRetryWhenAResponseOutlastsTheTimeout() throws Exception {
        try (AdoSimulator simulator = start(SimulatorConfig.defaults())) {
            // given
            simulator.faults().delayNext("auditlog", 1, Duration.ofSeconds(3));
            AdoHttpClient client = client(Duration.ofSeconds(1));

            // when
            var response = client.get(auditUri(simulator, clock.instant()), "audit log");

            // then
            assertThat(new String(response.body())).contains("decoratedAuditLogEntries");
            assertThat(clock.sleeps()).singleElement()
                    .satisfies(wait -> assertThat(wait).isBetween(Duration.ofMillis(50), Duration.ofMillis(100)));
        }
    }

    @Test
    void shouldWaitWhatRetryAfterSaysWhenA503CarriesIt() throws Exception {
        try (AdoSimulator simulator = start(SimulatorConfig.defaults())) {
            // given
            simulator.faults().unavailableNext("auditlog", 1, Duration.ofSeconds(3));

            // when
            client(Duration.ofSeconds(5)).get(auditUri(simulator, clock.instant()), "audit log");

            // then
            assertThat(clock.sleeps()).containsExactly(Duration.ofSeconds(3));
        }
    }

    @Test
    void shouldBackOffExponentiallyWhen503sCarryNoRetryAfter() throws Exception {
        try (AdoSimulator simulator = start(SimulatorConfig.defaults())) {
            // given
            simulator.faults().failNext("auditlog", 3, 503);

            // when
            client(Duration.ofSeconds(5)).get(auditUri(simulator, clock.instant()), "audit log");

            // then: full jitter in [cap/2, cap] with the cap doubling: 100 ms, 200 ms, 400 ms
            List<Duration> waits = clock.sleeps();
            assertThat(waits).hasSize(3);
            assertThat(waits.get(0)).isBetween(Duration.ofMillis(50), Duration.ofMillis(100));
            assertThat(waits.get(1)).isBetween(Duration.ofMillis(100), Duration.ofMillis(200));
            assertThat(waits.get(2)).isBetween(Duration.ofMillis(200), Duration.ofMillis(400));
        }
    }

    @Test
    void shouldSlowDownBeforeBeingBlockedWhenTheRateLimitBudgetRunsLow() throws Exception {
        // given: 20 requests a minute, then straight to 429 for whoever ignores the headers
        try (AdoSimulator simulator = start(SimulatorConfig.defaults()
                .withRateLimit(RateLimit.enforced(20, Duration.ofMinutes(1), 0, Duration.ZERO)))) {
            AdoHttpClient client = client(Duration.ofSeconds(5));
            Instant start = clock.instant();

            // when
            for (int i = 0; i < 60; i++) {
                client.get(auditUri(simulator, clock.instant()), "audit log");
            }

            // then: never blocked (one request each, no retries), paced from the 19th on, into the third window
            assertThat(simulator.requestCount()).isEqualTo(60);
            assertThat(clock.sleeps()).isNotEmpty().allSatisfy(wait -> assertThat(wait).isPositive());
            assertThat(Duration.between(start, clock.instant())).isBetween(Duration.ofMinutes(2), Duration.ofMinutes(3));
        }
    }

    @Test
    void shouldBeBlockedWhenAClientIgnoresTheHeaders() throws Exception {
        // given: the same budget, and a client that never paces (each request on its own, fresh client)
        try (AdoSimulator simulator = start(SimulatorConfig.defaults()
                .withRateLimit(RateLimit.enforced(20, Duration.ofMinutes(1), 0, Duration.ZERO)))) {
            List<Integer> statuses = new ArrayList<>();

            // when
            for (int i = 0; i < 21; i++) {
                try {
                    new AdoHttpClient(AdoCredential.pat(Secret.of(PAT)), Duration.ofSeconds(5), new RetryPolicy(1,
                            Duration.ofMillis(1), Duration.ofMillis(1)), d -> { }, clock)
                            .get(auditUri(simulator, clock.instant()), "audit log");
                    statuses.add(200);
                } catch (AdoApiException e) {
                    statuses.add(e.status());
                }
            }

            // then: the control for the test above; the budget is real
            assertThat(statuses.subList(0, 20)).containsOnly(200);
            assertThat(statuses.get(20)).isEqualTo(429);
        }
    }
}
