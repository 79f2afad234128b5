package dev.patrol.model.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.patrol.model.config.AdoSettings.Credential;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ADO credential keys: PAT (default), client secret and workload identity, and what each requires. */
class AdoSettingsTest {

    private static final String TENANT = "11111111-1111-4111-8111-111111111111";
    private static final String CLIENT = "22222222-2222-4222-8222-222222222222";

    @TempDir
    Path dir;

    private static PatrolConfig load(Map<String, String> env) {
        Map<String, String> all = new HashMap<>(env);
        all.put("PATROL_ORGANIZATION", "contoso");
        return PatrolConfig.load(Optional.empty(), all);
    }

    @Test
    void shouldUsePatWhenNoCredentialIsNamed() {
        // when
        PatrolConfig config = load(Map.of("ADO_PAT", "pat-value"));

        // then
        assertThat(config.ado().credential()).isEqualTo(Credential.PAT);
        assertThat(config.ado().entra().authorityUrl()).isEqualTo(URI.create("https://login.microsoftonline.com"));
        assertThat(config.requireForIngest().ado().describeCredential()).isEqualTo("PAT from environment ADO_PAT");
    }

    @Test
    void shouldReadAServicePrincipalWithItsSecretWhenCredentialIsClientSecret() {
        // when
        PatrolConfig config = load(Map.of("PATROL_ADO_CREDENTIAL", "client-secret", "PATROL_ADO_TENANT_ID", TENANT,
                "PATROL_ADO_CLIENT_ID", CLIENT, "AZURE_CLIENT_SECRET", "secret-value",
                "PATROL_ADO_AUTHORITY_URL", "http://127.0.0.1:8080")).requireForIngest();

        // then
        AdoSettings.Entra entra = config.ado().entra();
        assertThat(config.ado().credential()).isEqualTo(Credential.CLIENT_SECRET);
        assertThat(entra.tenantId()).hasValue(TENANT);
        assertThat(entra.clientId()).hasValue(CLIENT);
        assertThat(entra.clientSecret()).hasValueSatisfying(s -> assertThat(s.reveal()).isEqualTo("secret-value"));
        assertThat(entra.authorityUrl()).isEqualTo(URI.create("http://127.0.0.1:8080"));
        assertThat(config.ado().describeCredential()).contains(CLIENT, TENANT, "AZURE_CLIENT_SECRET")
                .doesNotContain("secret-value");
        assertThat(config.ado().toString()).doesNotContain("secret-value");
    }

    @Test
    void shouldTakeWorkloadIdentityFromTheWebhooksVariablesWhenKeysAreUnset() throws IOException {
        // given
        Path token = Files.writeString(dir.resolve("azure-identity-token"), "eyJ.federated.token");

        // when
        PatrolConfig config = load(Map.of("PATROL_ADO_CREDENTIAL", "workload-identity", "AZURE_TENANT_ID", TENANT,
                "AZURE_CLIENT_ID", CLIENT, "AZURE_FEDERATED_TOKEN_FILE", token.toString(),
                "AZURE_AUTHORITY_HOST", "https://login.microsoftonline.us/")).requireForIngest();

        // then
        assertThat(config.ado().credential()).isEqualTo(Credential.WORKLOAD_IDENTITY);
        assertThat(config.ado().entra().federatedTokenFile()).hasValue(token);
        assertThat(config.ado().entra().authorityUrl()).isEqualTo(URI.create("https://login.microsoftonline.us/"));
    }

    @Test
    void shouldReadTheClientSecretFromAFileWhenClientSecretFileIsSet() throws IOException {
        // given
        Path secret = Files.writeString(dir.resolve("client-secret"), "from-file\n");

        // when
        PatrolConfig config = load(Map.of("PATROL_ADO_CREDENTIAL", "client-secret", "PATROL_ADO_TENANT_ID",
                "contoso.onmicrosoft.com", "PATROL_ADO_CLIENT_ID", CLIENT,
                "PATROL_ADO_CLIENT_SECRET_FILE", secret.toString())).requireForIngest();

        // then
        assertThat(config.ado().entra().clientSecret()).hasValueSatisfying(s -> assertThat(s.reveal()).isEqualTo("from-file"));
        assertThat(config.ado().entra().clientSecretSource()).isEqualTo("file " + secret);
    }

    @Test
    void shouldNameTheKeyWhenTheCredentialKindIsUnknown() {
        assertThatThrownBy(() -> load(Map.of("PATROL_ADO_CREDENTIAL", "certificate")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("config key ado.credential (environment PATROL_ADO_CREDENTIAL): 'certificate' is not one of "
                        + "pat, client-secret, workload-identity");
    }

    @Test
    void shouldNameTheMissingKeyWhenAServicePrincipalIsIncomplete() {
        assertThatThrownBy(() -> load(Map.of("PATROL_ADO_CREDENTIAL", "client-secret")).requireForIngest())
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("config key ado.tenantId: required");
        assertThatThrownBy(() -> load(Map.of("PATROL_ADO_CREDENTIAL", "client-secret", "AZURE_TENANT_ID", TENANT))
                .requireForIngest())
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("config key ado.clientId: required");
        assertThatThrownBy(() -> load(Map.of("PATROL_ADO_CREDENTIAL", "client-secret", "AZURE_TENANT_ID", TENANT,
                "AZURE_CLIENT_ID", CLIENT)).requireForIngest())
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("config key ado.clientSecretFile: ado.credential is client-secret but there is "
                        + "no client secret in environment AZURE_CLIENT_SECRET");
        assertThatThrownBy(() -> load(Map.of("PATROL_ADO_CREDENTIAL", "workload-identity", "AZURE_TENANT_ID", TENANT,
                "AZURE_CLIENT_ID", CLIENT)).requireForIngest())
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("config key ado.federatedTokenFile: required");
    }

    @Test
    void shouldRejectTheFederatedTokenFileWhenItDoesNotExist() {
        assertThatThrownBy(() -> load(Map.of("PATROL_ADO_CREDENTIAL", "workload-identity", "AZURE_TENANT_ID", TENANT,
                "AZURE_CLIENT_ID", CLIENT, "PATROL_ADO_FEDERATED_TOKEN_FILE", dir.resolve("missing").toString()))
                .requireForIngest())
                .isInstanceOf(ConfigException.class)
                .hasMessage("config key ado.federatedTokenFile (environment PATROL_ADO_FEDERATED_TOKEN_FILE): file "
                        + dir.resolve("missing") + " does not exist or cannot be read");
    }

    @Test
    void shouldRejectIdsWhenTheyCannotBeATenantOrAnApplication() {
        assertThatThrownBy(() -> load(Map.of("PATROL_ADO_CREDENTIAL", "client-secret", "PATROL_ADO_TENANT_ID", "a/b")))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("config key ado.tenantId: 'a/b'");
        assertThatThrownBy(() -> load(Map.of("PATROL_ADO_CREDENTIAL", "client-secret", "PATROL_ADO_CLIENT_ID", "my-app")))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("config key ado.clientId: 'my-app'");
    }

    @Test
    void shouldIgnoreAzureVariablesWhenTheCredentialIsAPat() {
        // when
        PatrolConfig config = load(Map.of("ADO_PAT", "pat-value", "AZURE_TENANT_ID", "not a tenant",
                "AZURE_AUTHORITY_HOST", "not a url")).requireForIngest();

        // then
        assertThat(config.ado().credential()).isEqualTo(Credential.PAT);
    }
}
