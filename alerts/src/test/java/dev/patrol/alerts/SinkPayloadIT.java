package dev.patrol.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.patrol.alerts.sink.WebhookSignature;
import dev.patrol.alerts.sink.WebhookSink;
import dev.patrol.model.Secret;
import dev.patrol.model.event.Finding;
import dev.patrol.model.event.Severity;
import dev.patrol.model.json.Json;
import dev.patrol.model.topic.Topics;
import dev.patrol.testkit.CommittedRecords;
import dev.patrol.testkit.HttpReceiver;
import dev.patrol.testkit.KafkaExtension;
import dev.patrol.testkit.TestKafka;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Guards what each sink puts on the wire, end to end from the findings topic on a real broker: a Block Kit message
 * Slack accepts, an Adaptive Card in the Workflows envelope, a PagerDuty v2 event with its required fields, a signed
 * generic webhook a receiver can verify with the shared key, OCSF Detection Findings on their topic — and routing, so
 * a finding below PagerDuty's minimum severity pages nobody.
 */
@ExtendWith(KafkaExtension.class)
class SinkPayloadIT {

    private static final Set<String> BLOCK_TYPES = Set.of("header", "section", "context", "actions", "divider");
    private static final Set<String> PAGERDUTY_SEVERITIES = Set.of("critical", "error", "warning", "info");

    @Test
    @SuppressWarnings("try") // the service runs while the try block waits
    void shouldSendWellFormedPayloadToEverySinkWhenFindingsArrive(TestKafka kafka) throws Exception {
        try (var slack = HttpReceiver.start(); var teams = HttpReceiver.start(); var pagerDuty = HttpReceiver.start();
             var hook = HttpReceiver.start()) {
            String name = "payload";
            var env = ItSupport.env(kafka, name);
            env.put("SLACK_WEBHOOK_URL", slack.url("/services/T000/B000/s3cr3t").toString());
            env.put("TEAMS_WEBHOOK_URL", teams.url("/workflows/x/triggers/manual/paths/invoke?sig=s3cr3t").toString());
            env.put("PAGERDUTY_ROUTING_KEY", "R0UTINGKEY0000000000000000000000");
            env.put("PATROL_ALERTS_PAGERDUTY_EVENTS_URL", pagerDuty.url("/v2/enqueue").toString());
            env.put("PATROL_ALERTS_WEBHOOKS", hook.url("/hook").toString());
            env.put("WEBHOOK_SIGNING_KEY", "shared-signing-key");
            env.put("PATROL_ALERTS_CONSOLE_BASE_URL", "https://patrol.contoso.example");
            Finding high = ItSupport.finding(name, 1, Severity.HIGH);
            Finding medium = ItSupport.finding(name, 2, Severity.MEDIUM);
            List<String> ids = List.of(high.id(), medium.id());
            ItSupport.produce(kafka, name + ".", List.of(high, medium));
            var terminal = new ByteArrayOutputStream();

            try (var alerts = new AlertsService(ItSupport.config(env), new PrintStream(terminal, true, StandardCharsets.UTF_8)).start()) {
                await().atMost(Duration.ofSeconds(30)).until(() -> slack.received().size() == 2
                        && teams.received().size() == 2 && hook.received().size() == 2 && pagerDuty.received().size() == 1
                        && ocsf(kafka, name).size() == 2);
                await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(() ->
                        slack.received().size() + teams.received().size() + hook.received().size()
                                + pagerDuty.received().size() == 7);
            }

            assertThat(slack.received()).allSatisfy(r -> {
                assertThat(r.path()).isEqualTo("/services/T000/B000/s3cr3t");
                assertThat(r.header("Content-Type")).contains("application/json");
                assertBlockKit(ItSupport.json(r.body()));
            });
            assertThat(ItSupport.slackFindingIds(slack.received())).containsExactlyInAnyOrderElementsOf(ids);

            assertThat(teams.received()).allSatisfy(r -> assertAdaptiveCard(ItSupport.json(r.body())));

            JsonNode event = ItSupport.json(pagerDuty.received().get(0).body());
            assertThat(event.get("routing_key").asText()).isEqualTo("R0UTINGKEY0000000000000000000000");
            assertThat(event.get("event_action").asText()).isEqualTo("trigger");
            assertThat(event.get("dedup_key").asText()).isEqualTo(high.id());
            JsonNode payload = event.get("payload");
            assertThat(payload.get("summary").asText()).isNotBlank().hasSizeLessThanOrEqualTo(1024);
            assertThat(payload.get("source").asText()).isEqualTo("dev.azure.com/contoso");
            assertThat(payload.get("severity").asText()).isIn(PAGERDUTY_SEVERITIES).isEqualTo("error");
            assertThat(Instant.parse(payload.get("timestamp").asText())).isEqualTo(high.eventTime());
            assertThat(payload.get("component").asText()).isEqualTo("pat:" + high.subject().authorizationId());
            assertThat(payload.get("group").asText()).isEqualTo("contoso");
            assertThat(payload.get("class").asText()).isEqualTo("PAT-OFFNET-01");
            assertThat(payload.at("/custom_details/finding_id").asText()).isEqualTo(high.id());

            Secret key = Secret.of("shared-signing-key");
            assertThat(hook.received()).allSatisfy(r -> {
                Finding received = Json.mapper().readValue(r.body(), Finding.class);
                assertThat(r.header(WebhookSink.FINDING_ID_HEADER)).contains(received.id());
                assertThat(WebhookSignature.verify(r.header(WebhookSignature.HEADER).orElseThrow(),
                        r.body().getBytes(StandardCharsets.UTF_8), key, Instant.now(), WebhookSignature.DEFAULT_TOLERANCE))
                        .as("signature verifies with the shared key").isTrue();
            });
            assertThat(hook.received()).extracting(r -> r.header(WebhookSink.FINDING_ID_HEADER).orElseThrow())
                    .containsExactlyInAnyOrderElementsOf(ids);

            var records = ocsf(kafka, name);
            var keys = new StringDeserializer();
            assertThat(records).extracting(r -> keys.deserialize("", r.key())).containsExactlyInAnyOrderElementsOf(ids);
            assertThat(records).allSatisfy(r -> {
                JsonNode ocsf = ItSupport.json(new String(r.value(), StandardCharsets.UTF_8));
                String id = keys.deserialize("", r.key());
                assertThat(ocsf.get("class_uid").asInt()).isEqualTo(2004);
                assertThat(ocsf.get("category_uid").asInt()).isEqualTo(2);
                assertThat(ocsf.get("activity_id").asInt()).isEqualTo(1);
                assertThat(ocsf.get("type_uid").asInt()).isEqualTo(200401);
                assertThat(ocsf.get("severity_id").asInt()).isEqualTo(id.equals(high.id()) ? 4 : 3);
                assertThat(ocsf.get("time").isNumber()).isTrue();
                assertThat(ocsf.at("/metadata/version").asText()).isEqualTo("1.3.0");
                assertThat(ocsf.at("/metadata/product/name").asText()).isEqualTo("PATrol");
                assertThat(ocsf.at("/finding_info/uid").asText()).isEqualTo(id);
                assertThat(ocsf.at("/finding_info/analytic/uid").asText()).isEqualTo("PAT-OFFNET-01");
                assertThat(ocsf.at("/attacks/0/technique/uid").asText()).isEqualTo("T1078");
                assertThat(ocsf.at("/evidences/0/src_endpoint/ip").asText()).startsWith("203.0.113.");
            });

            assertThat(terminal.toString(StandardCharsets.UTF_8).lines()).hasSize(2).allMatch(l -> l.startsWith("FINDING "));
        }
    }

    private static List<org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]>> ocsf(TestKafka kafka, String name) {
        return CommittedRecords.read(kafka.bootstrapServers(), name + "." + Topics.FINDINGS_OCSF.name());
    }

    /** What Slack checks before posting: known block types, text objects of the right kind, limits kept. */
    private static void assertBlockKit(JsonNode message) {
        assertThat(message.get("text").asText()).as("notification fallback").isNotBlank();
        JsonNode blocks = message.get("blocks");
        assertThat(blocks.isArray()).isTrue();
        assertThat(blocks.size()).isBetween(1, 50);
        for (JsonNode block : blocks) {
            String type = block.get("type").asText();
            assertThat(type).isIn(BLOCK_TYPES);
            switch (type) {
                case "header" -> {
                    assertThat(block.at("/text/type").asText()).isEqualTo("plain_text");
                    assertThat(block.at("/text/text").asText()).isNotBlank().hasSizeLessThanOrEqualTo(150);
                }
                case "section" -> {
                    assertThat(block.has("text") || block.has("fields")).as("a section has text or fields").isTrue();
                    if (block.has("text")) {
                        assertThat(block.at("/text/type").asText()).isEqualTo("mrkdwn");
                        assertThat(block.at("/text/text").asText()).hasSizeLessThanOrEqualTo(3000);
                    }
                    if (block.has("fields")) {
                        assertThat(block.get("fields").size()).isBetween(1, 10);
                        block.get("fields").forEach(f -> {
                            assertThat(f.get("type").asText()).isEqualTo("mrkdwn");
                            assertThat(f.get("text").asText()).isNotBlank().hasSizeLessThanOrEqualTo(2000);
                        });
                    }
                }
                case "context" -> assertThat(block.get("elements").size()).isBetween(1, 10);
                default -> { }
            }
        }
        assertThat(blocks.get(0).get("type").asText()).isEqualTo("header");
    }

    /** The Workflows envelope and the Adaptive Card fields Teams needs to render the card. */
    private static void assertAdaptiveCard(JsonNode message) {
        assertThat(message.get("type").asText()).isEqualTo("message");
        JsonNode attachment = message.at("/attachments/0");
        assertThat(attachment.get("contentType").asText()).isEqualTo("application/vnd.microsoft.card.adaptive");
        JsonNode card = attachment.get("content");
        assertThat(card.get("type").asText()).isEqualTo("AdaptiveCard");
        assertThat(card.get("$schema").asText()).isEqualTo("http://adaptivecards.io/schemas/adaptive-card.json");
        assertThat(card.get("version").asText()).matches("1\\.[0-5]");
        assertThat(card.get("body").size()).isPositive();
        card.get("body").forEach(element -> {
            assertThat(element.get("type").asText()).isIn("TextBlock", "FactSet");
            if (element.get("type").asText().equals("TextBlock")) {
                assertThat(element.get("text").asText()).isNotBlank();
            } else {
                element.get("facts").forEach(fact -> assertThat(fact.has("title") && fact.has("value")).isTrue());
            }
        });
        card.get("actions").forEach(action -> {
            assertThat(action.get("type").asText()).isEqualTo("Action.OpenUrl");
            assertThat(action.get("url").asText()).startsWith("https://");
        });
    }
}
