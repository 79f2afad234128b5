package dev.patrol.alerts.response;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patrol.model.Secret;
import dev.patrol.testkit.HttpReceiver;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class AdoTokenRevokerTest {

    private static final String TOKEN = "4ab5764f-4193-4f1d-b995-64144880b7d7";
    private static final String PAT = "pat-value-never-printed";

    @Test
    void shouldPostTheDocumentedRevocationRequestWhenRevoking() throws Exception {
        try (var ado = HttpReceiver.start()) {
            ado.respondWith(204);

            TokenRevoker.Result result = revoker(ado).revoke("contoso", TOKEN);

            assertThat(result.revoked()).isTrue();
            var request = ado.received().get(0);
            assertThat(request.method()).isEqualTo("POST");
            assertThat(request.path()).isEqualTo("/contoso/_apis/tokenadmin/revocations?isPublic=false&api-version=7.1");
            assertThat(request.body()).isEqualTo("[{\"authorizationId\":\"" + TOKEN + "\"}]");
            assertThat(request.header("Content-Type")).contains("application/json");
            assertThat(request.header("Authorization")).contains("Basic " + Base64.getEncoder()
                    .encodeToString((":" + PAT).getBytes(StandardCharsets.UTF_8)));
        }
    }

    @Test
    void shouldFailAtOnceWithoutNamingThePatWhenAdoRejectsTheCredential() throws Exception {
        try (var ado = HttpReceiver.start()) {
            ado.respondWith(401);

            TokenRevoker.Result result = revoker(ado).revoke("contoso", TOKEN);

            assertThat(result.revoked()).isFalse();
            assertThat(result.detail()).startsWith("ADO answered 401").doesNotContain(PAT);
            assertThat(ado.received()).hasSize(1);
        }
    }

    @Test
    void shouldRetryWhenAdoIsBusyForAMoment() throws Exception {
        try (var ado = HttpReceiver.start()) {
            ado.respondWith(204);
            ado.respondWith(503, 1);

            TokenRevoker.Result result = revoker(ado).revoke("contoso", TOKEN);

            assertThat(result.revoked()).isTrue();
            assertThat(ado.received()).hasSize(2);
        }
    }

    @Test
    void shouldKeepTheBasePathWhenVsspsSitsUnderAPrefix() {
        assertThat(AdoTokenRevoker.endpoint(URI.create("https://ado.example/tfs/"), "contoso"))
                .hasToString("https://ado.example/tfs/contoso/_apis/tokenadmin/revocations?isPublic=false&api-version=7.1");
    }

    private static AdoTokenRevoker revoker(HttpReceiver ado) {
        return new AdoTokenRevoker(ado.url("/"), Secret.of(PAT), Duration.ofSeconds(5));
    }
}
