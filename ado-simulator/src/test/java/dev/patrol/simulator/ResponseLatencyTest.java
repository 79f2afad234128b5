package dev.patrol.simulator;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import static dev.patrol.simulator.AdoTestClient.TOKENADMIN_VERSION;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Small answers on a reused connection come at once. The JDK server writes headers and body separately; with Nagle's
 * algorithm on, each body waited for the client's delayed ACK (about 40 ms), which capped an inventory scan at about
 * 20 requests a second per thread and made the bench's rate-limited scan miss its bound.
 */
class ResponseLatencyTest {

    private static final int REQUESTS = 50;

    @Test
    void shouldAnswerSmallRequestsWithoutADelayedAckWaitWhenTheClientReusesItsConnection() throws Exception {
        // given
        SimulatorConfig config = SimulatorConfig.defaults().withUsers(5).withAuditEntries(10);
        try (AdoSimulator simulator = AdoSimulator.start(config)) {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            String descriptor = simulator.org().users().get(0).descriptor();
            HttpRequest request = HttpRequest.newBuilder(URI.create(simulator.baseUrl() + "/" + config.organization()
                            + "/_apis/tokenadmin/personalaccesstokens/" + descriptor + "?" + TOKENADMIN_VERSION))
                    .header("Authorization", AdoTestClient.basic("", config.pat())).GET().build();
            assertThat(http.send(request, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);

            // when
            long started = System.nanoTime();
            for (int i = 0; i < REQUESTS; i++) {
                http.send(request, HttpResponse.BodyHandlers.ofString());
            }
            Duration took = Duration.ofNanos(System.nanoTime() - started);

            // then: with the delayed-ACK wait they need over 2 s (50 x 40 ms); without it a few ms each, even loaded
            assertThat(took).isLessThan(Duration.ofMillis(1500));
        }
    }
}
