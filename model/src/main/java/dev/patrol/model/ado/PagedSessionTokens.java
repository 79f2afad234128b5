package dev.patrol.model.ado;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * {@code TokenAdminPagedSessionTokens}: one page of a user's PATs. A non-null {@code continuationToken} is the only
 * reliable sign that more pages exist (ado-api.md §4.1). Tokens stay raw JSON so one malformed token is isolated.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record PagedSessionTokens(List<JsonNode> value, String continuationToken) {

    public PagedSessionTokens {
        value = value == null ? List.of() : List.copyOf(value);
    }
}
