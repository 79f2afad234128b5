package dev.patrol.model.event;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The parsed {@code authenticationMechanism} of an audit entry, e.g. {@code PAT_Unscoped authorizationId: <guid>}.
 *
 * @param raw             the value exactly as ADO sent it ({@code ""} when absent)
 * @param name            the mechanism name, without ADO's {@code !!additionalData} suffix
 * @param kind            the credential family
 * @param fullScope       the name says {@code _Unscoped}: a full-access ({@code app_token}) token
 * @param global          the name says {@code Global}: a token valid in all accessible organizations
 * @param authorizationId the token's id, canonical lower-case hyphenated GUID, when the entry names one
 */
public record AuthMechanism(String raw, String name, CredentialKind kind, boolean fullScope, boolean global,
                            Optional<String> authorizationId) {

    // The server appends " authorizationId: <guid>"; a scrubbed real sample has no space after the colon and
    // may carry 32 hex digits without hyphens (ado-api.md §2), so both are accepted.
    private static final Pattern AUTHORIZATION_ID = Pattern.compile(
            "authorizationId:\\s*([0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12})(?![0-9a-fA-F])",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern NAME = Pattern.compile("^[A-Za-z0-9_]*");
    private static final Set<String> COOKIE_NAMES = Set.of("fedauth", "aad_cookie", "userauthtoken", "userauthtoken_vs2012");

    public AuthMechanism {
        Objects.requireNonNull(raw, "raw");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(authorizationId, "authorizationId");
    }

    /** True when a personal access token did this. */
    @JsonIgnore
    public boolean isPat() {
        return kind == CredentialKind.PAT;
    }

    /**
     * Parses leniently: never throws, whatever ADO sends. Unknown names become {@link CredentialKind#UNKNOWN} with
     * the name kept; a missing or malformed id becomes an empty {@code authorizationId}.
     */
    public static AuthMechanism parse(String value) {
        String raw = value == null ? "" : value;
        String trimmed = raw.strip();
        Matcher nameMatcher = NAME.matcher(trimmed);
        String name = nameMatcher.find() ? nameMatcher.group() : "";
        String lower = name.toLowerCase(Locale.ROOT);
        CredentialKind kind = kindOf(lower, trimmed);
        boolean tokenFamily = kind == CredentialKind.PAT || kind == CredentialKind.SESSION_TOKEN;
        boolean fullScope = tokenFamily && lower.contains("unscoped");
        boolean global = tokenFamily && lower.contains("global");
        Matcher idMatcher = AUTHORIZATION_ID.matcher(trimmed);
        Optional<String> id = idMatcher.find() ? Optional.of(canonicalGuid(idMatcher.group(1))) : Optional.empty();
        return new AuthMechanism(raw, name, kind, fullScope, global, id);
    }

    private static CredentialKind kindOf(String lowerName, String trimmed) {
        if (lowerName.isEmpty()) {
            // "" is a system event; anything else without a leading name is simply unknown.
            return trimmed.isEmpty() ? CredentialKind.SYSTEM : CredentialKind.UNKNOWN;
        }
        if (lowerName.equals("none")) {
            return CredentialKind.SYSTEM;
        }
        if (lowerName.startsWith("pat")) {
            return CredentialKind.PAT;
        }
        if (lowerName.startsWith("sessiontoken") || lowerName.equals("basic_sessiontoken")) {
            return CredentialKind.SESSION_TOKEN;
        }
        if (COOKIE_NAMES.contains(lowerName)) {
            return CredentialKind.COOKIE;
        }
        if (lowerName.startsWith("s2s_") || lowerName.equals("aadserviceprincipal")
                || lowerName.equals("basic_aadserviceprincipal")) {
            return CredentialKind.SERVICE_PRINCIPAL;
        }
        if (lowerName.equals("aad") || lowerName.startsWith("aad_") || lowerName.equals("basic_aad")) {
            return CredentialKind.ENTRA;
        }
        if (lowerName.equals("oauth")) {
            return CredentialKind.OAUTH;
        }
        if (lowerName.equals("ssh")) {
            return CredentialKind.SSH;
        }
        if (lowerName.equals("basic")) {
            return CredentialKind.BASIC;
        }
        return CredentialKind.UNKNOWN;
    }

    /** Lower-case, hyphenated: the form tokenadmin returns and the revocation API takes. */
    static String canonicalGuid(String guid) {
        String hex = guid.replace("-", "").toLowerCase(Locale.ROOT);
        return hex.substring(0, 8) + '-' + hex.substring(8, 12) + '-' + hex.substring(12, 16) + '-'
                + hex.substring(16, 20) + '-' + hex.substring(20);
    }
}
