package dev.patrol.ingest.inventory;

import dev.patrol.ingest.kafka.TransactionalPublisher;
import dev.patrol.model.event.OrgUser;
import dev.patrol.model.event.PersonalAccessToken;
import dev.patrol.model.event.TokenLifecycleEvent;
import dev.patrol.model.event.TokenLifecycleEvent.Kind;
import dev.patrol.model.topic.Topics;
import java.time.Instant;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns each scan into writes: lifecycle events on the lifecycle topic, changed tokens and tombstones on the
 * compacted tokens topic, new, changed and removed users on the users topic (rules in {@link InventoryDiff}).
 *
 * <p>All of one scan's writes go in one transaction, so a crash never leaves an event without its token record or
 * the other way round; the state moves on only once the transaction committed, so a failed publish is simply found
 * again by the next scan. Not thread-safe: one caller (the ingest loop) publishes.
 */
public final class InventoryPublisher {

    private static final Logger LOG = LoggerFactory.getLogger(InventoryPublisher.class);

    private final String organization;
    private InventoryState state;

    /**
     * What a publish did.
     *
     * @param written  token records written (new, changed, or re-stamped with an event)
     * @param removed  token tombstones written
     * @param complete whether every user and every user's tokens were listed
     * @param events   lifecycle events written
     */
    public record Result(int written, int removed, boolean complete, int events, int usersWritten, int usersRemoved) {
    }

    /**
     * @param restoredTokens the organization's tokens as the tokens topic last held them
     * @param restoredUsers  the organization's users as the users topic last held them ({@link InventoryRestore})
     */
    public InventoryPublisher(String organization, Map<String, PersonalAccessToken> restoredTokens,
                              Map<String, OrgUser> restoredUsers) {
        this.organization = organization;
        this.state = InventoryState.restored(restoredTokens, restoredUsers);
    }

    public int knownTokens() {
        return state.tokens().size();
    }

    public Result publish(InventoryScanner.Snapshot snapshot, TransactionalPublisher publisher) throws InterruptedException {
        boolean baseline = state.isEmpty();
        InventoryDiff.Changes changes = InventoryDiff.diff(organization, state, snapshot);
        Instant at = snapshot.observedAt();
        if (!changes.nothingToWrite()) {
            publisher.inTransaction(sender -> {
                for (TokenLifecycleEvent event : changes.events()) {
                    sender.send(Topics.TOKEN_LIFECYCLE, event.authorizationId(), event, at);
                }
                for (PersonalAccessToken token : changes.tokenUpserts()) {
                    sender.send(Topics.TOKENS, token.authorizationId(), token, eventTime(token));
                }
                for (String gone : changes.tokenTombstones()) {
                    sender.send(Topics.TOKENS, gone, null, at);
                }
                for (OrgUser user : changes.userUpserts()) {
                    sender.send(Topics.USERS, OrgUser.key(organization, user.user().descriptor()), user, at);
                }
                for (String gone : changes.userTombstones()) {
                    sender.send(Topics.USERS, OrgUser.key(organization, gone), null, at);
                }
            });
        }
        state = changes.next();

        if (baseline) {
            LOG.info("inventory baseline recorded org={} tokens={} users={}: tokens that existed before the first "
                    + "scan are not reported as created", organization, changes.tokenUpserts().size(),
                    changes.userUpserts().size());
        } else if (!changes.events().isEmpty()) {
            LOG.info("inventory changed org={} created={} updated={} revoked={} expired={} disappeared={} "
                            + "ownerRemoved={} usersWritten={} usersRemoved={}", organization,
                    changes.count(Kind.CREATED), changes.count(Kind.UPDATED), changes.count(Kind.REVOKED),
                    changes.count(Kind.EXPIRED), changes.count(Kind.DISAPPEARED), changes.count(Kind.OWNER_REMOVED),
                    changes.userUpserts().size(), changes.userTombstones().size());
        }
        if (LOG.isDebugEnabled()) {
            changes.events().forEach(event -> LOG.debug("token lifecycle org={} authorizationId={} kind={} changes={}",
                    organization, event.authorizationId(), event.kind(), event.changes()));
        }
        return new Result(changes.tokenUpserts().size(), changes.tokenTombstones().size(), snapshot.complete(),
                changes.events().size(), changes.userUpserts().size(), changes.userTombstones().size());
    }

    /**
     * A token record is stamped with the token's {@code validFrom}: the stream-table join in the detection
     * topology then sees a token as existing from its creation, so audit events (stamped with their ADO time) are
     * joined with the tokens that existed then, however late the scan ran.
     */
    static Instant eventTime(PersonalAccessToken token) {
        Instant validFrom = token.token().validFrom();
        return validFrom != null && validFrom.isBefore(token.observedAt()) ? validFrom : token.observedAt();
    }
}
