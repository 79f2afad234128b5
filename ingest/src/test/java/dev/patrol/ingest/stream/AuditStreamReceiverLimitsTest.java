package dev.patrol.ingest.stream;

import static dev.patrol.ingest.stream.StreamFixtures.EVENT_GRID_KEY;
import static dev.patrol.ingest.stream.StreamFixtures.HEC_TOKEN;
import static dev.patrol.ingest.stream.StreamFixtures.entry;
import static dev.patrol.ingest.stream.StreamFixtures.hecEnvelope;
import static dev.patrol.ingest.stream.StreamFixtures.post;
import static dev.patrol.ingest.stream.StreamFixtures.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.patrol.model.config.PatrolConfig.AuditStreamSettings;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Size limits, encodings, slow clients, methods, paths and shutdown, over real HTTP. */
class AuditStreamReceiverLimitsTest {

    private static final int LIMIT = 2048;
    private static final Duration BODY_READ_TIMEOUT = Duration.ofMillis(300);

    private final RecordingSink sink = new RecordingSink();
    private AuditStreamReceiver receiver;

    @BeforeEach
    void start() throws Exception {
        receiver = AuditStreamReceiver.start(StreamFixtures.settings(LIMIT), sink, StreamFixtures.CLOCK, BODY_READ_TIMEOUT);
    }

    @AfterEach
    void stop() {
        receiver.close();
    }

    private URI collector() {
        return receiver.baseUrl().resolve("/services/collector");
    }

    private static byte[] oversizeBatch() {
        StringBuilder body = new StringBuilder();
        for (int i = 0; body.length() <= 4 * LIMIT; i++) {
            body.append(hecEnvelope(entry("e-" + i))).append('\n');
        }
        return body.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void shouldAnswer413AndNotCallTheSinkWhenContentLengthExceedsTheLimit() {
        HttpResponse<String> response = send(post(collector(), oversizeBatch()).header("Authorization", "Splunk " + HEC_TOKEN));

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(response.body()).contains("2048");
        assertThat(sink.deliveries()).isEmpty();
    }

    @Test
    void shouldAnswer413AndNotCallTheSinkWhenAChunkedBodyExceedsTheLimit() {
        byte[] body = oversizeBatch();
        HttpRequest.Builder chunked = HttpRequest.newBuilder(collector()).timeout(Duration.ofSeconds(5))
                .header("Authorization", "Splunk " + HEC_TOKEN)
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)));

        HttpResponse<String> response = send(chunked);

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(sink.deliveries()).isEmpty();
    }

    @Test
    void shouldAnswer413WhenAGzipBodyDecompressesPastTheLimit() {
        byte[] spaces = new byte[1024 * 1024];
        Arrays.fill(spaces, (byte) ' ');
        byte[] bomb = StreamFixtures.gzip(spaces);
        assertThat(bomb.length).isLessThan(LIMIT);

        HttpResponse<String> response = send(post(collector(), bomb)
                .header("Authorization", "Splunk " + HEC_TOKEN).header("Content-Encoding", "gzip"));

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(sink.deliveries()).isEmpty();
    }

    @Test
    void shouldAnswer400WhenAGzipBodyIsCorrupt() {
        HttpResponse<String> response = send(post(collector(), "certainly not gzip")
                .header("Authorization", "Splunk " + HEC_TOKEN).header("Content-Encoding", "gzip"));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(sink.deliveries()).isEmpty();
    }

    @Test
    void shouldAnswer415WhenContentEncodingIsNotGzip() {
        HttpResponse<String> response = send(post(collector(), "irrelevant")
                .header("Authorization", "Splunk " + HEC_TOKEN).header("Content-Encoding", "br"));

        assertThat(response.statusCode()).isEqualTo(415);
        assertThat(sink.deliveries()).isEmpty();
    }

    @Test
    void shouldCloseTheConnectionAndNotCallTheSinkWhenTheBodyArrivesTooSlowly() throws Exception {
        try (Socket socket = new Socket(receiver.baseUrl().getHost(), receiver.baseUrl().getPort())) {
            socket.setSoTimeout(5_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /services/collector HTTP/1.1\r\nHost: localhost\r\nAuthorization: Splunk " + HEC_TOKEN
                    + "\r\nContent-Length: 500\r\n\r\n{\"event\":").getBytes(StandardCharsets.US_ASCII));
            out.flush();

            assertThat(readUntilClosed(socket.getInputStream())).isEqualTo("closed without a response");
        }
        assertThat(sink.deliveries()).isEmpty();
    }

    private static String readUntilClosed(InputStream in) throws IOException {
        try {
            int first = in.read();
            return first < 0 ? "closed without a response" : "answered";
        } catch (SocketTimeoutException e) {
            return "still open after 5 s";
        } catch (SocketException e) {
            return "closed without a response"; // a reset is a close too
        }
    }

    @Test
    void shouldAnswer405WithAllowWhenTheMethodIsWrong() {
        HttpResponse<String> getCollector = send(HttpRequest.newBuilder(collector()).GET()
                .header("Authorization", "Splunk " + HEC_TOKEN));
        HttpResponse<String> putEventGrid = send(HttpRequest.newBuilder(
                receiver.baseUrl().resolve("/eventgrid?code=" + EVENT_GRID_KEY)).PUT(HttpRequest.BodyPublishers.ofString("[]")));
        HttpResponse<String> postHealth = send(post(receiver.baseUrl().resolve("/services/collector/health"), "{}"));

        assertThat(getCollector.statusCode()).isEqualTo(405);
        assertThat(getCollector.headers().firstValue("Allow")).contains("POST");
        assertThat(putEventGrid.statusCode()).isEqualTo(405);
        assertThat(postHealth.statusCode()).isEqualTo(405);
        assertThat(postHealth.headers().firstValue("Allow")).contains("GET");
    }

    @Test
    void shouldAnswer404WhenThePathIsUnknown() {
        HttpResponse<String> response = send(post(receiver.baseUrl().resolve("/services/collector/raw"), "{}")
                .header("Authorization", "Splunk " + HEC_TOKEN));

        assertThat(response.statusCode()).isEqualTo(404);
    }

    @Test
    void shouldStopPromptlyAndRefuseConnectionsWhenClosed() throws Exception {
        AuditStreamReceiver other = AuditStreamReceiver.start(StreamFixtures.settings(), sink, StreamFixtures.CLOCK);
        assertThat(StreamFixtures.sendHec(other, hecEnvelope(entry("e-1"))).statusCode()).isEqualTo(200);
        long started = System.nanoTime();

        other.close();

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
        assertThatThrownBy(() -> StreamFixtures.sendHec(other, hecEnvelope(entry("e-2"))))
                .isInstanceOf(UncheckedIOException.class);
        other.close(); // idempotent
    }

    @Test
    void shouldRefuseToStartWhenNoSecretIsConfigured() {
        AuditStreamSettings noSecrets = new AuditStreamSettings(true, "127.0.0.1", 0, LIMIT, Optional.empty(),
                Optional.empty());

        assertThatThrownBy(() -> AuditStreamReceiver.start(noSecrets, sink))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ADO_STREAM_HEC_TOKEN");
    }

    @Test
    void shouldRefuseToStartWhenTheReceiverIsDisabled() {
        AuditStreamSettings settings = StreamFixtures.settings();
        AuditStreamSettings disabled = new AuditStreamSettings(false, settings.bindAddress(), 0, LIMIT,
                settings.hecToken(), settings.eventGridKey());

        assertThatThrownBy(() -> AuditStreamReceiver.start(disabled, sink)).isInstanceOf(IllegalArgumentException.class);
    }
}
