package dev.patrol.simulator;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import static dev.patrol.simulator.AdoTestClient.AUDIT_VERSION;
import static dev.patrol.simulator.AdoTestClient.TOKENADMIN_VERSION;
import static dev.patrol.simulator.AdoTestClient.basic;
import static dev.patrol.simulator.AdoTestClient.json;
import static dev.patrol.simulator.AdoTestClient.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What every request goes through: faults, organization, authentication, routing, api-version. */
class RequestHandlingTest {

    private static final Instant NOW = Instant.parse("2026-05-01T12:00:00Z");
    private static final SimulatorConfig CONFIG = SimulatorConfig.defaults()
            .withClock(Clock.fixed(NOW, ZoneOffset.UTC)).withAuditEntries(20);
    private static final String AUDIT_LOG = "_apis/audit/auditlog?" + AUDIT_VERSION;

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
    void shouldAnswer401WithBasicChallengeWhenNoCredentialsAreSent() {
        // when
        HttpResponse<String> response = send(client.request(AUDIT_LOG).GET());

        // then
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(value -> assertThat(value).startsWith("Basic"));
        assertThat(json(response).get("message").asText()).startsWith("TF400813:");
    }

    @Test
    void shouldAnswer401WhenPasswordIsNotTheConfiguredPat() {
        // when
        HttpResponse<String> response = send(client.request(AUDIT_LOG)
                .header("Authorization", basic("", CONFIG.pat() + "x")).GET());

        // then
        assertThat(response.statusCode()).isEqualTo(401);
    }

    @Test
    void shouldAnswer401WhenPatIsSentAsUserNameInsteadOfPassword() {
        // when
        HttpResponse<String> response = send(client.request(AUDIT_LOG)
                .header("Authorization", basic(CONFIG.pat(), "")).GET());

        // then
        assertThat(response.statusCode()).isEqualTo(401);
    }

    @Test
    void shouldAcceptAnyUserNameWhenPasswordIsTheConfiguredPat() {
        // when
        HttpResponse<String> response = send(client.request(AUDIT_LOG)
                .header("Authorization", basic("patrol", CONFIG.pat())).GET());

        // then
        assertThat(response.statusCode()).isEqualTo(200);
    }

    @Test
    void shouldAnswer400WithErrorBodyWhenApiVersionIsMissing() {
        // when
        HttpResponse<String> response = client.get("_apis/tokenadmin/personalaccesstokens/"
                + simulator.org().users().get(0).descriptor());

        // then
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response).get("message").asText()).contains("api-version");
        assertThat(json(response).get("typeKey").asText()).isEqualTo("VssVersionNotSpecifiedException");
    }

    @Test
    void shouldAnswer400WhenAuditApiVersionLacksPreviewSuffix() {
        // when
        HttpResponse<String> response = client.get("_apis/audit/auditlog?api-version=7.1");

        // then
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response).get("message").asText()).contains("-preview");
    }

    @Test
    void shouldMatchRouteAndParameterNamesIgnoringCaseWhenCallerSpellsThemDifferently() {
        // when: the spec example itself writes auditLog
        HttpResponse<String> response = client.get("_apis/audit/auditLog?BatchSize=3&API-VERSION=7.1-preview.1");

        // then
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json(response).get("decoratedAuditLogEntries")).hasSize(3);
    }

    @Test
    void shouldAnswer404WhenOrganizationIsAnother() {
        // when
        HttpResponse<String> response = send(client.requestToPath("/fabrikam/" + AUDIT_LOG)
                .header("Authorization", client.authorization()).GET());

        // then
        assertThat(response.statusCode()).isEqualTo(404);
    }

    @Test
    void shouldAnswer404WhenPathIsUnknown() {
        // when
        HttpResponse<String> response = client.get("_apis/audit/streams?" + AUDIT_VERSION);

        // then
        assertThat(response.statusCode()).isEqualTo(404);
    }

    @Test
    void shouldAnswer405WithAllowHeaderWhenMethodIsWrong() {
        // when
        HttpResponse<String> response = client.post(AUDIT_LOG, "[]");

        // then
        assertThat(response.statusCode()).isEqualTo(405);
        assertThat(response.headers().firstValue("Allow")).hasValue("GET");
    }

    @Test
    void shouldThrottleWithRetryAfterRoundedUpWhenThrottleNextMatchesPath() {
        // given
        simulator.faults().throttleNext("/audit/", 2, Duration.ofMillis(1500));

        // when
        HttpResponse<String> first = client.get(AUDIT_LOG);
        HttpResponse<String> second = client.get(AUDIT_LOG);
        HttpResponse<String> third = client.get(AUDIT_LOG);

        // then
        assertThat(first.statusCode()).isEqualTo(429);
        assertThat(first.headers().firstValue("Retry-After")).hasValue("2");
        assertThat(first.headers().firstValue("X-RateLimit-Remaining")).hasValue("0");
        assertThat(first.headers().firstValue("X-RateLimit-Limit")).hasValue("200");
        assertThat(first.headers().firstValue("X-RateLimit-Resource")).isPresent();
        assertThat(first.headers().firstValue("X-RateLimit-Reset")).hasValue(Long.toString(NOW.getEpochSecond() + 2));
        assertThat(json(first).get("message").asText()).startsWith("TF400733:");
        assertThat(second.statusCode()).isEqualTo(429);
        assertThat(third.statusCode()).isEqualTo(200);
    }

    @Test
    void shouldLeaveOtherPathsAloneWhenFaultTargetsOnePath() {
        // given
        simulator.faults().failNext("tokenadmin", 1, 503);

        // when
        HttpResponse<String> auditLog = client.get(AUDIT_LOG);

        // then
        assertThat(auditLog.statusCode()).isEqualTo(200);
    }

    @Test
    void shouldFailWithConfiguredStatusForCountRequestsWhenFailNextMatches() {
        // given
        String descriptor = simulator.org().users().get(0).descriptor();
        String listTokens = "_apis/tokenadmin/personalaccesstokens/" + descriptor + "?" + TOKENADMIN_VERSION;
        simulator.faults().failNext("tokenadmin", 2, 503);

        // when
        List<Integer> statuses = IntStream.range(0, 3).mapToObj(i -> client.get(listTokens).statusCode()).toList();

        // then
        assertThat(statuses).containsExactly(503, 503, 200);
    }

    @Test
    void shouldServeNormallyWhenFaultsAreCleared() {
        // given
        simulator.faults().failNext("", 5, 500);
        simulator.faults().clear();

        // when
        HttpResponse<String> response = client.get(AUDIT_LOG);

        // then
        assertThat(response.statusCode()).isEqualTo(200);
    }

    @Test
    void shouldAnswerEveryRequestWhenManyArriveAtOnce() {
        // given
        HttpRequest request = client.request(AUDIT_LOG).header("Authorization", client.authorization()).GET().build();
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();

        // when
        List<CompletableFuture<HttpResponse<String>>> responses = IntStream.range(0, 24)
                .mapToObj(i -> http.sendAsync(request, HttpResponse.BodyHandlers.ofString())).toList();

        // then
        assertThat(responses).allSatisfy(response -> assertThat(response.join().statusCode()).isEqualTo(200));
    }

    @Test
    void shouldRefuseConnectionsWhenClosed() {
        // given
        simulator.close();

        // when / then
        assertThatThrownBy(() -> client.get(AUDIT_LOG)).isInstanceOf(UncheckedIOException.class);
    }

    @Test
    void shouldFailToStartWhenPortIsTaken() {
        // given
        int taken = simulator.baseUrl().getPort();

        // when / then
        assertThatThrownBy(() -> AdoSimulator.start(CONFIG.withPort(taken)))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining(Integer.toString(taken));
    }
}
