package dev.patrol.deploy.report;

import dev.patrol.model.event.TokenOwner;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One token of the inventory with what the report derives from it.
 *
 * @param scopes       the scope string split on whitespace ({@code app_token} is full access)
 * @param validFrom    null when ADO did not say
 * @param validTo      null for a token without expiry
 * @param lifetimeDays whole days from validFrom to validTo, rounded down; null when either is missing
 * @param touched      what findings said about the token; empty when none named it (or findings are unavailable)
 */
public record TokenRow(String organization, String authorizationId, String name, TokenOwner owner,
                       OwnerStatus ownerStatus, List<String> scopes, boolean fullAccess, boolean global,
                       Instant validFrom, Instant validTo, Long lifetimeDays, LifetimeBucket lifetime,
                       TokenState state, Optional<TouchedToken> touched) {

    public TokenRow {
        Objects.requireNonNull(organization, "organization");
        Objects.requireNonNull(authorizationId, "authorizationId");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(ownerStatus, "ownerStatus");
        scopes = List.copyOf(scopes);
        Objects.requireNonNull(lifetime, "lifetime");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(touched, "touched");
    }

    /** A global PAT that still works: it will stop working at {@link TokenReport#GLOBAL_PAT_CUTOFF} at the latest. */
    public boolean globalStillWorking() {
        return global && state == TokenState.ACTIVE;
    }

    /** A global PAT that still works and would outlive the cut-off: the cut-off, not its expiry, ends it. */
    public boolean breaksAtGlobalCutoff() {
        return globalStillWorking() && (validTo == null || !validTo.isBefore(TokenReport.GLOBAL_PAT_CUTOFF));
    }
}
