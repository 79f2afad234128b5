package dev.patrol.ingest.inventory;

import dev.patrol.model.ado.GraphUser;
import dev.patrol.model.ado.SessionToken;
import dev.patrol.model.event.PersonalAccessToken;
import dev.patrol.model.event.TokenOwner;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Users, tokens and snapshots for the diff tests, with only the fields the diff looks at varying. */
final class InventoryFixtures {

    static final String ORG = "contoso";
    static final String ORG_ID = "0e9f4c3a-7d55-4a8e-9f3b-3f1f3d2c1a00";

    private InventoryFixtures() {
    }

    static GraphUser user(String descriptor) {
        return user(descriptor, "Jane " + descriptor);
    }

    static GraphUser user(String descriptor, String displayName) {
        String name = descriptor.substring(descriptor.indexOf('.') + 1).toLowerCase(java.util.Locale.ROOT);
        return new GraphUser(descriptor, displayName, name + "@contoso.example", name + "@contoso.example", "aad",
                "origin-" + name, "user", "tenant", "member", name, null, null, null, Map.of());
    }

    /** A valid org-scoped token, valid from a month before {@code validTo - 1 year}. */
    static SessionToken token(String authorizationId, String displayName, String scope, Instant validTo) {
        return new SessionToken(authorizationId, null, null, null, "user-id", displayName, scope, List.of(ORG_ID),
                validTo.minusSeconds(365L * 24 * 3600), validTo, true, false, null, null, null, Map.of());
    }

    static SessionToken withValid(SessionToken t, boolean valid) {
        return new SessionToken(t.authorizationId(), t.accessId(), t.clientId(), t.hostAuthorizationId(), t.userId(),
                t.displayName(), t.scope(), t.targetAccounts(), t.validFrom(), t.validTo(), valid, t.isPublic(),
                t.publicData(), t.source(), t.claims(), t.unknownFields());
    }

    static SessionToken with(SessionToken t, String displayName, String scope, Instant validTo, List<String> targets) {
        return new SessionToken(t.authorizationId(), t.accessId(), t.clientId(), t.hostAuthorizationId(), t.userId(),
                displayName, scope, targets, t.validFrom(), validTo, t.isValid(), t.isPublic(), t.publicData(),
                t.source(), t.claims(), t.unknownFields());
    }

    static PersonalAccessToken pat(GraphUser owner, SessionToken token, Instant observedAt) {
        return new PersonalAccessToken(ORG, new TokenOwner(owner.descriptor(), owner.principalName(),
                owner.displayName()), token, observedAt);
    }

    static Map<String, PersonalAccessToken> byId(PersonalAccessToken... tokens) {
        Map<String, PersonalAccessToken> map = new LinkedHashMap<>();
        Arrays.stream(tokens).forEach(token -> map.put(token.authorizationId(), token));
        return map;
    }

    /** A scan at {@code at} that listed {@code users} completely except {@code failed}. */
    static InventoryScanner.Snapshot snapshot(Instant at, List<GraphUser> users, Set<String> failed,
                                              PersonalAccessToken... tokens) {
        return new InventoryScanner.Snapshot(users, true, byId(tokens), failed, 0, 0, at);
    }
}
