package dev.patrol.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import dev.patrol.testkit.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

import static dev.patrol.simulator.AdoTestClient.AUDIT_VERSION;
import static dev.patrol.simulator.AdoTestClient.encode;
import static dev.patrol.simulator.AdoTestClient.json;
import static dev.patrol.simulator.AdoTestClient.send;
import static org.assertj.core.api.Assertions.assertThat;

/** The Entra token endpoint and bearer tokens on the ADO endpoints, over real HTTP. */
class EntraTokenEndpointTest {

    private static final Instant NOW = Instant.parse("2026-05-01T12:00:00Z");
    private static final EntraApp APP = EntraApp.defaults();
    private static final String SCOPE = "499b84ac-1321-427f-aa17-267ca6975798/.default";
    private static final String AUDIT_LOG = "_apis/audit/auditlog?" + AUDIT_VERSION;

    private final ManualClock clock = new ManualClock(NOW);
    private AdoSimulator simulator;
    private AdoTestClient client;

    @BeforeEach
    void startSimulator() {
        SimulatorConfig config = SimulatorConfig.defaults().withAuditEntries(20).withClock(clock)
                .withEntra(APP.withTokenLifetime(Duration.ofMinutes(10)));
        simulator = AdoSimulator.start(config);
        client = AdoTestClient.of(simulator, config);
    }

    @AfterEach
    void stopSimulator() {
        simulator.close();
    }

    @Test
    void shouldIssueABearerTokenTheAdoEndpointsAcceptWhenTheClientSecretIsRight() {
        // when
        HttpResponse<String> response = token(APP.tenantId(), clientSecretForm(APP.clientSecret()));

        // then
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = json(response);
        assertThat(body.get("token_type").asText()).isEqualTo("Bearer");
        assertThat(body.get("expires_in").asLong()).isEqualTo(600);
        assertThat(audit("Bearer " + body.get("access_token").asText()).statusCode()).isEqualTo(200);
        assertThat(simulator.entraTokens().issued()).isEqualTo(1);
    }

    @Test
    void shouldIssueATokenWhenTheFederatedAssertionIsTheKnownOne() {
        // given
        Map<String, String> form = baseForm();
        form.put("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
        form.put("client_assertion", APP.federatedAssertion());

        // when
        HttpResponse<String> response = token(APP.tenantId(), form);

        // then
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(audit("Bearer " + json(response).get("access_token").asText()).statusCode()).isEqualTo(200);
    }

    @Test
    void shouldRefuseWithInvalidClientAndNotEchoTheSecretWhenTheClientSecretIsWrong() {
        // when
        HttpResponse<String> response = token(APP.tenantId(), clientSecretForm("wrong-secret-value"));

        // then
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(json(response).get("error").asText()).isEqualTo("invalid_client");
        assertThat(json(response).get("error_description").asText()).startsWith("AADSTS7000215:");
        assertThat(response.body()).doesNotContain("wrong-secret-value");
        assertThat(simulator.entraTokens().issued()).isZero();
        assertThat(simulator.entraTokens().requests()).isEqualTo(1);
    }

    @Test
    void shouldRefuseWithInvalidClientWhenTheFederatedAssertionIsUnknown() {
        // given
        Map<String, String> form = baseForm();
        form.put("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
        form.put("client_assertion", "some-other-token");

        // when
        HttpResponse<String> response = token(APP.tenantId(), form);

        // then
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response).get("error_description").asText()).startsWith("AADSTS700211:");
    }

    @Test
    void shouldAnswerEntraErrorsWhenTenantClientOrScopeIsWrong() {
        // given
        Map<String, String> otherClient = clientSecretForm(APP.clientSecret());
        otherClient.put("client_id", "33333333-3333-4333-8333-333333333333");
        Map<String, String> otherScope = clientSecretForm(APP.clientSecret());
        otherScope.put("scope", "https://graph.microsoft.com/.default");

        // when
        JsonNode tenant = json(token("contoso.onmicrosoft.com", clientSecretForm(APP.clientSecret())));
        JsonNode client = json(token(APP.tenantId(), otherClient));
        JsonNode scope = json(token(APP.tenantId(), otherScope));

        // then
        assertThat(tenant.get("error_codes").get(0).asInt()).isEqualTo(90002);
        assertThat(client.get("error").asText()).isEqualTo("unauthorized_client");
        assertThat(scope.get("error").asText()).isEqualTo("invalid_scope");
    }

    @Test
    void shouldAnswer401OnAdoEndpointsWhenTheBearerTokenExpiredOrWasRevoked() {
        // given
        String first = json(token(APP.tenantId(), clientSecretForm(APP.clientSecret()))).get("access_token").asText();
        clock.advance(Duration.ofMinutes(10));
        String second = json(token(APP.tenantId(), clientSecretForm(APP.clientSecret()))).get("access_token").asText();

        // when
        HttpResponse<String> expired = audit("Bearer " + first);
        HttpResponse<String> fresh = audit("Bearer " + second);
        simulator.entraTokens().revokeAll();
        HttpResponse<String> revoked = audit("Bearer " + second);

        // then
        assertThat(expired.statusCode()).isEqualTo(401);
        assertThat(fresh.statusCode()).isEqualTo(200);
        assertThat(revoked.statusCode()).isEqualTo(401);
        assertThat(audit("Bearer not-a-token-it-issued").statusCode()).isEqualTo(401);
    }

    @Test
    void shouldAnswer405WhenTheTokenEndpointIsNotPosted() {
        // when
        HttpResponse<String> response = send(HttpRequest.newBuilder(tokenUri(APP.tenantId())).GET());

        // then
        assertThat(response.statusCode()).isEqualTo(405);
    }

    private HttpResponse<String> audit(String authorization) {
        return send(client.request(AUDIT_LOG).header("Authorization", authorization).GET());
    }

    private HttpResponse<String> token(String tenant, Map<String, String> form) {
        String body = form.entrySet().stream().map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
                .collect(Collectors.joining("&"));
        return send(HttpRequest.newBuilder(tokenUri(tenant))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private URI tokenUri(String tenant) {
        return URI.create(simulator.authorityUrl() + "/" + tenant + "/oauth2/v2.0/token");
    }

    private static Map<String, String> baseForm() {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "client_credentials");
        form.put("client_id", APP.clientId());
        form.put("scope", SCOPE);
        return form;
    }

    private static Map<String, String> clientSecretForm(String secret) {
        Map<String, String> form = baseForm();
        form.put("client_secret", secret);
        return form;
    }
}
