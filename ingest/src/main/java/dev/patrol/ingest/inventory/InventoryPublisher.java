package dev.patrol.ingest.inventory;

import dev.patrol.ingest.kafka.TransactionalPublisher;
import dev.patrol.model.event.OrgUser;
import dev.patrol.model.event.PersonalAccessToken;
import dev.patrol.model.topic.Topics;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Writes inventory changes to the compacted tokens and users topics: a token whose listing changed is written
 * again, a token that disappeared gets a tombstone, but only when the scan was complete, since a user whose
 * call failed would otherwise look as if all their tokens were gone.
 */
public final class InventoryPublisher {

    private final String organization;
    private final Map<String, PersonalAccessToken> known;

    /** What a publish did. */
    public record Result(int written, int removed, boolean complete) {
    }

    /** {@code restored}: the organization's tokens as the tokens topic last held them. */
    public InventoryPublisher(String organization, Map<String, PersonalAccessToken> restored) {
        this.organization = organization;
        this.known = new HashMap<>(restored);
    }

    public int knownTokens() {
        return known.size();
    }

    public Result publish(InventoryScanner.Snapshot snapshot, TransactionalPublisher publisher) throws InterruptedException {
        Map<String, PersonalAccessToken> next = new HashMap<>(known);
        int[] counts = new int[2];
        publisher.inTransaction(sender -> {
            for (var user : snapshot.users()) {
                sender.send(Topics.USERS, user.descriptor(), new OrgUser(organization, user, snapshot.observedAt()),
                        snapshot.observedAt());
            }
            for (PersonalAccessToken token : snapshot.tokens().values()) {
                PersonalAccessToken previous = known.get(token.authorizationId());
                if (previous == null || changed(previous, token)) {
                    sender.send(Topics.TOKENS, token.authorizationId(), token, eventTime(token));
                    next.put(token.authorizationId(), token);
                    counts[0]++;
                }
            }
            if (snapshot.complete()) {
                for (String gone : known.keySet()) {
                    if (!snapshot.tokens().containsKey(gone)) {
                        sender.send(Topics.TOKENS, gone, null, snapshot.observedAt());
                        next.remove(gone);
                        counts[1]++;
                    }
                }
            }
        });
        known.clear();
        known.putAll(next);
        return new Result(counts[0], counts[1], snapshot.complete());
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

    private static boolean changed(PersonalAccessToken previous, PersonalAccessToken current) {
        return !Objects.equals(previous.token(), current.token()) || !Objects.equals(previous.owner(), current.owner());
    }
}
