package dev.patrol.alerts.response;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Who and what PATrol never revokes, whatever a rule says: users (principal names or ids), tokens
 * (authorizationIds) and service accounts (principal-name patterns where {@code *} matches any run of characters,
 * e.g. {@code svc-*@contoso.com}). Matching ignores case.
 */
public record Allowlist(Set<String> users, Set<String> tokens, List<String> serviceAccounts) {

    public static final Allowlist EMPTY = new Allowlist(Set.of(), Set.of(), List.of());

    public Allowlist {
        users = users.stream().map(u -> u.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
        tokens = tokens.stream().map(t -> t.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
        serviceAccounts = List.copyOf(serviceAccounts);
    }

    /** Why the token is allowlisted, or empty when it is not. */
    Optional<String> match(TokenFacts facts) {
        if (tokens.contains(facts.authorizationId())) {
            return Optional.of("token " + facts.authorizationId() + " is on the policy allowlist");
        }
        for (String principal : facts.principals()) {
            if (users.contains(principal)) {
                return Optional.of("user " + principal + " is on the policy allowlist");
            }
        }
        for (String pattern : serviceAccounts) {
            Pattern regex = glob(pattern);
            for (String principal : facts.principals()) {
                if (regex.matcher(principal).matches()) {
                    return Optional.of("service account " + principal + " matches allowlist pattern " + pattern);
                }
            }
        }
        return Optional.empty();
    }

    static Pattern glob(String pattern) {
        StringBuilder regex = new StringBuilder();
        for (String part : pattern.toLowerCase(Locale.ROOT).split("\\*", -1)) {
            if (!regex.isEmpty()) {
                regex.append(".*");
            }
            regex.append(Pattern.quote(part));
        }
        return Pattern.compile(regex.toString());
    }
}
