package dev.patrol.ingest.ado;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.patrol.model.Secret;
import dev.patrol.simulator.AdoSimulator;
import dev.patrol.simulator.SimulatorConfig;
import dev.patrol.testkit.HttpReceiver;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The client against the simulator over real HTTP; waits are recorded instead of slept. */
class AdoHttpClientTest {

    private AdoSimulator simulator;
    private AdoEndpoints endpoints;
    private final List<Duration> waits = new ArrayList<>();

    @BeforeEach
    void start() {
        simulator = AdoSimulator.start(SimulatorConfig.defaults().withAuditEntries(20));
        endpoints = new AdoEndpoints(simulator.baseUrl(), simulator.baseUrl(), simulator.org().organization());
    }

    @AfterEach
    void stop() {
        simulator.close();
    }

    private AdoHttpClient client(String pat) {
        return new AdoHttpClient(Secret.of(pat), Duration.ofSeconds(5), new RetryPolicy(4, Duration.ofMillis(100),
                Duration.ofSeconds(2)), waits::add);
    }

    private java.net.URI auditUri() {
        return endpoints.auditLog(Instant.now().minus(Duration.ofDays(1)), Instant.now(), 10, null);
    }

    @Test
    void shouldWaitWhatRetryAfterSaysWhenThrottled() throws Exception {
        simulator.faults().throttleNext("auditlog", 2, Duration.ofSeconds(7));

        var response = client(SimulatorConfig.defaults().pat()).get(auditUri(), "audit log");

        assertThat(new String(response.body())).contains("decoratedAuditLogEntries");
        assertThat(waits).containsExactly(Duration.ofSeconds(7), Duration.ofSeconds(7));
    }

    @Test
    void shouldBackOffAndSucceedWhenServerFailsForAWhile() throws Exception {
        simulator.faults().failNext("auditlog", 2, 503);

        client(SimulatorConfig.defaults().pat()).get(auditUri(), "audit log");

        assertThat(waits).hasSize(2).allSatisfy(w -> assertThat(w).isBetween(Duration.ofMillis(50), Duration.ofSeconds(2)));
    }

    @Test
    void shouldGiveUpAfterTheAttemptBudgetWhenServerKeepsFailing() {
        simulator.faults().failNext("auditlog", 10, 500);

        assertThatThrownBy(() -> client(SimulatorConfig.defaults().pat()).get(auditUri(), "audit log"))
                .isInstanceOf(AdoApiException.class)
                .hasMessage("audit log: ADO answered 500 after 4 attempt(s)");
        assertThat(waits).hasSize(3);
    }

    @Test
    void shouldNotRetryAndNotLeakThePatWhenCredentialIsRejected() {
        assertThatThrownBy(() -> client("wrong-pat-value").get(auditUri(), "audit log"))
                .isInstanceOf(AdoAuthException.class)
                .hasMessageContaining("401")
                .hasMessageNotContaining("wrong-pat-value");
        assertThat(waits).isEmpty();
    }

    @Test
    void shouldSpeakHttp11WithoutAnH2cUpgradeWhenTheUrlIsCleartext() throws Exception {
        try (HttpReceiver server = HttpReceiver.start()) {
            // when
            client(SimulatorConfig.defaults().pat()).get(server.url("/contoso/_apis/audit/auditlog"), "audit log");

            // then
            assertThat(server.received()).singleElement().satisfies(request -> {
                assertThat(request.header("Upgrade")).isEmpty();
                assertThat(request.header("HTTP2-Settings")).isEmpty();
            });
        }
    }

    @Test
    void shouldLeaveTheVersionToTlsNegotiationWhenTheUrlIsHttps() {
        // when
        HttpRequest https = AdoHttpClient.versionFor(URI.create("https://auditservice.dev.azure.com/contoso"),
                HttpRequest.newBuilder(URI.create("https://auditservice.dev.azure.com/contoso"))).build();
        HttpRequest http = AdoHttpClient.versionFor(URI.create("http://127.0.0.1:8080/contoso"),
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:8080/contoso"))).build();

        // then
        assertThat(https.version()).isEmpty();
        assertThat(http.version()).contains(HttpClient.Version.HTTP_1_1);
    }
}
