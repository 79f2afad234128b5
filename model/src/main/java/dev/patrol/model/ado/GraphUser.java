package dev.patrol.model.ado;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * A {@code GraphUser} from {@code _apis/graph/users} (ado-api.md §5). The {@code descriptor} is what tokenadmin
 * takes to list the user's PATs.
 */
public record GraphUser(
        String descriptor,
        String displayName,
        String principalName,
        String mailAddress,
        String origin,
        String originId,
        String subjectKind,
        String domain,
        String metaType,
        String directoryAlias,
        Boolean isDeletedInOrigin,
        String url,
        String legacyDescriptor,
        @JsonAnySetter Map<String, JsonNode> unknownFields) {

    public GraphUser {
        if (descriptor == null || descriptor.isBlank()) {
            throw new IllegalArgumentException("graph user has no descriptor");
        }
        unknownFields = unknownFields == null ? Map.of() : Map.copyOf(unknownFields);
    }

    @Override
    @JsonAnyGetter
    public Map<String, JsonNode> unknownFields() {
        return unknownFields;
    }
}
