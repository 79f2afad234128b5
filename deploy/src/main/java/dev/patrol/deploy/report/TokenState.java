package dev.patrol.deploy.report;

import dev.patrol.model.ado.SessionToken;
import java.time.Instant;

/** Whether a listed token still works: tokenadmin keeps listing revoked and expired tokens. */
public enum TokenState {
    ACTIVE("active"),
    /** Past its {@code validTo}; ADO leaves {@code isValid} as it was, so the date decides. */
    EXPIRED("expired"),
    /** {@code isValid} false: revoked by its owner or an administrator. */
    REVOKED("revoked");

    private final String label;

    TokenState(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    public static TokenState of(SessionToken token, Instant now) {
        if (!token.isValid()) {
            return REVOKED;
        }
        return token.validTo() != null && !token.validTo().isAfter(now) ? EXPIRED : ACTIVE;
    }
}
