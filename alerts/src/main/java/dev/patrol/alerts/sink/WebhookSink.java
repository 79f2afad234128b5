package dev.patrol.alerts.sink;

import dev.patrol.model.event.Finding;
import dev.patrol.model.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * POSTs a finding as JSON to one webhook URL. The finding id travels in {@code X-Patrol-Finding-Id} so a receiver
 * can drop the repeats at-least-once delivery may cause.
 *
 * <p>Webhook URLs often carry their secret in the path (Slack, Teams), so only the host is ever shown.
 */
public final class WebhookSink {

    public static final String FINDING_ID_HEADER = "X-Patrol-Finding-Id";

    private final URI url;
    private final HttpClient http;
    private final Duration timeout;

    /** Whether a delivery worked, may work later, or never will. */
    public enum Outcome {
        DELIVERED,
        /** Connection failure, timeout, 408, 429 or 5xx: worth retrying. */
        RETRY,
        /** Any other 4xx: the receiver rejects the finding itself; retrying would not change its answer. */
        REJECTED
    }

    public WebhookSink(URI url, Duration timeout) {
        this.url = url;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** A name safe to log: scheme and host only. */
    public String name() {
        return url.getScheme() + "://" + url.getHost() + (url.getPort() > 0 ? ":" + url.getPort() : "");
    }

    public Outcome deliver(Finding finding) throws InterruptedException {
        byte[] body;
        try {
            body = Json.mapper().writeValueAsBytes(finding);
        } catch (IOException e) {
            throw new IllegalStateException("a Finding always serializes", e);
        }
        HttpRequest request = HttpRequest.newBuilder(url)
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .header("User-Agent", "PATrol")
                .header(FINDING_ID_HEADER, finding.id())
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        try {
            int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
            if (status >= 200 && status < 300) {
                return Outcome.DELIVERED;
            }
            return status == 408 || status == 429 || status >= 500 ? Outcome.RETRY : Outcome.REJECTED;
        } catch (IOException e) {
            return Outcome.RETRY;
        }
    }
}
