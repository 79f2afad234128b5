package dev.patrol.model.event;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A change in the PAT inventory found by diffing one complete scan against the previous state.
 *
 * @param before  the token as last seen; null for CREATED
 * @param after   the token as now listed; null for DISAPPEARED
 * @param changes what changed, in words, e.g. {@code scope: vso.code -> app_token}; empty where the kind says it all
 */
public record TokenLifecycleEvent(String organization, String authorizationId, Kind kind,
                                  PersonalAccessToken before, PersonalAccessToken after, List<String> changes,
                                  Instant observedAt) {

    public enum Kind {
        /** Listed now, not before. */
        CREATED,
        /** Scope, expiry or name changed. */
        UPDATED,
        /** {@code isValid} turned false. */
        REVOKED,
        /** {@code validTo} passed since the last scan. */
        EXPIRED,
        /** Listed before, absent from a complete scan now (deleted, or its owner's tokens are gone). */
        DISAPPEARED,
        /** Its owner is no longer among the organization's users. */
        OWNER_REMOVED
    }

    public TokenLifecycleEvent {
        Objects.requireNonNull(organization, "organization");
        Objects.requireNonNull(authorizationId, "authorizationId");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(observedAt, "observedAt");
        changes = changes == null ? List.of() : List.copyOf(changes);
    }
}
