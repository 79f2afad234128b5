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
import java.util.Optional;

import static dev.patrol.simulator.AdoTestClient.GRAPH_VERSION;
import static dev.patrol.simulator.AdoTestClient.TOKENADMIN_VERSION;
import static dev.patrol.simulator.AdoTestClient.encode;
import static dev.patrol.simulator.AdoTestClient.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Scripted changes to the organization after start, seen over real HTTP. A fresh simulator per test. */
class SimulatedOrgChangesTest {

    private static final SimulatorConfig CONFIG = SimulatorConfig.defaults()
            .withClock(Clock.fixed(Instant.parse("2026-05-01T12:00:00Z"), ZoneOffset.UTC));
    private static final String NEW_ID = "4ab5764f-4193-4f1d-b995-64144880b7d7";

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
    void shouldListAddedTokenUnderItsOwnerWhenAdded() {
        // given
        String owner = simulator.org().users().get(1).descriptor();
        SimToken added = new SimToken(NEW_ID.toUpperCase(java.util.Locale.ROOT), owner, "new-token", "vso.code",
                List.of(simulator.org().organizationId()), Instant.parse("2026-05-01T11:00:00Z"),
                Instant.parse("2026-06-01T11:00:00Z"), true);

        // when
        simulator.org().addToken(added);

        // then
        JsonNode listed = findToken(listTokens(owner), NEW_ID).orElseThrow();
        assertThat(listed.get("displayName").asText()).isEqualTo("new-token");
        assertThat(listed.get("scope").asText()).isEqualTo("vso.code");
        assertThat(simulator.org().tokens()).extracting(SimToken::authorizationId).contains(NEW_ID);
    }

    @Test
    void shouldRejectTokenWhenOwnerIsNotAMemberOrIdIsListed() {
        // given
        SimToken existing = simulator.org().tokens().get(0);
        SimToken orphan = new SimToken(NEW_ID, "aad.bm8tc3VjaC11c2Vy", "x", "vso.code", null,
                existing.validFrom(), existing.validTo(), true);

        // when / then
        assertThatThrownBy(() -> simulator.org().addToken(orphan)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a member");
        assertThatThrownBy(() -> simulator.org().addToken(existing)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("already listed");
    }

    @Test
    void shouldStopListingTokenWhenDeleted() {
        // given
        SimToken token = simulator.org().tokens().get(0);

        // when
        boolean deleted = simulator.org().deleteToken(token.authorizationId());

        // then
        assertThat(deleted).isTrue();
        assertThat(findToken(listTokens(token.ownerDescriptor()), token.authorizationId())).isEmpty();
        assertThat(simulator.org().tokens()).extracting(SimToken::authorizationId).doesNotContain(token.authorizationId());
        assertThat(simulator.org().deleteToken(token.authorizationId())).isFalse();
    }

    @Test
    void shouldListNewExpiryAndKeepValidityWhenValidToIsMovedIntoThePast() {
        // given
        SimToken token = simulator.org().tokens().stream().filter(SimToken::isValid).findFirst().orElseThrow();
        Instant past = Instant.parse("2026-04-30T00:00:00Z");

        // when
        simulator.org().setValidTo(token.authorizationId(), past);

        // then
        JsonNode listed = findToken(listTokens(token.ownerDescriptor()), token.authorizationId()).orElseThrow();
        assertThat(Instant.parse(listed.get("validTo").asText())).isEqualTo(past);
        assertThat(listed.get("isValid").asBoolean()).isTrue();
        assertThatThrownBy(() -> simulator.org().setValidTo(NEW_ID, past)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldDropUserFromGraphAndAnswer404ForTheirTokensWhenRemoved() {
        // given
        String removed = simulator.org().tokens().get(0).ownerDescriptor();

        // when
        boolean wasMember = simulator.org().removeUser(removed);

        // then
        assertThat(wasMember).isTrue();
        assertThat(graphDescriptors()).hasSize(CONFIG.users() - 1).doesNotContain(removed);
        HttpResponse<String> tokens = client.get("_apis/tokenadmin/personalaccesstokens/" + removed + "?" + TOKENADMIN_VERSION);
        assertThat(tokens.statusCode()).isEqualTo(404);
        assertThat(simulator.org().tokens()).noneMatch(token -> token.ownerDescriptor().equals(removed));
        assertThat(simulator.org().users()).extracting(SimUser::descriptor).doesNotContain(removed);
        assertThat(simulator.org().removeUser(removed)).isFalse();
    }

    private JsonNode listTokens(String owner) {
        HttpResponse<String> response = client.get("_apis/tokenadmin/personalaccesstokens/" + owner + "?" + TOKENADMIN_VERSION);
        assertThat(response.statusCode()).isEqualTo(200);
        return json(response);
    }

    private List<String> graphDescriptors() {
        List<String> descriptors = new ArrayList<>();
        Optional<String> token = Optional.empty();
        do {
            HttpResponse<String> response = client.get("_apis/graph/users?subjectTypes=aad&" + GRAPH_VERSION
                    + token.map(t -> "&continuationToken=" + encode(t)).orElse(""));
            json(response).get("value").forEach(user -> descriptors.add(user.get("descriptor").asText()));
            token = response.headers().firstValue("X-MS-ContinuationToken");
        } while (token.isPresent());
        return descriptors;
    }

    private static Optional<JsonNode> findToken(JsonNode page, String authorizationId) {
        for (JsonNode token : page.get("value")) {
            if (token.get("authorizationId").asText().equals(authorizationId)) {
                return Optional.of(token);
            }
        }
        return Optional.empty();
    }
}
