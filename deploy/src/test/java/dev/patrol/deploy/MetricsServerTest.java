package dev.patrol.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The metrics and health endpoints over real HTTP: what they serve without credentials, and what they refuse. */
class MetricsServerTest {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void shouldServeMetricsAndHealthWithoutCredentialsWhenAsked() throws Exception {
        AtomicBoolean ready = new AtomicBoolean(false);
        try (MetricsServer server = MetricsServer.start("127.0.0.1", freePort(), ready::get)) {
            URI metrics = server.url();

            HttpResponse<String> scrape = get(metrics);
            HttpResponse<String> live = get(metrics.resolve("/health/live"));
            HttpResponse<String> notReady = get(metrics.resolve("/health/ready"));
            ready.set(true);
            HttpResponse<String> isReady = get(metrics.resolve("/health/ready"));

            assertThat(scrape.statusCode()).isEqualTo(200);
            assertThat(scrape.body()).contains("jvm_memory_used_bytes");
            assertThat(live.statusCode()).isEqualTo(200);
            assertThat(notReady.statusCode()).isEqualTo(503);
            assertThat(isReady.statusCode()).isEqualTo(200);
        }
    }

    @Test
    void shouldAnswer405WithoutReadingTheBodyWhenTheMethodIsNotGet() throws Exception {
        try (MetricsServer server = MetricsServer.start("127.0.0.1", freePort(), () -> true)) {
            byte[] large = new byte[8 * 1024 * 1024];

            HttpResponse<String> post = http.send(HttpRequest.newBuilder(server.url()).timeout(Duration.ofSeconds(10))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(large)).build(), HttpResponse.BodyHandlers.ofString());

            assertThat(post.statusCode()).isEqualTo(405);
        }
    }

    @Test
    void shouldBoundTheRequestTimeOfEveryJdkServerInTheProcessWhenStarted() throws Exception {
        try (MetricsServer server = MetricsServer.start("127.0.0.1", freePort(), () -> true)) {
            assertThat(server.url()).isNotNull();
        }

        assertThat(System.getProperty(MetricsServer.MAX_REQUEST_TIME_PROPERTY)).isNotNull();
    }

    private HttpResponse<String> get(URI uri) throws Exception {
        return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
