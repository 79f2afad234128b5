package dev.patrol.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HttpReceiverTest {

    private final HttpClient client = HttpClient.newHttpClient();
    private HttpReceiver receiver;

    @BeforeEach
    void startReceiver() {
        receiver = HttpReceiver.start();
    }

    @AfterEach
    void stopReceiver() {
        receiver.close();
    }

    @Test
    void shouldRecordMethodPathHeadersAndBodyWhenPosted() throws Exception {
        var request = HttpRequest.newBuilder(receiver.url("/hook?source=test"))
                .header("Content-Type", "application/json")
                .header("X-Patrol-Signature", "sha256=abc")
                .POST(HttpRequest.BodyPublishers.ofString("{\"rule\":\"é\"}"))
                .build();

        var response = client.send(request, HttpResponse.BodyHandlers.discarding());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(receiver.received()).singleElement().satisfies(r -> {
            assertThat(r.method()).isEqualTo("POST");
            assertThat(r.path()).isEqualTo("/hook?source=test");
            assertThat(r.body()).isEqualTo("{\"rule\":\"é\"}");
            assertThat(r.header("content-type")).contains("application/json");
            assertThat(r.headers().get("x-patrol-signature")).containsExactly("sha256=abc");
        });
    }

    @Test
    void shouldAnswerGivenStatusForGivenTimesWhenToldToFail() throws Exception {
        receiver.respondWith(503, 2);

        var statuses = new int[3];
        for (int i = 0; i < statuses.length; i++) {
            statuses[i] = client.send(HttpRequest.newBuilder(receiver.url("/hook"))
                    .POST(HttpRequest.BodyPublishers.ofString("attempt " + i)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        }

        assertThat(statuses).containsExactly(503, 503, 200);
        assertThat(receiver.received()).extracting(HttpReceiver.ReceivedRequest::body)
                .containsExactly("attempt 0", "attempt 1", "attempt 2");
    }

    @Test
    void shouldAnswerGivenStatusUntilToldOtherwiseWhenSetWithoutCount() throws Exception {
        receiver.respondWith(500);
        var failed = client.send(HttpRequest.newBuilder(receiver.url("hook")).GET().build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();

        receiver.respondWith(204);
        var recovered = client.send(HttpRequest.newBuilder(receiver.url("hook")).GET().build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();

        assertThat(failed).isEqualTo(500);
        assertThat(recovered).isEqualTo(204);
        assertThat(receiver.received()).extracting(HttpReceiver.ReceivedRequest::method).containsExactly("GET", "GET");
    }
}
