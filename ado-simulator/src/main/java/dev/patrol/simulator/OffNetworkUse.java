package dev.patrol.simulator;

import java.util.Objects;

/**
 * Ground truth: an audit entry the generator deliberately made as a PAT use from outside the corporate networks.
 *
 * @param entryId          the audit entry's decorated {@code id}
 * @param authorizationId  the PAT's authorization id as written in {@code authenticationMechanism}
 * @param ipAddress        the off-network source address
 * @param tokenInInventory {@code false} for the one use of a token tokenadmin does not list (a deleted token)
 */
public record OffNetworkUse(String entryId, String authorizationId, String ipAddress, boolean tokenInInventory) {

    public OffNetworkUse {
        Objects.requireNonNull(entryId, "entryId");
        Objects.requireNonNull(authorizationId, "authorizationId");
        Objects.requireNonNull(ipAddress, "ipAddress");
    }
}
