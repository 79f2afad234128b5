package dev.patrol.model.ado;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * The body of {@code _apis/graph/users}: {@code {count, value}}. The continuation token is not in the body but in
 * the {@code X-MS-ContinuationToken} response header (ado-api.md §5).
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record GraphUserList(Integer count, List<JsonNode> value) {

    public GraphUserList {
        value = value == null ? List.of() : List.copyOf(value);
    }
}
