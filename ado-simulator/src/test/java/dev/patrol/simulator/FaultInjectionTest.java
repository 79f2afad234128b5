package dev.patrol.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import static dev.patrol.simulator.AdoTestClient.AUDIT_VERSION;
import static dev.patrol.simulator.AdoTestClient.encode;
import static dev.patrol.simulator.AdoTestClient.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The fault kinds beyond plain error statuses, over real HTTP: slow, truncated, not JSON, 503, looping tokens. */
class FaultInjectionTest {

    private static final Instant NOW = Instant.parse("2026-05-01T12:00:00Z");
    private static final SimulatorConfig CONFIG = SimulatorConfig.defaults()
            .withClock(Clock.fixed(NOW, ZoneOffset.UTC)).withAuditEntries(20);
    private static final String AUDIT_LOG = "_apis/audit/auditlog?batchSize=5&" + AUDIT_VERSION;

    private AdoSimulator simulator;
    private AdoTestClient client;

    @BeforeEach
    void startSimulator() {
        simulator = AdoSimulator.start(CONFIG);
        client = AdoTestClient.of(simulator, CONFIG);
    }

    @AfterEach
    void stopSimulator() {
        simulator.close();
    }

    @Test
    void shouldAnswerNormallyButLateWhenDelayNextMatches() {
        // given
        simulator.faults().delayNext("auditlog", 1, Duration.ofMillis(400));

        // when
        long started = System.nanoTime();
        HttpResponse<String> slow = client.get(AUDIT_LOG);
        Duration slowTook = Duration.ofNanos(System.nanoTime() - started);
        HttpResponse<String> next = client.get(AUDIT_LOG);

        // then
        assertThat(slow.statusCode()).isEqualTo(200);
        assertThat(json(slow).get("decoratedAuditLogEntries")).hasSize(5);
        assertThat(slowTook).isGreaterThanOrEqualTo(Duration.ofMillis(400));
        assertThat(next.body()).isEqualTo(slow.body());
    }

    @Test
    void shouldSendHalfTheJsonWithMatchingLengthWhenTruncateNextMatches() {
        // given
        String whole = client.get(AUDIT_LOG).body();
        simulator.faults().truncateNext("auditlog", 1);

        // when
        HttpResponse<String> cut = client.get(AUDIT_LOG);

        // then
        assertThat(cut.statusCode()).isEqualTo(200);
        assertThat(cut.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
        assertThat(cut.body()).isNotEmpty().hasSizeLessThan(whole.length());
        assertThat(whole).startsWith(cut.body());
        assertThatThrownBy(() -> new ObjectMapper().readTree(cut.body())).isInstanceOf(java.io.IOException.class);
    }

    @Test
    void shouldAnswer200WithHtmlWhenInvalidJsonNextMatches() {
        // given
        simulator.faults().invalidJsonNext("auditlog", 1);

        // when
        HttpResponse<String> page = client.get(AUDIT_LOG);

        // then
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/html"));
        assertThat(page.body()).startsWith("<!DOCTYPE html>");
        assertThat(client.get(AUDIT_LOG).statusCode()).isEqualTo(200);
    }

    @Test
    void shouldAnswer503WithRetryAfterRoundedUpWhenUnavailableNextMatches() {
        // given
        simulator.faults().unavailableNext("auditlog", 1, Duration.ofMillis(2500));

        // when
        HttpResponse<String> unavailable = client.get(AUDIT_LOG);

        // then
        assertThat(unavailable.statusCode()).isEqualTo(503);
        assertThat(unavailable.headers().firstValue("Retry-After")).hasValue("3");
        assertThat(json(unavailable).get("typeKey").asText()).isEqualTo("ServiceUnavailableException");
    }

    @Test
    void shouldAnswer503WithoutRetryAfterWhenFailNextAsksFor503() {
        // given
        simulator.faults().failNext("auditlog", 1, 503);

        // when
        HttpResponse<String> unavailable = client.get(AUDIT_LOG);

        // then
        assertThat(unavailable.statusCode()).isEqualTo(503);
        assertThat(unavailable.headers().firstValue("Retry-After")).isEmpty();
    }

    @Test
    void shouldEchoTheRequestsContinuationTokenWithHasMoreWhenRepeatContinuationTokenNextIsPending() {
        // given
        simulator.faults().repeatContinuationTokenNext(2);
        JsonNode first = json(client.get(AUDIT_LOG));
        String token = first.get("continuationToken").asText();

        // when
        JsonNode second = json(client.get(AUDIT_LOG + "&continuationToken=" + encode(token)));
        JsonNode third = json(client.get(AUDIT_LOG + "&continuationToken=" + encode(token)));
        JsonNode fourth = json(client.get(AUDIT_LOG + "&continuationToken=" + encode(token)));

        // then: the first page had no token to repeat, so it did not use up the fault
        assertThat(second.get("continuationToken").asText()).isEqualTo(token);
        assertThat(second.get("hasMore").asBoolean()).isTrue();
        assertThat(third.get("continuationToken").asText()).isEqualTo(token);
        assertThat(fourth.get("continuationToken").asText()).isNotEqualTo(token);
    }

    @Test
    void shouldApplyOneFaultPerRequestOldestFirstWhenSeveralMatch() {
        // given
        simulator.faults().invalidJsonNext("auditlog", 1);
        simulator.faults().failNext("", 1, 500);

        // when
        HttpResponse<String> first = client.get(AUDIT_LOG);
        HttpResponse<String> second = client.get(AUDIT_LOG);
        HttpResponse<String> third = client.get(AUDIT_LOG);

        // then
        assertThat(first.body()).startsWith("<!DOCTYPE html>");
        assertThat(second.statusCode()).isEqualTo(500);
        assertThat(third.statusCode()).isEqualTo(200);
    }

    @Test
    void shouldStopRepeatingTokensWhenCleared() {
        // given
        simulator.faults().repeatContinuationTokenNext(1);
        simulator.faults().clear();
        String token = json(client.get(AUDIT_LOG)).get("continuationToken").asText();

        // when
        JsonNode next = json(client.get(AUDIT_LOG + "&continuationToken=" + encode(token)));

        // then
        assertThat(next.get("continuationToken").asText()).isNotEqualTo(token);
    }

    @Test
    void shouldRejectFaultWhenItsArgumentsCannotMakeSense() {
        Faults faults = simulator.faults();
        assertThatThrownBy(() -> faults.delayNext("", 1, Duration.ofMinutes(2))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("longer than a minute");
        assertThatThrownBy(() -> faults.unavailableNext("", 1, Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("negative");
        assertThatThrownBy(() -> faults.truncateNext("", 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 1");
        assertThatThrownBy(() -> faults.repeatContinuationTokenNext(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
