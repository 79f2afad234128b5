package dev.patrol.ingest.stream;

import static dev.patrol.ingest.stream.StreamFixtures.EVENT_GRID_KEY;
import static dev.patrol.ingest.stream.StreamFixtures.array;
import static dev.patrol.ingest.stream.StreamFixtures.entry;
import static dev.patrol.ingest.stream.StreamFixtures.eventGridEvent;
import static dev.patrol.ingest.stream.StreamFixtures.post;
import static dev.patrol.ingest.stream.StreamFixtures.send;
import static dev.patrol.ingest.stream.StreamFixtures.sendEventGrid;
import static dev.patrol.ingest.stream.StreamFixtures.validationBody;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.patrol.ingest.stream.StreamDelivery.Target;
import dev.patrol.model.Secret;
import dev.patrol.model.config.PatrolConfig.AuditStreamSettings;
import dev.patrol.model.json.Json;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Event Grid webhook endpoint over real HTTP. */
class AuditStreamReceiverEventGridTest {

    private final RecordingSink sink = new RecordingSink();
    private AuditStreamReceiver receiver;

    @BeforeEach
    void start() throws Exception {
        receiver = AuditStreamReceiver.start(StreamFixtures.settings(), sink, StreamFixtures.CLOCK);
    }

    @AfterEach
    void stop() {
        receiver.close();
    }

    private URI eventGrid(String query) {
        return receiver.baseUrl().resolve("/eventgrid" + query);
    }

    @Test
    void shouldEchoTheValidationCodeWhenHandshakeCarriesTheValidationHeader() throws Exception {
        HttpResponse<String> response = send(post(eventGrid("?code=" + EVENT_GRID_KEY), validationBody("512d38b6-c7b8-40c8"))
                .header("aeg-event-type", "SubscriptionValidation"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(Json.mapper().readTree(response.body()))
                .isEqualTo(Json.mapper().readTree("{\"validationResponse\":\"512d38b6-c7b8-40c8\"}"));
        assertThat(sink.deliveries()).isEmpty();
    }

    @Test
    void shouldEchoTheValidationCodeWhenHandshakeIsOnlyTheValidationEvent() throws Exception {
        HttpResponse<String> response = send(post(eventGrid("?key=" + EVENT_GRID_KEY), validationBody("code-2")));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(Json.mapper().readTree(response.body()).path("validationResponse").asText()).isEqualTo("code-2");
    }

    @Test
    void shouldRefuseTheHandshakeWhenItCarriesNoKey() {
        HttpResponse<String> response = send(post(eventGrid(""), validationBody("code-3"))
                .header("aeg-event-type", "SubscriptionValidation"));

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.body()).doesNotContain("code-3");
    }

    @Test
    void shouldAnswer400WhenValidationHeaderComesWithoutAValidationEvent() {
        HttpResponse<String> response = send(post(eventGrid("?code=" + EVENT_GRID_KEY),
                array(eventGridEvent("ev-1", entry("e-1")))).header("aeg-event-type", "SubscriptionValidation"));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(sink.deliveries()).isEmpty();
    }

    @Test
    void shouldDeliverBothEntriesWhenNotificationCarriesTwoEvents() {
        String body = array(eventGridEvent("ev-1", entry("e-1")), eventGridEvent("ev-2", entry("e-2")));

        HttpResponse<String> response = sendEventGrid(receiver, body);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(sink.deliveries()).singleElement().satisfies(delivery -> {
            assertThat(delivery.target()).isEqualTo(Target.EVENT_GRID);
            assertThat(delivery.receivedAt()).isEqualTo(StreamFixtures.RECEIVED_AT);
            assertThat(delivery.rejected()).isEmpty();
        });
        assertThat(sink.entries()).containsExactly(entry("e-1"), entry("e-2"));
    }

    @Test
    void shouldDecodeTheEntryWhenDataIsAJsonString() {
        String body = array(eventGridEvent("ev-1", TextNode.valueOf(entry("e-1").toString())));

        HttpResponse<String> response = sendEventGrid(receiver, body);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(sink.entries()).containsExactly(entry("e-1"));
    }

    @Test
    void shouldRejectTheEventButDeliverTheOthersWhenOneEventsDataIsNotAnEntry() {
        ObjectNode notAnEntry = Json.mapper().createObjectNode().put("message", "hello");
        String body = array(eventGridEvent("ev-1", entry("e-1")), eventGridEvent("ev-2", notAnEntry));

        HttpResponse<String> response = sendEventGrid(receiver, body);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(sink.ids()).containsExactly("e-1");
        assertThat(sink.rejected()).singleElement().satisfies(rejected ->
                assertThat(rejected.reason()).isEqualTo("Event Grid event 1 has data that is not an audit entry"));
    }

    @Test
    void shouldAcceptTheKeyWhenSentInTheHeader() {
        HttpResponse<String> response = send(post(eventGrid(""), array(eventGridEvent("ev-1", entry("e-1"))))
                .header(StreamAuth.EVENT_GRID_KEY_HEADER, EVENT_GRID_KEY));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(sink.ids()).containsExactly("e-1");
    }

    @Test
    void shouldAnswer401AndNotCallTheSinkWhenKeyIsMissing() {
        HttpResponse<String> response = send(post(eventGrid(""), array(eventGridEvent("ev-1", entry("e-1")))));

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(sink.deliveries()).isEmpty();
    }

    @Test
    void shouldAnswer403AndNotCallTheSinkWhenKeyIsWrong() {
        HttpResponse<String> response = send(post(eventGrid("?code=wrong-key"), array(eventGridEvent("ev-1", entry("e-1")))));

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.body()).doesNotContain("wrong-key");
        assertThat(sink.deliveries()).isEmpty();
    }

    @Test
    void shouldAnswer400WithAClearMessageWhenBodyIsInTheCloudEventsSchema() throws Exception {
        ObjectNode cloudEvent = Json.mapper().createObjectNode()
                .put("specversion", "1.0").put("type", "AzureDevOps.Audit").put("source", "/ado").put("id", "c-1");
        cloudEvent.set("data", entry("e-1"));

        HttpResponse<String> structured = sendEventGrid(receiver, cloudEvent.toString());
        HttpResponse<String> batch = send(post(eventGrid("?code=" + EVENT_GRID_KEY), array(cloudEvent))
                .header("Content-Type", "application/cloudevents-batch+json"));

        assertThat(structured.statusCode()).isEqualTo(400);
        assertThat(batch.statusCode()).isEqualTo(400);
        assertThat(Json.mapper().readTree(structured.body()).path("error").asText())
                .isEqualTo(EventGridBatch.CLOUD_EVENTS_REFUSED);
        assertThat(sink.deliveries()).isEmpty();
    }

    @Test
    void shouldSkipEventGridSystemEventsWithoutCallingTheSink() {
        ObjectNode deleted = eventGridEvent("ev-1", Json.mapper().createObjectNode().put("eventSubscriptionId", "s"))
                .put("eventType", "Microsoft.EventGrid.SubscriptionDeletedEvent");

        HttpResponse<String> response = sendEventGrid(receiver, array(deleted));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(sink.deliveries()).isEmpty();
    }

    @Test
    void shouldAnswer400WhenBodyIsNotAnArrayOfEvents() {
        HttpResponse<String> response = sendEventGrid(receiver, entry("e-1").toString());

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(sink.deliveries()).isEmpty();
    }

    @Test
    void shouldAnswer503WhenTheSinkFails() {
        sink.failFromNowOn();

        HttpResponse<String> response = sendEventGrid(receiver, array(eventGridEvent("ev-1", entry("e-1"))));

        assertThat(response.statusCode()).isEqualTo(503);
    }

    @Test
    void shouldAnswer404WhenNoEventGridKeyIsConfigured() throws Exception {
        AuditStreamSettings hecOnly = new AuditStreamSettings(true, "127.0.0.1", 0, 64 * 1024,
                Optional.of(Secret.of(StreamFixtures.HEC_TOKEN)), Optional.empty());
        try (AuditStreamReceiver withoutEventGrid = AuditStreamReceiver.start(hecOnly, sink, StreamFixtures.CLOCK)) {

            HttpResponse<String> response = sendEventGrid(withoutEventGrid, validationBody("code-4"));

            assertThat(response.statusCode()).isEqualTo(404);
        }
    }
}
