package dev.patrol.deploy.report;

import dev.patrol.model.ado.GraphUser;
import dev.patrol.model.ado.SessionToken;
import dev.patrol.model.event.Finding;
import dev.patrol.model.event.FindingSubject;
import dev.patrol.model.event.OrgUser;
import dev.patrol.model.event.PersonalAccessToken;
import dev.patrol.model.event.Severity;
import dev.patrol.model.event.TokenOwner;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Inventory records for the report tests, with only what a report reads spelled out. */
final class ReportFixtures {

    /** "Now" of most tests: half a year before the global-PAT cut-off. */
    static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
    static final String ORG = "contoso";

    private ReportFixtures() {
    }

    /** A token builder: org-scoped, valid, 90 days from 30 days ago, owned by {@code owner}. */
    static Token token(String id, String owner) {
        return new Token(id, ORG, owner, owner + "@contoso.example", "Owner " + owner, "token-" + id, "vso.code",
                false, NOW.minus(Duration.ofDays(30)), NOW.plus(Duration.ofDays(60)), true);
    }

    record Token(String id, String organization, String owner, String upn, String displayName, String name,
                 String scope, boolean global, Instant validFrom, Instant validTo, boolean valid) {

        Token named(String newName) {
            return new Token(id, organization, owner, upn, displayName, newName, scope, global, validFrom, validTo, valid);
        }

        Token withScope(String newScope) {
            return new Token(id, organization, owner, upn, displayName, name, newScope, global, validFrom, validTo, valid);
        }

        Token asGlobal() {
            return new Token(id, organization, owner, upn, displayName, name, scope, true, validFrom, validTo, valid);
        }

        Token in(String newOrganization) {
            return new Token(id, newOrganization, owner, upn, displayName, name, scope, global, validFrom, validTo, valid);
        }

        Token validBetween(Instant from, Instant to) {
            return new Token(id, organization, owner, upn, displayName, name, scope, global, from, to, valid);
        }

        Token lifetime(Duration lifetime) {
            return validBetween(validFrom, validFrom.plus(lifetime));
        }

        Token revoked() {
            return new Token(id, organization, owner, upn, displayName, name, scope, global, validFrom, validTo, false);
        }

        Token ownedBy(String newUpn, String newDisplayName) {
            return new Token(id, organization, owner, newUpn, newDisplayName, name, scope, global, validFrom, validTo, valid);
        }

        PersonalAccessToken pat() {
            SessionToken token = new SessionToken(id, null, null, null, null, name, scope,
                    global ? null : List.of("org-id-" + organization), validFrom, validTo, valid, false, null, null,
                    null, Map.of());
            return new PersonalAccessToken(organization, new TokenOwner(owner, upn, displayName), token, NOW);
        }
    }

    static OrgUser user(String descriptor) {
        return user(ORG, descriptor, false);
    }

    static OrgUser user(String organization, String descriptor, boolean deletedInEntra) {
        GraphUser user = new GraphUser(descriptor, "Owner " + descriptor, descriptor + "@contoso.example", null, "aad",
                null, "User", null, "member", null, deletedInEntra, null, null, Map.of());
        return new OrgUser(organization, user, NOW);
    }

    static Finding finding(String id, String rule, Severity severity, String authorizationId, Instant eventTime) {
        return finding(id, rule, severity, authorizationId, null, eventTime);
    }

    static Finding finding(String id, String rule, Severity severity, String authorizationId, String upn,
                           Instant eventTime) {
        return new Finding(id, rule, rule + " title", severity, List.of(), ORG,
                new FindingSubject(authorizationId, upn, null, null), "summary", Map.of(), eventTime, eventTime, List.of());
    }

    static Inventory inventory(List<Token> tokens, List<OrgUser> users, List<Finding> findings) {
        return Inventory.withFindings("test", tokens.stream().map(Token::pat).toList(), users, findings, List.of());
    }

    static TokenReport report(List<Token> tokens, List<OrgUser> users, List<Finding> findings) {
        return TokenReport.build(inventory(tokens, users, findings), NOW);
    }
}
