package dev.patrol.ingest.stream;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import dev.patrol.ingest.stream.StreamDelivery.Rejected;
import dev.patrol.ingest.stream.StreamDelivery.StreamedEntry;
import dev.patrol.model.json.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads an Event Grid webhook body in the Event Grid schema: a JSON array of events
 * {@code {id, topic, subject, eventType, eventTime, dataVersion, data}}.
 *
 * <p>A body holding the subscription validation event answers the handshake. Otherwise each event's {@code data} is
 * searched with {@link AuditEntryPayloads#extract}; ADO's {@code eventType}, {@code subject} and {@code dataVersion}
 * values are undocumented (ado-api.md §7, ❌), so they are not checked. Event Grid's own lifecycle events
 * ({@code Microsoft.EventGrid.*}) are skipped. The CloudEvents schema is refused, since ADO streams support only the
 * Event Grid schema.
 */
final class EventGridBatch {

    static final String VALIDATION_EVENT_TYPE = "Microsoft.EventGrid.SubscriptionValidationEvent";
    static final String CLOUD_EVENTS_REFUSED = "CloudEvents schema is not supported: ADO audit streams publish in the"
            + " Event Grid schema, so create the topic and the subscription with the Event Grid schema";
    private static final String EVENT_GRID_SYSTEM_EVENT_PREFIX = "Microsoft.EventGrid.";

    private EventGridBatch() {
    }

    /** What a body held. */
    sealed interface Outcome permits Validation, Notifications, Invalid {
    }

    /** The subscription validation handshake: answer with this code. */
    record Validation(String validationCode) implements Outcome {
    }

    /** Notification events. */
    record Notifications(List<StreamedEntry> entries, List<Rejected> rejected, int skippedSystemEvents)
            implements Outcome {
    }

    /** Not an Event Grid schema body; the message says why and quotes no payload. */
    record Invalid(String message) implements Outcome {
    }

    /**
     * @param validationHeader whether {@code aeg-event-type: SubscriptionValidation} was sent
     */
    static Outcome parse(byte[] body, boolean validationHeader) {
        JsonNode root;
        try (JsonParser parser = Json.mapper().createParser(body)) {
            root = Json.mapper().readTree(parser);
            if (root == null) {
                return new Invalid("no data");
            }
            if (parser.nextToken() != null) {
                return new Invalid("body is not one JSON value");
            }
        } catch (IOException | RuntimeException e) {
            return new Invalid("body is not valid JSON");
        }
        if (root.isObject()) {
            return new Invalid(root.has("specversion") ? CLOUD_EVENTS_REFUSED
                    : "expected a JSON array of Event Grid events, got an object");
        }
        if (!root.isArray()) {
            return new Invalid("expected a JSON array of Event Grid events");
        }
        if (root.isEmpty()) {
            return new Invalid("no events");
        }
        List<JsonNode> validations = new ArrayList<>();
        for (JsonNode event : root) {
            if (event.has("specversion")) {
                return new Invalid(CLOUD_EVENTS_REFUSED);
            }
            if (VALIDATION_EVENT_TYPE.equals(event.path("eventType").asText(null))) {
                validations.add(event);
            }
        }
        if (!validations.isEmpty()) {
            return validation(validations, root.size());
        }
        if (validationHeader) {
            return new Invalid("aeg-event-type is SubscriptionValidation but the body has no validation event");
        }
        return notifications(root);
    }

    private static Outcome validation(List<JsonNode> validations, int events) {
        if (validations.size() != events) {
            // Event Grid sends the validation event alone; acknowledging a mixed body would drop its other events.
            return new Invalid("a subscription validation event must come alone");
        }
        JsonNode code = validations.get(0).path("data").path("validationCode");
        if (!code.isTextual() || code.textValue().isBlank()) {
            return new Invalid("the subscription validation event has no data.validationCode");
        }
        return new Validation(code.textValue());
    }

    private static Outcome notifications(JsonNode events) {
        List<StreamedEntry> entries = new ArrayList<>();
        List<Rejected> rejected = new ArrayList<>();
        int skipped = 0;
        int index = 0;
        for (JsonNode event : events) {
            String where = "Event Grid event " + index++;
            if (!event.isObject()) {
                rejected.add(new Rejected(where + " is not a JSON object", AuditEntryPayloads.jsonBytes(event)));
                continue;
            }
            String eventType = event.path("eventType").asText("");
            if (eventType.startsWith(EVENT_GRID_SYSTEM_EVENT_PREFIX)) {
                skipped++;
                continue;
            }
            JsonNode data = event.get("data");
            List<StreamedEntry> found = data == null ? List.of() : AuditEntryPayloads.extract(data);
            if (found.isEmpty()) {
                rejected.add(new Rejected(where + (data == null ? " has no data" : " has data that is not an audit entry"),
                        AuditEntryPayloads.jsonBytes(event)));
            }
            entries.addAll(found);
        }
        return new Notifications(entries, rejected, skipped);
    }
}
