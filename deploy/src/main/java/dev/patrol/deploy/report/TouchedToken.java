package dev.patrol.deploy.report;

import dev.patrol.model.event.Severity;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A token that findings name ({@code subject.authorizationId}), with what they said about it.
 *
 * @param name             the token's display name; null when the inventory does not list it
 * @param ownerPrincipalName the owner from the inventory, else the user a finding names; null when neither says
 * @param inInventory      whether the inventory lists the token (a finding about a deleted or unknown token does not)
 * @param findings         distinct findings (by id: a finding re-sent after a restart counts once)
 * @param rules            the rule ids of those findings, sorted
 * @param lastFinding      the latest event time among them (when the audited action happened)
 */
public record TouchedToken(String organization, String authorizationId, String name, String ownerPrincipalName,
                           boolean inInventory, int findings, List<String> rules, Severity highestSeverity,
                           Instant lastFinding) {

    public TouchedToken {
        Objects.requireNonNull(organization, "organization");
        Objects.requireNonNull(authorizationId, "authorizationId");
        rules = List.copyOf(rules);
        Objects.requireNonNull(highestSeverity, "highestSeverity");
        Objects.requireNonNull(lastFinding, "lastFinding");
        if (findings < 1) {
            throw new IllegalArgumentException("a touched token has at least one finding");
        }
    }
}
