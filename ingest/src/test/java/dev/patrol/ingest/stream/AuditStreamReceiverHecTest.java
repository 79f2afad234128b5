package dev.patrol.ingest.stream;

import static dev.patrol.ingest.stream.StreamFixtures.HEC_TOKEN;
import static dev.patrol.ingest.stream.StreamFixtures.azureMonitorRow;
import static dev.patrol.ingest.stream.StreamFixtures.entry;
import static dev.patrol.ingest.stream.StreamFixtures.hecEnvelope;
import static dev.patrol.ingest.stream.StreamFixtures.post;
import static dev.patrol.ingest.stream.StreamFixtures.send;
import static dev.patrol.ingest.stream.StreamFixtures.sendHec;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.patrol.ingest.stream.StreamDelivery.StreamedEntry;
import dev.patrol.ingest.stream.StreamDelivery.Target;
import dev.patrol.model.Secret;
import dev.patrol.model.ado.AdoAuditEntry;
import dev.patrol.model.config.PatrolConfig.AuditStreamSettings;
import dev.patrol.model.json.Json;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Splunk HEC endpoints over real HTTP. */
class AuditStreamReceiverHecTest {

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

    private URI collector() {
        return receiver.baseUrl().resolve("/services/collector");
    }

    @Test
    void shouldDeliverTheEntryAndAnswerSuccessWhenOneEventCarriesAnEntry() throws Exception {
        HttpResponse<String> response = sendHec(receiver, hecEnvelope(entry("e-1")));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(Json.mapper().readTree(response.body()))
                .isEqualTo(Json.mapper().readTree("{\"text\":\"Success\",\"code\":0}"));
        assertThat(sink.deliveries()).singleElement().satisfies(delivery -> {
            assertThat(delivery.target()).isEqualTo(Target.SPLUNK_HEC);
            assertThat(delivery.receivedAt()).isEqualTo(StreamFixtures.RECEIVED_AT);
            assertThat(delivery.rejected()).isEmpty();
            assertThat(delivery.entries()).singleElement().satisfies(streamed -> {
                assertThat(streamed.entry()).isEqualTo(entry("e-1"));
                assertThat(streamed.asSent()).isEqualTo(entry("e-1"));
            });
        });
    }

    @Test
    void shouldProduceEntriesTheAuditParserAcceptsWhenEntryIsDelivered() throws Exception {
        sendHec(receiver, hecEnvelope(entry("e-1")));

        AdoAuditEntry parsed = Json.mapper().treeToValue(sink.entries().get(0), AdoAuditEntry.class);

        assertThat(parsed.id()).isEqualTo("e-1");
        assertThat(parsed.timestamp()).isEqualTo(Instant.parse("2026-05-01T10:15:30.1234567Z"));
    }

    @Test
    void shouldDeliverEveryEntryInOrderWhenEventsAreConcatenated() {
        String body = hecEnvelope(entry("e-1")) + hecEnvelope(entry("e-2")) + hecEnvelope(entry("e-3"));

        HttpResponse<String> response = sendHec(receiver, body);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(sink.deliveries()).hasSize(1);
        assertThat(sink.ids()).containsExactly("e-1", "e-2", "e-3");
    }

    @Test
    void shouldDeliverEveryEntryWhenEventsAreNewlineDelimited() {
        String body = hecEnvelope(entry("e-1")) + "\n" + hecEnvelope(entry("e-2")) + "\r\n\n" + hecEnvelope(entry("e-3")) + "\n";

        HttpResponse<String> response = sendHec(receiver, body);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(sink.ids()).containsExactly("e-1", "e-2", "e-3");
    }

    @Test
    void shouldDecodeTheEntryWhenEventIsADoubleEncodedJsonString() {
        String body = hecEnvelope(TextNode.valueOf(entry("e-1").toString()));

        HttpResponse<String> response = sendHec(receiver, body);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(sink.entries()).containsExactly(entry("e-1"));
    }

    @Test
    void shouldFindTheEntriesWhenEventWrapsThemInAnObject() {
        var wrapper = Json.mapper().createObjectNode();
        wrapper.putArray("records").add(entry("e-1")).add(entry("e-2"));

        HttpResponse<String> response = sendHec(receiver, hecEnvelope(wrapper));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(sink.ids()).containsExactly("e-1", "e-2");
    }

    @Test
    void shouldAcceptABareEntryWhenItHasNoHecEnvelope() {
        HttpResponse<String> response = sendHec(receiver, entry("e-1").toString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(sink.ids()).containsExactly("e-1");
    }

    @Test
    void shouldNormaliseToCamelCaseAndKeepTheOriginalWhenEntryUsesAzureMonitorColumns() throws Exception {
        HttpResponse<String> response = sendHec(receiver, hecEnvelope(azureMonitorRow("e-9")));

        assertThat(response.statusCode()).isEqualTo(200);
        StreamedEntry streamed = sink.deliveries().get(0).entries().get(0);
        JsonNode entry = streamed.entry();
        assertThat(entry.path("id").asText()).isEqualTo("e-9");
        assertThat(entry.path("actionId").asText()).isEqualTo("Token.PatCreateEvent");
        assertThat(entry.path("timestamp").asText()).isEqualTo("2026-05-01T10:15:30.123Z");
        assertThat(entry.path("actorUPN").asText()).isEqualTo("jane@contoso.com");
        assertThat(entry.path("data").path("DisplayName").asText()).isEqualTo("ci-deploy");
        assertThat(entry.has("OperationName")).isFalse();
        assertThat(streamed.asSent()).isEqualTo(azureMonitorRow("e-9"));
        assertThat(Json.mapper().treeToValue(entry, AdoAuditEntry.class).actionId()).isEqualTo("Token.PatCreateEvent");
    }

    @Test
    void shouldDeliverEntriesAndRejectTheRestWhenBatchMixesEntriesWithOtherEvents() {
        String body = hecEnvelope(entry("e-1")) + hecEnvelope(TextNode.valueOf("hello world"))
                + "{\"event\":{\"id\":\"x\",\"timestamp\":\"2026-05-01T10:15:30Z\"}}" + hecEnvelope(entry("e-2"));

        HttpResponse<String> response = sendHec(receiver, body);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(sink.ids()).containsExactly("e-1", "e-2");
        assertThat(sink.rejected()).extracting(StreamDelivery.Rejected::reason).containsExactly(
                "HEC value 2 has an event that is not an audit entry",
                "HEC value 3 has an event that is not an audit entry");
        assertThat(new String(sink.rejected().get(0).payload(), StandardCharsets.UTF_8)).contains("hello world");
    }

    @Test
    void shouldDeliverTheCompleteEventsAndRejectTheRestWhenBatchIsTruncated() {
        String whole = hecEnvelope(entry("e-1")) + hecEnvelope(entry("e-2"));
        String truncated = whole.substring(0, whole.length() - 20);

        HttpResponse<String> response = sendHec(receiver, truncated);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(sink.ids()).containsExactly("e-1");
        assertThat(sink.rejected()).singleElement().satisfies(rejected -> {
            assertThat(rejected.reason()).isEqualTo("HEC body is not valid JSON after value 1");
            assertThat(new String(rejected.payload(), StandardCharsets.UTF_8)).isEqualTo(hecEnvelope(entry("e-2"))
                    .substring(0, hecEnvelope(entry("e-2")).length() - 20));
        });
    }

    @Test
    void shouldAnswer401AndNotCallTheSinkWhenTokenIsMissing() throws Exception {
        HttpResponse<String> response = send(post(collector(), hecEnvelope(entry("e-1"))));

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(Json.mapper().readTree(response.body()))
                .isEqualTo(Json.mapper().readTree("{\"text\":\"Token is required\",\"code\":2}"));
        assertThat(sink.deliveries()).isEmpty();
    }

    @Test
    void shouldAnswer403AndNotCallTheSinkWhenTokenIsWrong() throws Exception {
        HttpResponse<String> response = send(post(collector(), hecEnvelope(entry("e-1")))
                .header("Authorization", "Splunk not-the-token"));

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(Json.mapper().readTree(response.body()))
                .isEqualTo(Json.mapper().readTree("{\"text\":\"Invalid token\",\"code\":4}"));
        assertThat(response.body()).doesNotContain("not-the-token");
        assertThat(sink.deliveries()).isEmpty();
    }

    @Test
    void shouldAnswer401WhenAuthorizationUsesAnotherScheme() {
        HttpResponse<String> response = send(post(collector(), hecEnvelope(entry("e-1")))
                .header("Authorization", "Bearer " + HEC_TOKEN));

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.body()).contains("\"code\":3");
        assertThat(sink.deliveries()).isEmpty();
    }

    @Test
    void shouldAcceptTheTokenWhenSentAsBasicAuthPassword() {
        String basic = Base64.getEncoder().encodeToString(("x:" + HEC_TOKEN).getBytes(StandardCharsets.UTF_8));

        HttpResponse<String> response = send(post(collector(), hecEnvelope(entry("e-1")))
                .header("Authorization", "Basic " + basic));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(sink.ids()).containsExactly("e-1");
    }

    @Test
    void shouldAnswer400AndNotCallTheSinkWhenTokenIsOnlyInTheQueryString() {
        HttpResponse<String> response = send(post(receiver.baseUrl().resolve("/services/collector?token=" + HEC_TOKEN),
                hecEnvelope(entry("e-1"))));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("\"code\":16");
        assertThat(sink.deliveries()).isEmpty();
    }

    @Test
    void shouldAnswer400NoDataWhenBodyIsEmpty() throws Exception {
        HttpResponse<String> response = sendHec(receiver, " \n ");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(Json.mapper().readTree(response.body()))
                .isEqualTo(Json.mapper().readTree("{\"text\":\"No data\",\"code\":5}"));
        assertThat(sink.deliveries()).isEmpty();
    }

    @Test
    void shouldAnswer400InvalidDataFormatWhenNothingInTheBodyParses() throws Exception {
        HttpResponse<String> response = sendHec(receiver, "this is not json {");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(Json.mapper().readTree(response.body()))
                .isEqualTo(Json.mapper().readTree("{\"text\":\"Invalid data format\",\"code\":6}"));
        assertThat(sink.deliveries()).isEmpty();
    }

    @Test
    void shouldDeliverTheEntriesWhenBodyIsGzipped() {
        byte[] body = StreamFixtures.gzip((hecEnvelope(entry("e-1")) + "\n" + hecEnvelope(entry("e-2")))
                .getBytes(StandardCharsets.UTF_8));

        HttpResponse<String> response = send(post(collector(), body)
                .header("Authorization", "Splunk " + HEC_TOKEN)
                .header("Content-Encoding", "gzip"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(sink.ids()).containsExactly("e-1", "e-2");
    }

    @Test
    void shouldAnswer503ServerBusyWhenTheSinkFails() throws Exception {
        sink.failFromNowOn();

        HttpResponse<String> response = sendHec(receiver, hecEnvelope(entry("e-1")));

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(Json.mapper().readTree(response.body()))
                .isEqualTo(Json.mapper().readTree("{\"text\":\"Server is busy\",\"code\":9}"));
    }

    @Test
    void shouldAnswerHealthyWithoutATokenWhenHealthIsProbed() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(
                receiver.baseUrl().resolve("/services/collector/health")).GET());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(Json.mapper().readTree(response.body()))
                .isEqualTo(Json.mapper().readTree("{\"text\":\"HEC is healthy\",\"code\":17}"));
    }

    @Test
    void shouldAnswer404WhenNoHecTokenIsConfigured() throws Exception {
        AuditStreamSettings eventGridOnly = new AuditStreamSettings(true, "127.0.0.1", 0, 64 * 1024, Optional.empty(),
                Optional.of(Secret.of(StreamFixtures.EVENT_GRID_KEY)));
        try (AuditStreamReceiver withoutHec = AuditStreamReceiver.start(eventGridOnly, sink, StreamFixtures.CLOCK)) {

            HttpResponse<String> ingest = sendHec(withoutHec, hecEnvelope(entry("e-1")));
            HttpResponse<String> health = send(HttpRequest.newBuilder(
                    withoutHec.baseUrl().resolve("/services/collector/health")).GET());

            assertThat(ingest.statusCode()).isEqualTo(404);
            assertThat(health.statusCode()).isEqualTo(404);
            assertThat(sink.deliveries()).isEmpty();
        }
    }
}
