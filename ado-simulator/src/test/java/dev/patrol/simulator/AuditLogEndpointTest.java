package dev.patrol.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patrol.testkit.ManualClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static dev.patrol.simulator.AdoTestClient.AUDIT_VERSION;
import static dev.patrol.simulator.AdoTestClient.encode;
import static dev.patrol.simulator.AdoTestClient.json;
import static org.assertj.core.api.Assertions.assertThat;

class AuditLogEndpointTest {

    private static final Instant NOW = Instant.parse("2026-05-01T12:00:00Z");
    private static final SimulatorConfig CONFIG = SimulatorConfig.defaults().withClock(Clock.fixed(NOW, ZoneOffset.UTC));
    private static final Set<String> DOCUMENTED_ENTRY_FIELDS = Set.of("id", "correlationId", "activityId", "actorCUID",
            "actorUserId", "actorClientId", "actorUPN", "actorDisplayName", "actorImageUrl", "authenticationMechanism",
            "timestamp", "scopeType", "scopeDisplayName", "scopeId", "projectId", "projectName", "ipAddress",
            "userAgent", "actionId", "data", "details", "area", "category", "categoryDisplayName");

    private static AdoSimulator simulator;
    private static AdoTestClient client;

    @BeforeAll
    static void startSimulator() {
        simulator = AdoSimulator.start(CONFIG);
        client = AdoTestClient.of(simulator, CONFIG);
    }

    @AfterAll
    static void stopSimulator() {
        simulator.close();
    }

    @Test
    void shouldReturnEveryEntryExactlyOnceNewestFirstWhenFollowingContinuationTokensUntilHasMoreIsFalse() {
        // given
        int batchSize = 37;
        List<JsonNode> served = new ArrayList<>();
        int pages = 0;
        String token = null;
        boolean hasMore;

        // when
        do {
            String query = "_apis/audit/auditlog?batchSize=" + batchSize + "&" + AUDIT_VERSION
                    + (token == null ? "" : "&continuationToken=" + encode(token));
            JsonNode page = json(client.get(query));
            page.get("decoratedAuditLogEntries").forEach(served::add);
            token = page.get("continuationToken").asText();
            hasMore = page.get("hasMore").asBoolean();
            pages++;
        } while (hasMore && pages < 100);

        // then
        List<String> ids = served.stream().map(entry -> entry.get("id").asText()).toList();
        assertThat(ids).doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(simulator.org().auditEntries().stream()
                        .map(entry -> entry.get("id").asText()).toList());
        assertThat(pages).isEqualTo((200 + batchSize - 1) / batchSize);
        List<Instant> timestamps = served.stream().map(entry -> Instant.parse(entry.get("timestamp").asText())).toList();
        assertThat(timestamps).isSortedAccordingTo(Comparator.reverseOrder());
    }

    @Test
    void shouldAnswerTopLevelEnvelopeWithLastIdAsTokenWhenMoreEntriesFollow() {
        // when
        HttpResponse<String> response = client.get("_apis/audit/auditlog?batchSize=10&" + AUDIT_VERSION);

        // then
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
        JsonNode body = json(response);
        assertThat(fieldNames(body)).containsExactlyInAnyOrder("decoratedAuditLogEntries", "continuationToken", "hasMore");
        JsonNode entries = body.get("decoratedAuditLogEntries");
        assertThat(entries).hasSize(10);
        assertThat(body.get("continuationToken").asText()).isEqualTo(entries.get(9).get("id").asText());
        assertThat(body.get("hasMore").asBoolean()).isTrue();
        entries.forEach(entry -> assertThat(fieldNames(entry)).containsExactlyInAnyOrderElementsOf(DOCUMENTED_ENTRY_FIELDS));
    }

    @Test
    void shouldReturnEntriesFromStartInclusiveToEndExclusiveWhenWindowGiven() {
        // given
        List<ObjectNode> all = simulator.org().auditEntries();
        String start = all.get(60).get("timestamp").asText();
        String end = all.get(20).get("timestamp").asText();
        Instant startInstant = Instant.parse(start);
        Instant endInstant = Instant.parse(end);
        Set<String> expected = all.stream()
                .filter(entry -> {
                    Instant timestamp = Instant.parse(entry.get("timestamp").asText());
                    return !timestamp.isBefore(startInstant) && timestamp.isBefore(endInstant);
                })
                .map(entry -> entry.get("id").asText())
                .collect(Collectors.toSet());

        // when
        JsonNode page = json(client.get("_apis/audit/auditlog?startTime=" + encode(start) + "&endTime=" + encode(end)
                + "&" + AUDIT_VERSION));

        // then
        Set<String> served = new HashSet<>();
        page.get("decoratedAuditLogEntries").forEach(entry -> served.add(entry.get("id").asText()));
        assertThat(served).isEqualTo(expected)
                .contains(all.get(60).get("id").asText())
                .doesNotContain(all.get(20).get("id").asText());
        assertThat(page.get("hasMore").asBoolean()).isFalse();
    }

    @Test
    void shouldServeEntryOnlyOnceClockReachesItsTimestampWhenAppendedInTheFuture() {
        // given
        ManualClock clock = new ManualClock(NOW);
        SimulatorConfig config = CONFIG.withAuditEntries(0).withClock(clock);
        try (AdoSimulator lateLog = AdoSimulator.start(config)) {
            AdoTestClient lateClient = AdoTestClient.of(lateLog, config);
            ObjectNode late = scriptedEntry(NOW.plus(Duration.ofMinutes(5)), "0f1e2d3c-0000-4000-8000-000000000001");
            lateLog.org().appendAuditEntry(late);
            JsonNode before = json(lateClient.get("_apis/audit/auditlog?" + AUDIT_VERSION));

            // when
            clock.advance(Duration.ofMinutes(5));
            JsonNode after = json(lateClient.get("_apis/audit/auditlog?" + AUDIT_VERSION));

            // then
            assertThat(before.get("decoratedAuditLogEntries")).isEmpty();
            assertThat(before.get("continuationToken").isNull()).isTrue();
            assertThat(after.get("decoratedAuditLogEntries")).singleElement()
                    .satisfies(entry -> assertThat(entry.get("id").asText()).isEqualTo(late.get("id").asText()));
        }
    }

    @Test
    void shouldRejectStartTimeWhenPlusOfOffsetIsNotPercentEncoded() {
        // when: '+' in a query string means a space to ADO's front end
        HttpResponse<String> response = client.get("_apis/audit/auditlog?startTime=2026-05-01T10:00:00+00:00&" + AUDIT_VERSION);

        // then
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response).get("message").asText()).contains("startTime");
    }

    @Test
    void shouldRejectEndTimeWhenItHasNoOffset() {
        // when
        HttpResponse<String> response = client.get("_apis/audit/auditlog?endTime=2026-05-01T10:00:00&" + AUDIT_VERSION);

        // then
        assertThat(response.statusCode()).isEqualTo(400);
    }

    @Test
    void shouldRejectContinuationTokenWhenItNamesNoEntry() {
        // when
        HttpResponse<String> response = client.get("_apis/audit/auditlog?continuationToken=nope&" + AUDIT_VERSION);

        // then
        assertThat(response.statusCode()).isEqualTo(400);
    }

    @Test
    void shouldRejectBatchSizeWhenNotPositive() {
        // when
        HttpResponse<String> response = client.get("_apis/audit/auditlog?batchSize=0&" + AUDIT_VERSION);

        // then
        assertThat(response.statusCode()).isEqualTo(400);
    }

    static ObjectNode scriptedEntry(Instant timestamp, String rawId) {
        return SimJson.NODES.objectNode()
                .put("id", AdoTime.reverseTicks(timestamp) + ";" + OrgGenerator.AUDIT_SERVICE_TYPE + ";" + rawId)
                .put("timestamp", AdoTime.auditTimestamp(timestamp))
                .put("authenticationMechanism", "PAT authorizationId: 4ab5764f-4193-4f1d-b995-64144880b7d7")
                .put("actionId", "Git.RepositoryCreated");
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
