package dev.patrol.alerts.sink;

import dev.patrol.model.Secret;
import java.net.URI;
import java.time.Duration;
import java.util.Map;

/**
 * Triggers PagerDuty alerts through the Events API v2 ({@link PagerDutyEvent}). PagerDuty answers 202 when it took
 * the event, 400 for an invalid one (parked), 429 when throttled and 5xx when busy (both retried). The routing key
 * travels in the body only; the body is never logged.
 *
 * <p>Findings have no "closed" or "suppressed" event yet, so this sink only triggers; PagerDuty's own auto-resolve
 * (or a person) resolves. A resolve would be the same event with {@code event_action: resolve} and the dedup key.
 */
public final class PagerDutySink implements AlertSink {

    private final JsonPoster poster;
    private final Secret routingKey;
    private final Links links;

    public PagerDutySink(URI eventsUrl, Secret routingKey, Links links, Duration timeout) {
        this.poster = new JsonPoster(eventsUrl, timeout);
        this.routingKey = routingKey;
        this.links = links;
    }

    @Override
    public String name() {
        return "pagerduty";
    }

    @Override
    public String target() {
        return poster.target();
    }

    @Override
    public Delivery deliver(Alert alert) throws InterruptedException {
        return poster.post(JsonPoster.bytes(PagerDutyEvent.build(alert, routingKey, links)), Map.of());
    }
}
