package dev.patrol.streams.detection;

import dev.patrol.model.event.AuditEvent;
import dev.patrol.model.event.EnrichedAuditEvent;
import dev.patrol.model.event.OrgUser;
import dev.patrol.model.event.PersonalAccessToken;
import java.util.Objects;

/**
 * An audited action done with a PAT, joined with the token as the inventory lists it.
 *
 * @param token the inventory's token, or null when the entry's authorizationId is not (yet) in the inventory or the
 *              entry names no token at all
 * @param owner the token owner's Graph user as the last scan saw it; null when unknown
 */
public record TokenUse(EnrichedAuditEvent use, PersonalAccessToken token, OrgUser owner) {

    public TokenUse {
        Objects.requireNonNull(use, "use");
    }

    public TokenUse(EnrichedAuditEvent use, PersonalAccessToken token) {
        this(use, token, null);
    }

    public TokenUse withOwner(OrgUser owner) {
        return new TokenUse(use, token, owner);
    }

    public AuditEvent event() {
        return use.event();
    }

    /** The token's id from the audit entry; null when the entry names none. */
    public String authorizationId() {
        return use.event().mechanism().authorizationId().orElse(null);
    }

    public boolean tokenKnown() {
        return token != null;
    }
}
