package dev.patrol.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the server sends: a status, extra headers and a JSON body ({@code null} for none, as with 204).
 */
record SimResponse(int status, Map<String, String> headers, JsonNode body) {

    SimResponse {
        headers = Map.copyOf(headers);
    }

    static SimResponse json(int status, JsonNode body) {
        return new SimResponse(status, Map.of(), body);
    }

    static SimResponse noContent() {
        return new SimResponse(204, Map.of(), null);
    }

    /**
     * ADO's error body: the {@code $id}/{@code innerException}/{@code message}/{@code typeName}/{@code typeKey}/
     * {@code errorCode}/{@code eventId} object its .NET services write for every failed request.
     */
    static SimResponse error(int status, String typeKey, String message) {
        ObjectNode body = SimJson.NODES.objectNode()
                .put("$id", "1")
                .putNull("innerException")
                .put("message", message)
                .put("typeName", "Microsoft.VisualStudio.Services.WebApi." + typeKey + ", Microsoft.VisualStudio.Services.WebApi")
                .put("typeKey", typeKey)
                .put("errorCode", 0)
                .put("eventId", 3000);
        return json(status, body);
    }

    SimResponse withHeader(String name, String value) {
        Map<String, String> more = new LinkedHashMap<>(headers);
        more.put(name, value);
        return new SimResponse(status, more, body);
    }
}
