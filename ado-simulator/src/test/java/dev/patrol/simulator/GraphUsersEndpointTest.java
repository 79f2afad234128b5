package dev.patrol.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static dev.patrol.simulator.AdoTestClient.GRAPH_VERSION;
import static dev.patrol.simulator.AdoTestClient.encode;
import static dev.patrol.simulator.AdoTestClient.json;
import static org.assertj.core.api.Assertions.assertThat;

class GraphUsersEndpointTest {

    private static final SimulatorConfig CONFIG = SimulatorConfig.defaults();

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
    void shouldListEveryUserOnceInPagesOfFiveWhenFollowingContinuationHeader() {
        // given
        List<String> descriptors = new ArrayList<>();
        List<Integer> pageSizes = new ArrayList<>();
        List<Boolean> headerPresent = new ArrayList<>();
        Optional<String> token = Optional.empty();

        // when
        do {
            HttpResponse<String> response = client.get("_apis/graph/users?subjectTypes=aad&" + GRAPH_VERSION
                    + token.map(t -> "&continuationToken=" + encode(t)).orElse(""));
            JsonNode body = json(response);
            body.get("value").forEach(user -> descriptors.add(user.get("descriptor").asText()));
            pageSizes.add(body.get("count").asInt());
            token = response.headers().firstValue("X-MS-ContinuationToken");
            headerPresent.add(token.isPresent());
        } while (token.isPresent() && pageSizes.size() < 10);

        // then
        assertThat(pageSizes).containsExactly(5, 5, 2);
        assertThat(headerPresent).containsExactly(true, true, false);
        assertThat(descriptors).containsExactlyElementsOf(simulator.org().users().stream().map(SimUser::descriptor).toList());
    }

    @Test
    void shouldWriteGraphUserFieldsWhenListingUsers() {
        // given
        SimUser first = simulator.org().users().get(0);

        // when
        JsonNode user = json(client.get("_apis/graph/users?" + GRAPH_VERSION)).get("value").get(0);

        // then
        assertThat(user.get("subjectKind").asText()).isEqualTo("user");
        assertThat(user.get("metaType").asText()).isEqualTo("member");
        assertThat(user.get("origin").asText()).isEqualTo("aad");
        assertThat(user.get("originId").asText()).isEqualTo(first.originId());
        assertThat(user.get("principalName").asText()).isEqualTo(first.principalName()).endsWith("@contoso.example");
        assertThat(user.get("mailAddress").asText()).isEqualTo(first.principalName());
        assertThat(user.get("displayName").asText()).isEqualTo(first.displayName());
        assertThat(user.get("domain").asText()).matches("[0-9a-f-]{36}");
        assertThat(user.get("descriptor").asText()).isEqualTo(first.descriptor()).matches("aad\\.[A-Za-z0-9_-]+");
        assertThat(user.get("url").asText()).isEqualTo(simulator.baseUrl() + "/contoso/_apis/Graph/Users/" + first.descriptor());
        assertThat(user.get("_links").get("self").get("href").asText()).isEqualTo(user.get("url").asText());
    }

    @Test
    void shouldListNoUsersWhenSubjectTypesExcludeAad() {
        // when
        HttpResponse<String> response = client.get("_apis/graph/users?subjectTypes=msa,svc&" + GRAPH_VERSION);

        // then
        assertThat(json(response).get("count").asInt()).isZero();
        assertThat(response.headers().firstValue("X-MS-ContinuationToken")).isEmpty();
    }

    @Test
    void shouldRejectContinuationTokenWhenNotIssuedByTheServer() {
        // when
        HttpResponse<String> response = client.get("_apis/graph/users?continuationToken=bm90LWEtdG9rZW4&" + GRAPH_VERSION);

        // then
        assertThat(response.statusCode()).isEqualTo(400);
    }
}
