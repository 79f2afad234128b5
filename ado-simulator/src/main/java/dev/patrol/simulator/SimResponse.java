package dev.patrol.simulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the server sends: a status, extra headers and a JSON body ({@code null} for none, as with 204). A fault may
 * replace the body with raw bytes ({@code rawBody}, sent as {@code contentType}) that need not be JSON at all.
 */
record SimResponse(int status, Map<String, String> headers, JsonNode body, byte[] rawBody, String contentType) {

    static final String JSON = "application/json; charset=utf-8";

    SimResponse {
        headers = Map.copyOf(headers);
    }

    SimResponse(int status, Map<String, String> headers, JsonNode body) {
        this(status, headers, body, null, JSON);
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

    /** A body that is not JSON (an HTML page), with its own content type. */
    static SimResponse raw(int status, String contentType, String text) {
        return new SimResponse(status, Map.of(), null, text.getBytes(StandardCharsets.UTF_8), contentType);
    }

    SimResponse withHeader(String name, String value) {
        Map<String, String> more = new LinkedHashMap<>(headers);
        more.put(name, value);
        return new SimResponse(status, more, body, rawBody, contentType);
    }

    SimResponse withHeaders(Map<String, String> extra) {
        Map<String, String> more = new LinkedHashMap<>(headers);
        more.putAll(extra);
        return new SimResponse(status, more, body, rawBody, contentType);
    }

    /** The bytes on the wire, or {@code null} for no body. */
    byte[] bytes() throws JsonProcessingException {
        if (rawBody != null) {
            return rawBody.clone();
        }
        return body == null ? null : SimJson.MAPPER.writeValueAsBytes(body);
    }

    /** The same answer with its body cut to the first half (at least one byte short); no body stays no body. */
    SimResponse truncated() throws JsonProcessingException {
        byte[] whole = bytes();
        if (whole == null || whole.length == 0) {
            return this;
        }
        byte[] half = java.util.Arrays.copyOf(whole, Math.min(whole.length / 2, whole.length - 1));
        return new SimResponse(status, headers, null, half, contentType);
    }
}
