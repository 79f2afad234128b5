package dev.patrol.model.event;

import java.util.Objects;

/** A normalised audit event with what is known about its source address: the input of the detections. */
public record EnrichedAuditEvent(AuditEvent event, NetworkContext network) {

    public EnrichedAuditEvent {
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(network, "network");
    }
}
