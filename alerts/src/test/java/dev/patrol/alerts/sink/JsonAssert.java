package dev.patrol.alerts.sink;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.patrol.model.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Exact JSON comparison: both sides parsed, so key order and number widths do not matter, every value does. */
final class JsonAssert {

    private JsonAssert() {
    }

    static void assertJsonEquals(JsonNode actual, String expected) {
        try {
            JsonNode normalised = Json.mapper().readTree(Json.mapper().writeValueAsString(actual));
            assertThat(normalised).isEqualTo(Json.mapper().readTree(expected));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
