package dev.patrol.alerts.response;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patrol.model.Secret;
import dev.patrol.testkit.ManualClock;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The approval page against hostile clients over raw sockets: a body declared too large, headers that never end, a
 * body that never arrives, and enough of both to occupy every handler thread. The JDK server's request-time limit
 * is 3 s in this module's tests (surefire), 60 s in production.
 */
class ApprovalServerLimitsTest {

    private static final String ID = "0f8fad5b-d9cb-469f-a165-70867728950e";
    private static final long LIMIT_SECONDS = Long.getLong(ApprovalServer.MAX_REQUEST_TIME_PROPERTY, 60);
    /** The limit, plus the JDK timer's one-second tick, plus slack for a loaded 2-core machine. */
    private static final Duration CUT_OFF_WITHIN = Duration.ofSeconds(LIMIT_SECONDS + 4);

    private final ManualClock clock = new ManualClock(Instant.parse("2026-05-01T10:00:00Z"));
    private final LinkSigner signer = new LinkSigner(Secret.of(Fixtures.LINK_KEY));
    private final List<String> decisions = new CopyOnWriteArrayList<>();
    private ApprovalServer server;

    @BeforeEach
    void start() {
        ApprovalDesk desk = new ApprovalDesk() {
            @Override
            public Optional<ApprovalView> view(String approvalId) {
                return Optional.empty();
            }

            @Override
            public Optional<Decision> decide(String approvalId, boolean approve, String decidedBy, String context) {
                decisions.add(approvalId);
                return Optional.empty();
            }
        };
        server = ApprovalServer.start("127.0.0.1", 0, Optional.empty(), signer, desk, clock, Optional.empty());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void shouldRunWithAShortRequestTimeLimitInTheseTests() {
        assertThat(LIMIT_SECONDS).as("surefire sets " + ApprovalServer.MAX_REQUEST_TIME_PROPERTY).isEqualTo(3);
    }

    @Test
    void shouldAnswer413AtOnceWhenTheDeclaredBodyIsTooLarge() throws Exception {
        try (Socket socket = connect()) {
            long started = System.nanoTime();
            send(socket, "POST /approvals/" + ID + " HTTP/1.1\r\nHost: localhost\r\n"
                    + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000000000\r\n\r\ndecision=");

            String answer = firstLine(socket);

            assertThat(answer).startsWith("HTTP/1.1 413");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(LIMIT_SECONDS));
        }
        assertThat(decisions).isEmpty();
    }

    @Test
    void shouldCloseTheConnectionWhenTheHeadersNeverEnd() throws Exception {
        try (Socket socket = connect()) {
            long started = System.nanoTime();
            send(socket, "GET /approvals/" + ID + "?exp=1&sig=x HTTP/1.1\r\nHost: localhost\r\nX-Slow: ");

            assertThat(firstLine(socket)).isEqualTo("closed");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(CUT_OFF_WITHIN);
        }
    }

    @Test
    void shouldCloseTheConnectionAndDecideNothingWhenTheBodyNeverArrives() throws Exception {
        try (Socket socket = connect()) {
            long started = System.nanoTime();
            send(socket, "POST /approvals/" + ID + " HTTP/1.1\r\nHost: localhost\r\n"
                    + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 200\r\n\r\ndecision=appr");

            assertThat(firstLine(socket)).isEqualTo("closed");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(CUT_OFF_WITHIN);
        }
        assertThat(decisions).isEmpty();
    }

    @Test
    void shouldServeAPersonAgainWhenSlowClientsHeldEveryThread() throws Exception {
        List<Socket> slow = new ArrayList<>();
        try {
            for (int i = 0; i < 6; i++) { // more than the server's handler threads
                Socket socket = connect();
                send(socket, "GET /approvals/" + ID + " HTTP/1.1\r\nHost: local");
                slow.add(socket);
            }
            long started = System.nanoTime();
            HttpClient http = HttpClient.newHttpClient();

            HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(server.publicBaseUrl() + "/approvals/"
                    + ID + "?exp=1&sig=x")).timeout(CUT_OFF_WITHIN.plusSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());

            assertThat(page.statusCode()).isEqualTo(403); // the bogus signature: what matters is that it was answered
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(CUT_OFF_WITHIN.plusSeconds(2));
        } finally {
            for (Socket socket : slow) {
                socket.close();
            }
        }
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket("127.0.0.1", server.port());
        socket.setSoTimeout((int) CUT_OFF_WITHIN.plusSeconds(5).toMillis());
        return socket;
    }

    private static void send(Socket socket, String text) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(text.getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** The status line of the answer, "closed" when the server closed without answering, or "no answer". */
    private static String firstLine(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        StringBuilder line = new StringBuilder();
        try {
            int b;
            while ((b = in.read()) >= 0 && b != '\n') {
                line.append((char) b);
            }
            return line.isEmpty() ? "closed" : line.toString().strip();
        } catch (SocketTimeoutException e) {
            return "no answer";
        } catch (SocketException e) {
            return line.isEmpty() ? "closed" : line.toString().strip(); // a reset is a close too
        }
    }
}
