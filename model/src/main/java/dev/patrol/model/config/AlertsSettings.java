package dev.patrol.model.config;

import java.net.URI;
import java.util.List;

/** Where findings go (keys {@code alerts.*}). */
public record AlertsSettings(List<URI> webhooks, boolean printFindings, String consumerGroup) {

    public AlertsSettings {
        webhooks = List.copyOf(webhooks);
    }

    static AlertsSettings bind(ConfigSource source) {
        return new AlertsSettings(
                source.urls("alerts.webhooks"),
                source.bool("alerts.printFindings", true),
                source.string("alerts.consumerGroup", "patrol-alerts"));
    }
}
