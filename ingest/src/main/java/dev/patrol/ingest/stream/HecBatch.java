package dev.patrol.ingest.stream;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import dev.patrol.ingest.stream.StreamDelivery.Rejected;
import dev.patrol.ingest.stream.StreamDelivery.StreamedEntry;
import dev.patrol.model.json.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Splits a Splunk HTTP Event Collector body into audit entries and rejected items.
 *
 * <p>An HEC body is a sequence of JSON values, concatenated or whitespace/newline separated (HEC's batch format, not
 * a JSON array). Each value is normally an envelope {@code {"time":..,"host":..,"source":..,"sourcetype":..,
 * "index":..,"event":<payload>}} and the payload is searched with {@link AuditEntryPayloads#extract}. Accepted as
 * plausible variants because ADO's envelope is undocumented: a bare audit entry (no envelope), and a top-level JSON
 * array of envelopes. A value that carries no audit entry is rejected on its own; a syntax error rejects the rest of
 * the body from the last complete value on, since parsing cannot resynchronise after it.
 */
final class HecBatch {

    private HecBatch() {
    }

    /** What a body held. */
    sealed interface Outcome permits NoData, InvalidFormat, Parsed {
    }

    /** The body is empty or only whitespace (HEC code 5). */
    record NoData() implements Outcome {
    }

    /** Not one JSON value could be read (HEC code 6). */
    record InvalidFormat() implements Outcome {
    }

    /** At least one JSON value was read. */
    record Parsed(List<StreamedEntry> entries, List<Rejected> rejected) implements Outcome {
    }

    static Outcome parse(byte[] body) {
        if (isBlank(body)) {
            return new NoData();
        }
        List<StreamedEntry> entries = new ArrayList<>();
        List<Rejected> rejected = new ArrayList<>();
        int values = 0;
        long consumed = 0;
        try (JsonParser parser = Json.mapper().createParser(body)) {
            while (true) {
                JsonNode value;
                try {
                    JsonToken first = parser.nextToken();
                    if (first == null) {
                        break;
                    }
                    value = Json.mapper().readTree(parser);
                } catch (IOException | RuntimeException e) {
                    if (values > 0) {
                        rejected.add(new Rejected("HEC body is not valid JSON after value " + values,
                                Arrays.copyOfRange(body, (int) Math.min(consumed, body.length), body.length)));
                    }
                    break;
                }
                consumed = parser.currentLocation().getByteOffset();
                values++;
                accept(value, "HEC value " + values, true, entries, rejected);
            }
        } catch (IOException e) {
            // Only closing the parser can get here; everything read so far stands.
        }
        return values == 0 ? new InvalidFormat() : new Parsed(entries, rejected);
    }

    private static void accept(JsonNode value, String where, boolean mayBeArray, List<StreamedEntry> entries,
                               List<Rejected> rejected) {
        if (value.isArray() && mayBeArray) {
            int index = 0;
            for (JsonNode element : value) {
                accept(element, where + " element " + index++, false, entries, rejected);
            }
            return;
        }
        if (!value.isObject()) {
            rejected.add(new Rejected(where + " is not a JSON object", AuditEntryPayloads.jsonBytes(value)));
            return;
        }
        boolean enveloped = value.has("event");
        List<StreamedEntry> found = AuditEntryPayloads.extract(enveloped ? value.get("event") : value);
        if (found.isEmpty()) {
            rejected.add(new Rejected(where + (enveloped ? " has an event that is not an audit entry"
                    : " has no event field and is not an audit entry"), AuditEntryPayloads.jsonBytes(value)));
        }
        entries.addAll(found);
    }

    private static boolean isBlank(byte[] body) {
        for (byte b : body) {
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                return false;
            }
        }
        return true;
    }
}
