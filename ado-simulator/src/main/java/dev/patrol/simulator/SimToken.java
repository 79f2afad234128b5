package dev.patrol.simulator;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A personal access token in the simulated inventory, as tokenadmin lists it.
 *
 * @param authorizationId lower-case GUID; the id audit entries carry and revocation takes
 * @param ownerDescriptor the owner's graph descriptor
 * @param displayName     the name the owner gave the token
 * @param scope           space-separated scopes; {@code app_token} means full access
 * @param targetAccounts  the organization ids the token works in; {@code null} means global (all organizations)
 * @param validFrom       creation time
 * @param validTo         expiry; may be in the past (an expired token still lists, with {@code isValid} unchanged)
 * @param isValid         {@code false} once revoked
 */
public record SimToken(String authorizationId, String ownerDescriptor, String displayName, String scope,
                       List<String> targetAccounts, Instant validFrom, Instant validTo, boolean isValid) {

    public SimToken {
        Objects.requireNonNull(authorizationId, "authorizationId");
        Objects.requireNonNull(ownerDescriptor, "ownerDescriptor");
        Objects.requireNonNull(displayName, "displayName");
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(validFrom, "validFrom");
        Objects.requireNonNull(validTo, "validTo");
        // null is meaningful (global), so only non-null lists are copied.
        targetAccounts = targetAccounts == null ? null : List.copyOf(targetAccounts);
    }

    /** Whether the token works in every organization ({@code targetAccounts == null}). */
    public boolean global() {
        return targetAccounts == null;
    }

    /** Whether the token has full access ({@code app_token} among its scopes). */
    public boolean fullAccess() {
        return List.of(scope.split(" ")).contains("app_token");
    }

    SimToken withValid(boolean valid) {
        return valid == isValid ? this
                : new SimToken(authorizationId, ownerDescriptor, displayName, scope, targetAccounts, validFrom, validTo, valid);
    }
}
