package dev.patrol.model.ado;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A {@code SessionToken} from {@code tokenadmin/personalaccesstokens/{descriptor}} (ado-api.md §4.1).
 *
 * <p>{@code authorizationId} is the key: the same id appears in an audit entry's {@code authenticationMechanism}
 * and is what the revocation API takes. The {@code token} and {@code alternateToken} fields are secret-bearing and
 * are deliberately not modelled: they are null in GET responses and must never be copied into a topic.
 */
public record SessionToken(
        String authorizationId,
        String accessId,
        String clientId,
        String hostAuthorizationId,
        String userId,
        String displayName,
        String scope,
        List<String> targetAccounts,
        Instant validFrom,
        Instant validTo,
        @JsonProperty("isValid") boolean isValid,
        @JsonProperty("isPublic") boolean isPublic,
        String publicData,
        String source,
        Map<String, String> claims,
        @JsonAnySetter Map<String, JsonNode> unknownFields) {

    /** The scope ADO gives a full-access ("all scopes") PAT. */
    public static final String FULL_ACCESS_SCOPE = "app_token";

    public SessionToken {
        if (authorizationId == null || authorizationId.isBlank()) {
            throw new IllegalArgumentException("session token has no authorizationId");
        }
        authorizationId = authorizationId.toLowerCase(java.util.Locale.ROOT);
        targetAccounts = targetAccounts == null ? null : List.copyOf(targetAccounts);
        claims = claims == null ? null : Map.copyOf(claims);
        unknownFields = unknownFields == null ? Map.of() : Map.copyOf(withoutSecrets(unknownFields));
    }

    /** A full-access PAT: its scope list contains {@code app_token}. */
    public boolean fullScope() {
        return scope != null && Arrays.asList(scope.trim().split("\\s+")).contains(FULL_ACCESS_SCOPE);
    }

    /** A global PAT: valid in all accessible organizations ({@code targetAccounts} is null). */
    public boolean global() {
        return targetAccounts == null;
    }

    @Override
    @JsonAnyGetter
    public Map<String, JsonNode> unknownFields() {
        return unknownFields;
    }

    private static Map<String, JsonNode> withoutSecrets(Map<String, JsonNode> fields) {
        var copy = new java.util.LinkedHashMap<>(fields);
        copy.remove("token");
        copy.remove("alternateToken");
        return copy;
    }
}
