package dev.patrol.model.event;

import dev.patrol.model.ado.GraphUser;
import java.time.Instant;
import java.util.Objects;

/**
 * A Graph user of an organization as the last inventory scan saw it. Keyed by {@link #key} in the users topic: one
 * person has the same descriptor in every organization of a tenant, so the organization is part of the key.
 */
public record OrgUser(String organization, GraphUser user, Instant observedAt) {

    /** The users-topic key: {@code <organization>|<descriptor>}. */
    public static String key(String organization, String descriptor) {
        return organization + "|" + descriptor;
    }

    public OrgUser {
        Objects.requireNonNull(organization, "organization");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(observedAt, "observedAt");
    }
}
