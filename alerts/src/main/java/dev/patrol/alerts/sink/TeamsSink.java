package dev.patrol.alerts.sink;

import dev.patrol.model.Secret;
import java.net.URI;
import java.time.Duration;
import java.util.Map;

/**
 * Posts alerts to Microsoft Teams as Adaptive Cards ({@link TeamsCard}) through a Workflows webhook (Power Automate
 * answers 202 Accepted) or a classic incoming webhook (200). The URL carries a signature in its query, so it is a
 * secret and only its host is ever shown.
 */
public final class TeamsSink implements AlertSink {

    private final JsonPoster poster;
    private final Links links;

    public TeamsSink(Secret webhookUrl, Links links, Duration timeout) {
        this.poster = new JsonPoster(URI.create(webhookUrl.reveal()), timeout);
        this.links = links;
    }

    @Override
    public String name() {
        return "teams";
    }

    @Override
    public String target() {
        return poster.target();
    }

    @Override
    public Delivery deliver(Alert alert) throws InterruptedException {
        return poster.post(JsonPoster.bytes(TeamsCard.build(alert, links)), Map.of());
    }
}
