package dev.patrol.simulator;

import java.util.Objects;

/**
 * A generated organization member as the Graph users endpoint lists it.
 *
 * @param descriptor    the graph subject descriptor ({@code aad.<base64url>}); the key tokenadmin is queried by
 * @param principalName the sign-in name, {@code first.last@<org>.example}; also the audit {@code actorUPN}
 * @param displayName   the human name, also the audit {@code actorDisplayName}
 * @param originId      the Entra object id
 */
public record SimUser(String descriptor, String principalName, String displayName, String originId) {

    public SimUser {
        Objects.requireNonNull(descriptor, "descriptor");
        Objects.requireNonNull(principalName, "principalName");
        Objects.requireNonNull(displayName, "displayName");
        Objects.requireNonNull(originId, "originId");
    }
}
