package dev.patrol.ingest.stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patrol.model.Secret;
import dev.patrol.model.config.PatrolConfig.AuditStreamSettings;
import dev.patrol.model.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;

/** Shared inputs for the receiver tests: settings, audit entries, HEC and Event Grid bodies, an HTTP client. */
final class StreamFixtures {

    static final String HEC_TOKEN = "5f1c2a34-hec-token-for-tests";
    static final String EVENT_GRID_KEY = "event-grid-key-for-tests";
    static final Instant RECEIVED_AT = Instant.parse("2026-05-01T10:20:00Z");
    static final Clock CLOCK = Clock.fixed(RECEIVED_AT, ZoneOffset.UTC);

    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();

    private StreamFixtures() {
    }

    static AuditStreamSettings settings(int maxBodyBytes) {
        return new AuditStreamSettings(true, "127.0.0.1", 0, maxBodyBytes, Optional.of(Secret.of(HEC_TOKEN)),
                Optional.of(Secret.of(EVENT_GRID_KEY)));
    }

    static AuditStreamSettings settings() {
        return settings(64 * 1024);
    }

    /** A camelCase entry as the audit query API returns it (ado-api.md §1). */
    static ObjectNode entry(String id) {
        ObjectNode entry = Json.mapper().createObjectNode()
                .put("id", id)
                .put("correlationId", "0f1e2d3c-0000-4000-8000-000000000001")
                .put("actorUPN", "jane@contoso.com")
                .put("authenticationMechanism", "PAT_Unscoped authorizationId: 4ab5764f-4193-4f1d-b995-64144880b7d7")
                .put("timestamp", "2026-05-01T10:15:30.1234567+00:00")
                .put("ipAddress", "203.0.113.7")
                .put("actionId", "Git.RefUpdatePoliciesBypassed")
                .put("area", "Git")
                .put("category", "modify");
        entry.putObject("data").put("RepoName", "payments-api");
        return entry;
    }

    /** The same entry with Azure Monitor's {@code AzureDevOpsAuditing} column names (ado-api.md §7). */
    static ObjectNode azureMonitorRow(String id) {
        ObjectNode row = Json.mapper().createObjectNode()
                .put("Id", id)
                .put("ActorUPN", "jane@contoso.com")
                .put("AuthenticationMechanism", "PAT_Unscoped authorizationId: 4ab5764f-4193-4f1d-b995-64144880b7d7")
                .put("TimeGenerated", "2026-05-01T10:15:30.123Z")
                .put("IpAddress", "203.0.113.7")
                .put("OperationName", "Token.PatCreateEvent")
                .put("Area", "Token")
                .put("Data", "{\"DisplayName\":\"ci-deploy\"}");
        return row;
    }

    static String hecEnvelope(JsonNode event) {
        ObjectNode envelope = Json.mapper().createObjectNode()
                .put("time", 1777630530.123)
                .put("host", "dev.azure.com")
                .put("source", "AzureDevOps")
                .put("sourcetype", "azure:devops:audit")
                .put("index", "main");
        envelope.set("event", event);
        return envelope.toString();
    }

    static ObjectNode eventGridEvent(String id, JsonNode data) {
        ObjectNode event = Json.mapper().createObjectNode()
                .put("id", id)
                .put("topic", "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/"
                        + "Microsoft.EventGrid/topics/ado-audit")
                .put("subject", "contoso")
                .put("eventType", "AzureDevOps.Audit")
                .put("eventTime", "2026-05-01T10:15:31Z")
                .put("dataVersion", "1.0");
        event.set("data", data);
        return event;
    }

    static String array(JsonNode... elements) {
        return Json.mapper().createArrayNode().addAll(List.of(elements)).toString();
    }

    static String validationBody(String code) {
        ObjectNode event = Json.mapper().createObjectNode()
                .put("id", "2d1781af-3a4c-4d7c-bd0c-e34b19da4e66")
                .put("topic", "/subscriptions/x/resourceGroups/rg/providers/Microsoft.EventGrid/topics/ado-audit")
                .put("subject", "")
                .put("eventType", "Microsoft.EventGrid.SubscriptionValidationEvent")
                .put("eventTime", "2026-05-01T10:00:00Z")
                .put("dataVersion", "1")
                .put("metadataVersion", "1");
        event.putObject("data").put("validationCode", code)
                .put("validationUrl", "https://rp-westus.eventgrid.azure.net/validate?id=x&token=y");
        return array(event);
    }

    static byte[] gzip(byte[] plain) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write(plain);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static HttpRequest.Builder post(URI uri, byte[] body) {
        return HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).POST(HttpRequest.BodyPublishers.ofByteArray(body));
    }

    static HttpRequest.Builder post(URI uri, String body) {
        return post(uri, body.getBytes(StandardCharsets.UTF_8));
    }

    static HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static HttpResponse<String> sendHec(AuditStreamReceiver receiver, String body) {
        return send(post(receiver.baseUrl().resolve("/services/collector/event"), body)
                .header("Authorization", "Splunk " + HEC_TOKEN));
    }

    static HttpResponse<String> sendEventGrid(AuditStreamReceiver receiver, String body) {
        return send(post(receiver.baseUrl().resolve("/eventgrid?code=" + EVENT_GRID_KEY), body)
                .header("aeg-event-type", "Notification"));
    }
}
