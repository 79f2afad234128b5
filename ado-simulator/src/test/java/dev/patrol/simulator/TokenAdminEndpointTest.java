package dev.patrol.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import static dev.patrol.simulator.AdoTestClient.TOKENADMIN_VERSION;
import static dev.patrol.simulator.AdoTestClient.json;
import static org.assertj.core.api.Assertions.assertThat;

/** A fresh simulator per test: revocation changes the org. */
class TokenAdminEndpointTest {

    private static final SimulatorConfig CONFIG = SimulatorConfig.defaults()
            .withClock(Clock.fixed(Instant.parse("2026-05-01T12:00:00Z"), ZoneOffset.UTC));

    private AdoSimulator simulator;
    private AdoTestClient client;

    @BeforeEach
    void startSimulator() {
        simulator = AdoSimulator.start(CONFIG);
        client = AdoTestClient.of(simulator, CONFIG);
    }

    @AfterEach
    void stopSimulator() {
        simulator.close();
    }

    @Test
    void shouldListOwnersTokensAcrossPagesWhenPageSizeIsSmallerThanInventory() {
        // given
        String owner = ownerWithMostTokens();
        List<String> expected = simulator.org().tokens().stream().filter(token -> token.ownerDescriptor().equals(owner))
                .map(SimToken::authorizationId).toList();
        List<String> listed = new ArrayList<>();
        List<String> continuationTokens = new ArrayList<>();
        String continuation = null;

        // when
        do {
            JsonNode page = json(client.get("_apis/tokenadmin/personalaccesstokens/" + owner + "?pageSize=1&"
                    + TOKENADMIN_VERSION + (continuation == null ? "" : "&continuationToken=" + continuation)));
            page.get("value").forEach(token -> listed.add(token.get("authorizationId").asText()));
            continuation = page.get("continuationToken").isNull() ? null : page.get("continuationToken").asText();
            continuationTokens.add(continuation);
        } while (continuation != null && listed.size() < 10);

        // then
        assertThat(expected).hasSizeGreaterThan(1);
        assertThat(listed).containsExactlyElementsOf(expected);
        assertThat(continuationTokens).hasSize(expected.size()).endsWith((String) null);
        continuationTokens.subList(0, expected.size() - 1)
                .forEach(token -> assertThat(UUID.fromString(token).toString()).isEqualTo(token));
    }

    @Test
    void shouldWriteEveryDocumentedSessionTokenFieldWhenListing() {
        // given
        SimToken global = simulator.org().tokens().stream().filter(SimToken::global).findFirst().orElseThrow();

        // when
        JsonNode page = json(client.get("_apis/tokenadmin/personalaccesstokens/" + global.ownerDescriptor() + "?" + TOKENADMIN_VERSION));

        // then
        JsonNode listed = findToken(page, global.authorizationId());
        List<String> fields = new ArrayList<>();
        listed.fieldNames().forEachRemaining(fields::add);
        assertThat(fields).containsExactlyInAnyOrder("accessId", "authorizationId", "clientId", "hostAuthorizationId",
                "userId", "displayName", "scope", "targetAccounts", "validFrom", "validTo", "isValid", "isPublic",
                "publicData", "source", "token", "alternateToken", "claims");
        assertThat(listed.get("targetAccounts").isNull()).isTrue();
        assertThat(listed.get("token").isNull()).isTrue();
        assertThat(listed.get("claims").isNull()).isTrue();
        assertThat(listed.get("isPublic").asBoolean()).isFalse();
        assertThat(listed.get("scope").asText()).isEqualTo(global.scope());
        assertThat(Instant.parse(listed.get("validTo").asText())).isEqualTo(global.validTo());
        assertThat(page.has("continuationToken")).isTrue();
        assertThat(page.get("continuationToken").isNull()).isTrue();
    }

    @Test
    void shouldAnswer404WhenDescriptorIsUnknown() {
        // when
        HttpResponse<String> response = client.get("_apis/tokenadmin/personalaccesstokens/aad.dW5rbm93bi11c2Vy?" + TOKENADMIN_VERSION);

        // then
        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(json(response).get("message").asText()).contains("aad.dW5rbm93bi11c2Vy");
    }

    @Test
    void shouldAnswer400WhenDescriptorIsMalformed() {
        // when
        HttpResponse<String> response = client.get("_apis/tokenadmin/personalaccesstokens/jane.doe@contoso.example?" + TOKENADMIN_VERSION);

        // then
        assertThat(response.statusCode()).isEqualTo(400);
    }

    @Test
    void shouldListNoTokensWhenAskingForSshKeys() {
        // given
        String owner = ownerWithMostTokens();

        // when
        JsonNode page = json(client.get("_apis/tokenadmin/personalaccesstokens/" + owner + "?isPublic=true&" + TOKENADMIN_VERSION));

        // then
        assertThat(page.get("value")).isEmpty();
        assertThat(page.get("continuationToken").isNull()).isTrue();
    }

    @Test
    void shouldListTokenAsInvalidAndRecordItWhenRevoked() {
        // given
        SimToken token = simulator.org().tokens().stream().filter(SimToken::isValid).skip(3).findFirst().orElseThrow();

        // when
        HttpResponse<String> response = client.post("_apis/tokenadmin/revocations?isPublic=false&" + TOKENADMIN_VERSION,
                "[{\"authorizationId\":\"" + token.authorizationId() + "\"}]");

        // then
        assertThat(response.statusCode()).isEqualTo(204);
        assertThat(response.body()).isEmpty();
        JsonNode page = json(client.get("_apis/tokenadmin/personalaccesstokens/" + token.ownerDescriptor() + "?" + TOKENADMIN_VERSION));
        assertThat(findToken(page, token.authorizationId()).get("isValid").asBoolean()).isFalse();
        assertThat(simulator.org().isRevoked(token.authorizationId())).isTrue();
        assertThat(simulator.org().revocations()).containsExactly(token.authorizationId());
        assertThat(simulator.org().tokens()).filteredOn(t -> t.authorizationId().equals(token.authorizationId()))
                .singleElement().extracting(SimToken::isValid).isEqualTo(false);
    }

    @Test
    void shouldAcceptAndRecordIdsWhenTheInventoryDoesNotKnowThem() {
        // given
        String unknown = "4ab5764f-4193-4f1d-b995-64144880b7d7";

        // when
        HttpResponse<String> response = client.post("_apis/tokenadmin/revocations?isPublic=false&" + TOKENADMIN_VERSION,
                "[{\"authorizationId\":\"" + unknown + "\"},{\"authorizationId\":\"" + unknown + "\"}]");

        // then
        assertThat(response.statusCode()).isEqualTo(204);
        assertThat(simulator.org().revocations()).containsExactly(unknown, unknown);
        assertThat(simulator.org().isRevoked(unknown)).isTrue();
    }

    @Test
    void shouldRecordCanonicalLowerCaseIdWhenRevokingWithBareUpperCaseGuid() {
        // given
        SimToken token = simulator.org().tokens().get(0);
        String bareUpperCase = token.authorizationId().replace("-", "").toUpperCase(Locale.ROOT);

        // when
        HttpResponse<String> response = client.post("_apis/tokenadmin/revocations?" + TOKENADMIN_VERSION,
                "[{\"authorizationId\":\"" + bareUpperCase + "\"}]");

        // then
        assertThat(response.statusCode()).isEqualTo(204);
        assertThat(simulator.org().revocations()).containsExactly(token.authorizationId());
    }

    @Test
    void shouldRevokeNothingWhenAnyAuthorizationIdIsMissing() {
        // given
        SimToken token = simulator.org().tokens().get(0);

        // when
        HttpResponse<String> response = client.post("_apis/tokenadmin/revocations?isPublic=false&" + TOKENADMIN_VERSION,
                "[{\"authorizationId\":\"" + token.authorizationId() + "\"},{\"authorizationId\":\" \"},{}]");

        // then
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(simulator.org().revocations()).isEmpty();
        assertThat(simulator.org().isRevoked(token.authorizationId())).isFalse();
    }

    @Test
    void shouldRejectBodyWhenItIsNotAnArray() {
        // when
        HttpResponse<String> response = client.post("_apis/tokenadmin/revocations?" + TOKENADMIN_VERSION,
                "{\"authorizationId\":\"4ab5764f-4193-4f1d-b995-64144880b7d7\"}");

        // then
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(simulator.org().revocations()).isEmpty();
    }

    private String ownerWithMostTokens() {
        Map<String, Long> counts = simulator.org().tokens().stream()
                .collect(Collectors.groupingBy(SimToken::ownerDescriptor, Collectors.counting()));
        return counts.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
    }

    private static JsonNode findToken(JsonNode page, String authorizationId) {
        for (JsonNode token : page.get("value")) {
            if (token.get("authorizationId").asText().equals(authorizationId)) {
                return token;
            }
        }
        throw new AssertionError("token " + authorizationId + " not listed");
    }
}
