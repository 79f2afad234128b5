package dev.patrol.deploy.report;

import java.time.Instant;
import java.util.Objects;

/**
 * A global PAT that still works: Microsoft retires every global PAT on 2026-12-01, so whatever uses it breaks then (or
 * at its own expiry, if that comes first) unless its owner moves to an organization-scoped token or Entra.
 *
 * @param validTo             null for a token without expiry
 * @param stopsWorking        the earlier of its expiry and the cut-off
 * @param daysLeft            whole days from the report's "now" to {@code stopsWorking}, rounded down; 0 once past
 * @param expiresBeforeCutoff its own expiry comes first: it breaks then, not at the cut-off
 */
public record GlobalPat(String organization, String authorizationId, String name, String ownerPrincipalName,
                        String ownerDisplayName, OwnerStatus ownerStatus, boolean fullAccess, Instant validTo,
                        Instant stopsWorking, long daysLeft, boolean expiresBeforeCutoff) {

    public GlobalPat {
        Objects.requireNonNull(organization, "organization");
        Objects.requireNonNull(authorizationId, "authorizationId");
        Objects.requireNonNull(ownerStatus, "ownerStatus");
        Objects.requireNonNull(stopsWorking, "stopsWorking");
        if (daysLeft < 0) {
            throw new IllegalArgumentException("days left cannot be negative: " + daysLeft);
        }
    }
}
