package dev.patrol.alerts.sink;

import dev.patrol.model.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * POSTs a JSON body to one URL and turns the answer into a {@link Delivery}. Shared by the HTTP sinks so they agree
 * on what is worth retrying.
 *
 * <p>Redirects are not followed: a webhook that moved is a configuration problem to fix, and following would send the
 * alert (and any signature) somewhere nobody configured. Failure details name the status or the exception class
 * only; the URL may carry a secret and an exception message may quote it.
 */
final class JsonPoster {

    private static final Duration MAX_RETRY_AFTER = Duration.ofHours(1);

    private final URI url;
    private final Duration timeout;
    private final HttpClient http;

    JsonPoster(URI url, Duration timeout) {
        this.url = url;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** JSON bytes of a tree or record, through the shared mapper. */
    static byte[] bytes(Object json) {
        try {
            return Json.mapper().writeValueAsBytes(json);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write " + json.getClass().getSimpleName() + " as JSON", e);
        }
    }

    /** Scheme, host and port of a URL: what may be shown of it. */
    static String safeTarget(URI url) {
        return url.getScheme() + "://" + url.getHost() + (url.getPort() > 0 ? ":" + url.getPort() : "");
    }

    String target() {
        return safeTarget(url);
    }

    Delivery post(byte[] body, Map<String, String> headers) throws InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(url)
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .header("User-Agent", "PATrol")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(request::header);
        HttpResponse<Void> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.discarding());
        } catch (IOException e) {
            return Delivery.retry(e.getClass().getSimpleName());
        }
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            return Delivery.delivered();
        }
        if (status == 408 || status == 429 || status >= 500) {
            return Delivery.retry("HTTP " + status, retryAfter(response));
        }
        return Delivery.rejected("HTTP " + status);
    }

    /** {@code Retry-After} in seconds (Slack and PagerDuty send seconds); dates and nonsense are ignored. */
    private static Optional<Duration> retryAfter(HttpResponse<?> response) {
        return response.headers().firstValue("Retry-After").flatMap(value -> {
            try {
                long seconds = Long.parseLong(value.strip());
                return seconds < 0 ? Optional.empty() : Optional.of(
                        Duration.ofSeconds(seconds).compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : Duration.ofSeconds(seconds));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        });
    }
}
