package dev.patrol.ingest.inventory;

import dev.patrol.model.event.OrgUser;
import dev.patrol.model.event.PersonalAccessToken;
import java.util.Map;
import java.util.Set;

/**
 * What the inventory topics hold for one organization, plus which users' token lists it knows in full.
 *
 * <p>{@code tokens} and {@code users} are exactly the tokens and users topics' latest records (a record is only
 * replaced when it is written again), so a restart that restores them from the topics diffs the next scan exactly as
 * the running service would have.
 *
 * @param tokens       latest record per authorizationId
 * @param users        latest record per user descriptor
 * @param coveredUsers descriptors whose tokens have been listed completely at least once: a token new to such a user
 *                     is news (CREATED); one seen for a user listed for the first time is only inventory
 */
record InventoryState(Map<String, PersonalAccessToken> tokens, Map<String, OrgUser> users, Set<String> coveredUsers) {

    InventoryState {
        tokens = Map.copyOf(tokens);
        users = Map.copyOf(users);
        coveredUsers = Set.copyOf(coveredUsers);
    }

    static InventoryState empty() {
        return new InventoryState(Map.of(), Map.of(), Set.of());
    }

    /**
     * The state restored from the topics. Every restored user counts as covered: a user is written after a scan
     * that listed them, and the rare user whose listing failed in every scan so far at worst reports their existing
     * tokens as CREATED once.
     */
    static InventoryState restored(Map<String, PersonalAccessToken> tokens, Map<String, OrgUser> users) {
        return new InventoryState(tokens, users, users.keySet());
    }

    /** Nothing known yet: the next scan is the first, whose tokens are the baseline rather than news. */
    boolean isEmpty() {
        return tokens.isEmpty() && users.isEmpty();
    }
}
