package dev.patrol.model.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.patrol.model.ado.AdoAuditEntry;
import dev.patrol.model.ado.SessionToken;
import dev.patrol.model.event.AuditSource;
import dev.patrol.model.event.Finding;
import dev.patrol.model.event.FindingSubject;
import dev.patrol.model.event.PersonalAccessToken;
import dev.patrol.model.event.ReceivedAuditEntry;
import dev.patrol.model.event.Severity;
import dev.patrol.model.event.TokenOwner;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class AdoPayloadJsonTest {

    static final String ENTRY = """
            {
              "id": "2516009999999999999;00000064-0000-8888-8000-000000000000;0f1e2d3c-0000-4000-8000-000000000001",
              "correlationId": "0f1e2d3c-0000-4000-8000-000000000001",
              "activityId": "5a5a5a5a-0000-4000-8000-000000000002",
              "actorCUID": "11111111-0000-4000-8000-000000000003",
              "actorUserId": "22222222-0000-4000-8000-000000000004",
              "actorClientId": "00000000-0000-0000-0000-000000000000",
              "actorUPN": "jane@contoso.com",
              "actorDisplayName": "Jane Doe",
              "actorImageUrl": "https://dev.azure.com/contoso/_apis/GraphProfile/MemberAvatars/aad.ABC",
              "authenticationMechanism": "PAT_Unscoped authorizationId: 4ab5764f-4193-4f1d-b995-64144880b7d7",
              "timestamp": "2026-05-01T10:15:30.1234567+00:00",
              "scopeType": "organization",
              "scopeDisplayName": "contoso (Organization)",
              "scopeId": "33333333-0000-4000-8000-000000000005",
              "projectId": "44444444-0000-4000-8000-000000000006",
              "projectName": "Payments",
              "ipAddress": "203.0.113.7",
              "userAgent": "curl/8.5.0",
              "actionId": "Git.RefUpdatePoliciesBypassed",
              "data": { "RepoName": "payments-api", "FriendlyName": "main" },
              "details": "Policies were bypassed",
              "area": "Git",
              "category": "modify",
              "categoryDisplayName": "Modify",
              "someFieldAdoAddsLater": {"nested": [1, 2]}
            }
            """;

    @Test
    void shouldParseEveryDocumentedFieldWhenEntryIsTheComposedExample() throws Exception {
        AdoAuditEntry entry = Json.mapper().readValue(ENTRY, AdoAuditEntry.class);

        assertThat(entry.timestamp()).isEqualTo(Instant.parse("2026-05-01T10:15:30.1234567Z"));
        assertThat(entry.ipAddress()).isEqualTo("203.0.113.7");
        assertThat(entry.actorUPN()).isEqualTo("jane@contoso.com");
        assertThat(entry.data().get("RepoName").asText()).isEqualTo("payments-api");
        assertThat(entry.category()).isEqualTo("modify");
    }

    @Test
    void shouldKeepUnknownFieldsWhenAdoAddsThem() throws Exception {
        AdoAuditEntry entry = Json.mapper().readValue(ENTRY, AdoAuditEntry.class);

        assertThat(entry.unknownFields()).containsOnlyKeys("someFieldAdoAddsLater");
        JsonNode written = Json.mapper().valueToTree(entry);
        assertThat(written.get("someFieldAdoAddsLater").get("nested").size()).isEqualTo(2);
        assertThat(written.has("unknownFields")).isFalse();
    }

    @Test
    void shouldRoundTripWhenWrappedForTheAuditTopic() throws Exception {
        AdoAuditEntry entry = Json.mapper().readValue(ENTRY, AdoAuditEntry.class);
        var serde = JsonSerde.of(ReceivedAuditEntry.class);
        var record = new ReceivedAuditEntry("contoso", AuditSource.POLL, Instant.parse("2026-05-01T10:16:00Z"), entry);

        ReceivedAuditEntry back = serde.deserialize("t", serde.serialize("t", record));

        assertThat(back).isEqualTo(record);
    }

    @Test
    void shouldTolerateNullsWhereAdoOmitsValues() throws Exception {
        String minimal = "{\"id\":\"x;y;z\",\"timestamp\":\"2026-05-01T10:15:30+00:00\",\"ipAddress\":null}";

        AdoAuditEntry entry = Json.mapper().readValue(minimal, AdoAuditEntry.class);

        assertThat(entry.ipAddress()).isNull();
        assertThat(entry.authenticationMechanism()).isNull();
    }

    @Test
    void shouldRejectEntryWhenTimestampIsMissing() {
        var serde = JsonSerde.of(AdoAuditEntry.class);

        assertThatThrownBy(() -> serde.deserialize("t", "{\"id\":\"a\"}".getBytes()))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("AdoAuditEntry");
    }

    @Test
    void shouldNeverCarryTheTokenSecretWhenSessionTokenHasOne() throws Exception {
        String json = """
                {"authorizationId":"4AB5764F-4193-4F1D-B995-64144880B7D7","scope":"app_token","targetAccounts":null,
                 "validFrom":"2026-03-01T09:00:00Z","validTo":"2027-02-28T09:00:00Z","isValid":true,"isPublic":false,
                 "token":"SECRET-VALUE","alternateToken":"ALSO-SECRET","newField":1}
                """;

        SessionToken token = Json.mapper().readValue(json, SessionToken.class);
        String written = Json.mapper().writeValueAsString(token);

        assertThat(token.authorizationId()).isEqualTo("4ab5764f-4193-4f1d-b995-64144880b7d7");
        assertThat(token.fullScope()).isTrue();
        assertThat(token.global()).isTrue();
        assertThat(written).doesNotContain("SECRET").contains("\"newField\":1").contains("\"isValid\":true");
    }

    @Test
    void shouldRoundTripInventoryTokenAndFinding() {
        SessionToken token = new SessionToken("4ab5764f-4193-4f1d-b995-64144880b7d7", null, null, null, "u1",
                "ci-deploy", "vso.code", List.of("org-guid"), Instant.parse("2026-03-01T09:00:00Z"),
                Instant.parse("2027-02-28T09:00:00Z"), true, false, null, null, null, Map.of());
        var pat = new PersonalAccessToken("contoso", new TokenOwner("aad.X", "jane@contoso.com", "Jane"), token,
                Instant.parse("2026-05-01T00:00:00Z"));
        Map<String, String> evidence = new LinkedHashMap<>();
        evidence.put("ip", "203.0.113.7");
        evidence.put("token", "ci-deploy");
        var finding = new Finding("id1", "PAT-OFFNET-01", "PAT used off-network", Severity.HIGH, List.of("T1078.004"),
                "contoso", new FindingSubject(token.authorizationId(), "jane@contoso.com", null, "203.0.113.7"),
                "summary", evidence, Instant.parse("2026-05-01T10:15:30Z"), Instant.parse("2026-05-01T10:16:30Z"),
                List.of("e1"));

        var patSerde = JsonSerde.of(PersonalAccessToken.class);
        var findingSerde = JsonSerde.of(Finding.class);

        assertThat(patSerde.deserialize("t", patSerde.serialize("t", pat))).isEqualTo(pat);
        Finding back = findingSerde.deserialize("t", findingSerde.serialize("t", finding));
        assertThat(back).isEqualTo(finding);
        assertThat(back.evidence().keySet()).containsExactly("ip", "token");
    }

    @Test
    void shouldRejectUnknownFieldsWhenTopicIsInternal() {
        var serde = JsonSerde.of(FindingSubject.class);

        assertThatThrownBy(() -> serde.deserialize("t", "{\"ipAddress\":\"1.2.3.4\",\"typo\":1}".getBytes()))
                .isInstanceOf(SerializationException.class);
    }
}
