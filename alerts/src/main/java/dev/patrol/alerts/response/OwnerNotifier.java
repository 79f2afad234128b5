package dev.patrol.alerts.response;

import dev.patrol.model.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * POSTs an {@link OwnerNotice} as JSON to the configured URL. Two attempts on a 5xx or a connection failure, none on
 * a 4xx; the outcome goes to the actions topic either way, so a notice that did not arrive is visible.
 */
final class OwnerNotifier {

    static final String NOTICE_ID_HEADER = "X-Patrol-Notice-Id";
    private static final int ATTEMPTS = 2;

    private final HttpClient http;
    private final URI url;
    private final Duration timeout;

    OwnerNotifier(URI url, Duration timeout) {
        this.url = url;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** One line for the audit trail: delivered or why not. Never throws for a receiver's failure. */
    TokenRevoker.Result send(OwnerNotice notice) throws InterruptedException {
        byte[] body;
        try {
            body = Json.mapper().writeValueAsBytes(notice);
        } catch (IOException e) {
            throw new IllegalStateException("owner notice does not serialize", e);
        }
        String last = "";
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            HttpRequest request = HttpRequest.newBuilder(url).timeout(timeout)
                    .header("Content-Type", "application/json")
                    .header(NOTICE_ID_HEADER, notice.noticeId())
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
            try {
                int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                if (status >= 200 && status < 300) {
                    return new TokenRevoker.Result(true, "owner notice delivered to " + notice.to()
                            + " via the notice receiver (HTTP " + status + ")");
                }
                last = "the notice receiver answered " + status;
                if (status < 500) {
                    break;
                }
            } catch (IOException e) {
                last = "the notice receiver did not answer (" + e.getClass().getSimpleName() + ")";
            }
        }
        return new TokenRevoker.Result(false, "owner notice to " + notice.to() + " not delivered: " + last);
    }
}
