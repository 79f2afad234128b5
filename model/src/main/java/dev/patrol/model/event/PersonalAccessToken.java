package dev.patrol.model.event;

import dev.patrol.model.ado.SessionToken;
import java.time.Instant;
import java.util.Objects;

/**
 * A PAT in the organization's inventory: the {@link SessionToken} as tokenadmin listed it, the owner it was listed
 * under, and when the scan saw it. Keyed by {@link #authorizationId()} in the inventory topic.
 */
public record PersonalAccessToken(String organization, TokenOwner owner, SessionToken token, Instant observedAt) {

    public PersonalAccessToken {
        Objects.requireNonNull(organization, "organization");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(observedAt, "observedAt");
    }

    public String authorizationId() {
        return token.authorizationId();
    }
}
