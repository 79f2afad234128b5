package dev.patrol.streams.rules;

import dev.patrol.model.net.Cidr;
import dev.patrol.model.net.IpAddresses;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a rule never reports: users (UPN, case-insensitive), tokens (authorizationId) and networks (CIDRs).
 * Site-specific, so it lives in the rule file, not in code.
 */
public record Allowlist(Set<String> users, Set<String> tokens, List<Cidr> networks) {

    public static final Allowlist EMPTY = new Allowlist(Set.of(), Set.of(), List.of());

    public Allowlist {
        users = users.stream().map(u -> u.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
        tokens = tokens.stream().map(t -> t.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
        networks = List.copyOf(networks);
    }

    /** True when any of the given subject parts is allowlisted. Null parts are ignored. */
    public boolean allows(String userPrincipalName, String authorizationId, String ipAddress) {
        if (userPrincipalName != null && users.contains(userPrincipalName.toLowerCase(Locale.ROOT))) {
            return true;
        }
        if (authorizationId != null && tokens.contains(authorizationId.toLowerCase(Locale.ROOT))) {
            return true;
        }
        if (ipAddress != null && !networks.isEmpty()) {
            return IpAddresses.parse(ipAddress).map(a -> networks.stream().anyMatch(n -> n.contains(a))).orElse(false);
        }
        return false;
    }
}
