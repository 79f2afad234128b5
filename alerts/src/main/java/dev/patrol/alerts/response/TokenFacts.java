package dev.patrol.alerts.response;

import dev.patrol.model.event.Finding;
import dev.patrol.model.event.NetworkClass;
import dev.patrol.model.event.PersonalAccessToken;
import dev.patrol.model.event.FindingSubject;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What PATrol knows about the token a finding names: from the finding's evidence (as the detection saw the token),
 * overlaid by the latest inventory record when there is one.
 *
 * @param principals the user principal names and ids involved (actor and owner), lower-case, for the allowlist
 */
record TokenFacts(String authorizationId, Optional<String> ownerPrincipalName, Optional<String> tokenName,
                  Optional<String> scope, Optional<Boolean> global, Optional<NetworkClass> network,
                  Set<String> principals) {

    private static final String FULL_ACCESS_SCOPE = "app_token";

    TokenFacts {
        Objects.requireNonNull(authorizationId, "authorizationId");
        principals = Set.copyOf(principals);
    }

    Optional<Boolean> fullScope() {
        return scope.map(s -> Arrays.asList(s.strip().split("\\s+")).contains(FULL_ACCESS_SCOPE));
    }

    /** The lower-case authorizationId of the token a finding names, if it names exactly one. */
    static Optional<String> authorizationIdOf(Finding finding) {
        String id = finding.subject().authorizationId();
        if (id == null || id.isBlank()) {
            id = finding.evidence().get("authorizationId");
        }
        return id == null || id.isBlank() ? Optional.empty() : Optional.of(id.strip().toLowerCase(Locale.ROOT));
    }

    /** The facts from a finding's evidence, then the inventory's record of the token (which wins where it speaks). */
    static TokenFacts of(Finding finding, String authorizationId, Optional<PersonalAccessToken> inventory) {
        Map<String, String> evidence = finding.evidence();
        FindingSubject subject = finding.subject();
        Set<String> principals = new LinkedHashSet<>();
        addLower(principals, subject.userPrincipalName());
        addLower(principals, subject.userId());
        addLower(principals, evidence.get("actor"));
        addLower(principals, evidence.get("owner"));
        Optional<String> owner = text(evidence.get("owner"));
        Optional<String> name = text(evidence.get("tokenName"));
        Optional<String> scope = text(evidence.get("scope"));
        Optional<Boolean> global = text(evidence.get("global")).map(Boolean::parseBoolean);
        if (inventory.isPresent()) {
            PersonalAccessToken token = inventory.get();
            owner = text(token.owner().principalName()).or(() -> text(evidence.get("owner")));
            addLower(principals, token.owner().principalName());
            addLower(principals, token.token().userId());
            name = text(token.token().displayName()).or(() -> text(evidence.get("tokenName")));
            scope = text(token.token().scope()).or(() -> text(evidence.get("scope")));
            global = Optional.of(token.token().global());
        }
        Optional<NetworkClass> network = text(evidence.get("network")).flatMap(TokenFacts::networkClass);
        return new TokenFacts(authorizationId, owner, name, scope, global, network, principals);
    }

    private static Optional<NetworkClass> networkClass(String text) {
        try {
            return Optional.of(NetworkClass.valueOf(text.toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static Optional<String> text(String value) {
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.strip());
    }

    private static void addLower(Set<String> set, String value) {
        if (value != null && !value.isBlank()) {
            set.add(value.strip().toLowerCase(Locale.ROOT));
        }
    }
}
