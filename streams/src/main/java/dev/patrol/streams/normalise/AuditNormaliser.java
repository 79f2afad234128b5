package dev.patrol.streams.normalise;

import dev.patrol.model.ado.AdoAuditEntry;
import dev.patrol.model.event.Actor;
import dev.patrol.model.event.AuditEvent;
import dev.patrol.model.event.AuthMechanism;
import dev.patrol.model.event.ReceivedAuditEntry;
import java.util.Optional;

/** Turns an ADO audit entry into the {@link AuditEvent} detections read. Pure; never throws on odd values. */
public final class AuditNormaliser {

    private AuditNormaliser() {
    }

    public static AuditEvent normalise(ReceivedAuditEntry received) {
        AdoAuditEntry entry = received.entry();
        Optional<String> ip = Optional.ofNullable(entry.ipAddress()).map(String::strip).filter(s -> !s.isEmpty());
        return new AuditEvent(
                entry.id(),
                received.organization(),
                entry.timestamp(),
                entry.actionId(),
                entry.area(),
                entry.category(),
                new Actor(entry.actorUserId(), entry.actorUPN(), entry.actorDisplayName(), entry.actorClientId()),
                ip,
                entry.userAgent(),
                AuthMechanism.parse(entry.authenticationMechanism()),
                entry.projectName(),
                entry.details(),
                entry.data());
    }
}
