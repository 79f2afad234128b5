package dev.patrol.streams.detection;

import dev.patrol.model.event.AuditEvent;
import dev.patrol.model.event.NetworkContext;
import dev.patrol.model.event.PersonalAccessToken;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The facts a person reads in a finding, in a fixed order: where from, what was done, with which token. Shared so
 * every detection describes the same things with the same keys.
 */
public final class Evidence {

    private final Map<String, String> facts = new LinkedHashMap<>();

    public static Evidence of(TokenUse use) {
        return new Evidence().network(use.use().network()).action(use.event()).token(use);
    }

    public Evidence put(String key, Object value) {
        if (value != null && !value.toString().isBlank()) {
            facts.put(key, value.toString());
        }
        return this;
    }

    public Evidence network(NetworkContext network) {
        put("ip", network.ip());
        put("network", network.networkClass().name().toLowerCase(java.util.Locale.ROOT));
        put("country", network.countryIso());
        put("city", network.city());
        if (network.asn() != null) {
            put("asn", "AS" + network.asn());
        }
        put("asOrganization", network.asOrganization());
        return this;
    }

    public Evidence action(AuditEvent event) {
        put("action", event.actionId());
        put("project", event.projectName());
        put("userAgent", event.userAgent());
        put("mechanism", event.mechanism().name());
        put("actor", event.actor().userPrincipalName());
        return this;
    }

    public Evidence token(TokenUse use) {
        put("authorizationId", use.authorizationId());
        PersonalAccessToken token = use.token();
        if (token == null) {
            put("token", use.authorizationId() == null
                    ? "not identified: the audit entry names no authorizationId"
                    : "not in inventory: deleted, owner removed, or not scanned yet");
            return this;
        }
        put("token", "in inventory");
        put("tokenName", token.token().displayName());
        put("scope", token.token().scope());
        put("global", Boolean.toString(token.token().global()));
        put("owner", token.owner().principalName());
        if (token.token().validTo() != null) {
            put("validTo", token.token().validTo());
        }
        put("tokenValid", Boolean.toString(token.token().isValid()));
        if (use.owner() != null) {
            var user = use.owner().user();
            put("ownerStatus", Boolean.TRUE.equals(user.isDeletedInOrigin()) ? "deleted in Entra"
                    : user.metaType() == null ? "listed" : user.metaType());
        }
        return this;
    }

    public Map<String, String> toMap() {
        return facts;
    }
}
