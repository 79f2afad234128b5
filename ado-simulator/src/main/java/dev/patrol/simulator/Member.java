package dev.patrol.simulator;

import java.util.Objects;

/**
 * A generated user with the ids that appear beside the Graph view: {@code userId} is the one tokenadmin's
 * {@code SessionToken.userId} and the audit {@code actorUserId} carry, {@code cuid} the audit {@code actorCUID}.
 * ADO does not document how these relate; the simulator keeps them consistent per user.
 */
record Member(SimUser user, String userId, String cuid) {

    Member {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(cuid, "cuid");
    }

    String descriptor() {
        return user.descriptor();
    }
}
