package dev.patrol.ingest.inventory;

import dev.patrol.model.ado.GraphUser;
import dev.patrol.model.ado.SessionToken;
import dev.patrol.model.event.OrgUser;
import dev.patrol.model.event.PersonalAccessToken;
import dev.patrol.model.event.TokenLifecycleEvent;
import dev.patrol.model.event.TokenLifecycleEvent.Kind;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Diffs one scan against the inventory as last written: the lifecycle events, the token and user records to write
 * or tombstone, and the state after writing them. A pure function; "now" is the snapshot's {@code observedAt}, the
 * instant the listing describes, so the same inputs always give the same output.
 *
 * <p>Rules, per token:
 * <ul>
 *   <li>listed now, not before: written; {@code CREATED} only when the owner's tokens were known in full before, or
 *       the owner is new to an organization already scanned. The first scan ever (and a user listed for the first
 *       time, e.g. after failing before) is a baseline: those tokens existed before PATrol looked, so they are not
 *       news, and a flood of CREATED would fire every "token created" detection at once.</li>
 *   <li>listed both times: {@code UPDATED} when name, scope, expiry or target organizations changed (one event,
 *       {@code changes} says what); {@code REVOKED} when {@code isValid} turned false; {@code EXPIRED} when it was
 *       valid and unexpired when last written and {@code validTo} is now past. A token gets each kind that applies.
 *       It is written again when anything in its record changed or an event was emitted; the latter re-stamps
 *       {@code observedAt} after expiry, so a restart does not report the expiry twice.</li>
 *   <li>listed before, not now: {@code DISAPPEARED} and a tombstone when its owner's listing was complete;
 *       {@code OWNER_REMOVED} and a tombstone when its owner is no longer a Graph user and the Graph listing was
 *       complete. The tombstone makes both happen once. Otherwise (the owner's listing failed, or an unreadable Graph
 *       user may be the owner) the token is carried over unchanged: absence proves nothing.</li>
 * </ul>
 * Users are written when new or changed, and tombstoned when missing from a complete Graph listing.
 */
final class InventoryDiff {

    private InventoryDiff() {
    }

    /**
     * What to write for one scan, and the state once written.
     *
     * @param tokenTombstones authorizationIds whose token records are deleted
     * @param userTombstones  descriptors whose user records are deleted
     */
    record Changes(List<TokenLifecycleEvent> events, List<PersonalAccessToken> tokenUpserts,
                   List<String> tokenTombstones, List<OrgUser> userUpserts, List<String> userTombstones,
                   InventoryState next) {
        Changes {
            events = List.copyOf(events);
            tokenUpserts = List.copyOf(tokenUpserts);
            tokenTombstones = List.copyOf(tokenTombstones);
            userUpserts = List.copyOf(userUpserts);
            userTombstones = List.copyOf(userTombstones);
            Objects.requireNonNull(next, "next");
        }

        /** Nothing to write: the scan confirmed what the topics hold. */
        boolean nothingToWrite() {
            return events.isEmpty() && tokenUpserts.isEmpty() && tokenTombstones.isEmpty() && userUpserts.isEmpty()
                    && userTombstones.isEmpty();
        }

        long count(Kind kind) {
            return events.stream().filter(event -> event.kind() == kind).count();
        }
    }

    static Changes diff(String organization, InventoryState previous, InventoryScanner.Snapshot snapshot) {
        Instant now = snapshot.observedAt();
        Set<String> listedUsers = new HashSet<>();
        snapshot.users().forEach(user -> listedUsers.add(user.descriptor()));

        List<TokenLifecycleEvent> events = new ArrayList<>();
        List<PersonalAccessToken> upserts = new ArrayList<>();
        List<String> tombstones = new ArrayList<>();
        Map<String, PersonalAccessToken> nextTokens = new HashMap<>(previous.tokens());

        // Sorted, so the output does not depend on map order or on which user's call finished first.
        SortedSet<String> ids = new TreeSet<>(previous.tokens().keySet());
        ids.addAll(snapshot.tokens().keySet());
        for (String id : ids) {
            PersonalAccessToken before = previous.tokens().get(id);
            PersonalAccessToken after = snapshot.tokens().get(id);
            if (before == null) {
                upserts.add(after);
                nextTokens.put(id, after);
                if (isNews(previous, after.owner().descriptor())) {
                    events.add(event(organization, id, Kind.CREATED, null, after, List.of(), now));
                }
            } else if (after != null) {
                List<TokenLifecycleEvent> changed = compare(organization, before, after, now);
                events.addAll(changed);
                if (!changed.isEmpty() || !Objects.equals(before.token(), after.token())
                        || !Objects.equals(before.owner(), after.owner())) {
                    upserts.add(after);
                    nextTokens.put(id, after);
                }
            } else {
                String owner = before.owner().descriptor();
                Kind gone = null;
                if (listedUsers.contains(owner)) {
                    gone = snapshot.failedUsers().contains(owner) ? null : Kind.DISAPPEARED;
                } else if (snapshot.usersComplete()) {
                    gone = Kind.OWNER_REMOVED;
                }
                if (gone != null) {
                    events.add(event(organization, id, gone, before, null, List.of(), now));
                    tombstones.add(id);
                    nextTokens.remove(id);
                }
            }
        }

        List<OrgUser> userUpserts = new ArrayList<>();
        List<String> userTombstones = new ArrayList<>();
        Map<String, OrgUser> nextUsers = new HashMap<>(previous.users());
        for (GraphUser user : snapshot.users()) {
            OrgUser known = nextUsers.get(user.descriptor());
            if (known == null || !known.user().equals(user)) {
                OrgUser written = new OrgUser(organization, user, now);
                userUpserts.add(written);
                nextUsers.put(user.descriptor(), written);
            }
        }
        Set<String> nextCovered = new HashSet<>(previous.coveredUsers());
        listedUsers.stream().filter(user -> !snapshot.failedUsers().contains(user)).forEach(nextCovered::add);
        if (snapshot.usersComplete()) {
            new TreeSet<>(previous.users().keySet()).stream().filter(user -> !listedUsers.contains(user))
                    .forEach(userTombstones::add);
            userTombstones.forEach(nextUsers::remove);
            nextCovered.retainAll(listedUsers);
        }

        return new Changes(events, upserts, tombstones, userUpserts, userTombstones,
                new InventoryState(nextTokens, nextUsers, nextCovered));
    }

    /**
     * A token new to the inventory is news when its owner's tokens were known in full before (so it was created
     * since), or its owner joined an organization already scanned. Otherwise it is the baseline.
     */
    private static boolean isNews(InventoryState previous, String owner) {
        return previous.coveredUsers().contains(owner)
                || (!previous.users().isEmpty() && !previous.users().containsKey(owner));
    }

    private static List<TokenLifecycleEvent> compare(String organization, PersonalAccessToken before,
                                                     PersonalAccessToken after, Instant now) {
        List<TokenLifecycleEvent> events = new ArrayList<>();
        String id = after.authorizationId();
        SessionToken was = before.token();
        SessionToken is = after.token();
        List<String> changes = changes(was, is);
        if (!changes.isEmpty()) {
            events.add(event(organization, id, Kind.UPDATED, before, after, changes, now));
        }
        if (was.isValid() && !is.isValid()) {
            events.add(event(organization, id, Kind.REVOKED, before, after, List.of(), now));
        }
        // Live when last written, past its expiry now. A token revoked meanwhile reports REVOKED only: its expiry
        // no longer changes anything.
        boolean wasLive = was.isValid() && was.validTo() != null && was.validTo().isAfter(before.observedAt());
        if (wasLive && is.isValid() && is.validTo() != null && !is.validTo().isAfter(now)) {
            events.add(event(organization, id, Kind.EXPIRED, before, after, List.of(), now));
        }
        return events;
    }

    /** The changes a person reviewing a token cares about, in words: {@code scope: vso.code -> app_token}. */
    static List<String> changes(SessionToken was, SessionToken is) {
        List<String> changes = new ArrayList<>();
        if (!Objects.equals(was.displayName(), is.displayName())) {
            changes.add("displayName: " + text(was.displayName()) + " -> " + text(is.displayName()));
        }
        // Compared as sets: ADO does not promise an order, and a reordering grants nothing.
        if (!Objects.equals(scopes(was.scope()), scopes(is.scope()))) {
            changes.add("scope: " + text(was.scope()) + " -> " + text(is.scope()));
        }
        if (!Objects.equals(was.validTo(), is.validTo())) {
            changes.add("validTo: " + text(was.validTo()) + " -> " + text(is.validTo()));
        }
        // Beyond name, scope and expiry: org-scoped to global (or back) changes what a leaked token reaches.
        if (!Objects.equals(accounts(was), accounts(is))) {
            changes.add("targetAccounts: " + accountsText(was) + " -> " + accountsText(is));
        }
        return changes;
    }

    private static Set<String> scopes(String scope) {
        return scope == null || scope.isBlank() ? Set.of() : new TreeSet<>(Arrays.asList(scope.trim().split("\\s+")));
    }

    private static Set<String> accounts(SessionToken token) {
        return token.targetAccounts() == null ? null : new TreeSet<>(token.targetAccounts());
    }

    private static String accountsText(SessionToken token) {
        return token.global() ? "(all organizations)" : token.targetAccounts().toString();
    }

    private static String text(Object value) {
        return value == null ? "(none)" : value.toString();
    }

    private static TokenLifecycleEvent event(String organization, String id, Kind kind, PersonalAccessToken before,
                                             PersonalAccessToken after, List<String> changes, Instant now) {
        return new TokenLifecycleEvent(organization, id, kind, before, after, changes, now);
    }
}
