package dev.patrol.model.event;

import dev.patrol.model.ado.GraphUser;
import java.time.Instant;
import java.util.Objects;

/** A Graph user of an organization as the last inventory scan saw it. Keyed by descriptor in the users topic. */
public record OrgUser(String organization, GraphUser user, Instant observedAt) {

    public OrgUser {
        Objects.requireNonNull(organization, "organization");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(observedAt, "observedAt");
    }
}
