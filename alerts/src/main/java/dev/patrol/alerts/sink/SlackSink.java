package dev.patrol.alerts.sink;

import dev.patrol.model.Secret;
import java.net.URI;
import java.time.Duration;
import java.util.Map;

/**
 * Posts alerts to a Slack incoming webhook as Block Kit messages ({@link SlackMessage}). Slack answers 200 when it
 * posted, 429 with {@code Retry-After} when rate limited (retried), and 400/403/404/410 for a bad payload, a
 * removed hook or an archived channel (parked).
 *
 * <p>An incoming webhook cannot thread or edit, so a grouped update is a new message that names the first finding.
 */
public final class SlackSink implements AlertSink {

    private final JsonPoster poster;
    private final Links links;

    /** {@code webhookUrl} is the secret URL Slack issued; only its host is ever shown. */
    public SlackSink(Secret webhookUrl, Links links, Duration timeout) {
        this.poster = new JsonPoster(URI.create(webhookUrl.reveal()), timeout);
        this.links = links;
    }

    @Override
    public String name() {
        return "slack";
    }

    @Override
    public String target() {
        return poster.target();
    }

    @Override
    public Delivery deliver(Alert alert) throws InterruptedException {
        return poster.post(JsonPoster.bytes(SlackMessage.build(alert, links)), Map.of());
    }
}
