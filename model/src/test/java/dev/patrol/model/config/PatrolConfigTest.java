package dev.patrol.model.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PatrolConfigTest {

    @TempDir
    Path dir;

    private Path file(String yaml) throws IOException {
        Path path = dir.resolve("patrol.yaml");
        Files.writeString(path, yaml);
        return path;
    }

    @Test
    void shouldUseDefaultsWhenNothingIsConfigured() {
        PatrolConfig config = PatrolConfig.load(Optional.empty(), Map.of());

        assertThat(config.ado().auditBaseUrl()).isEqualTo(URI.create("https://auditservice.dev.azure.com"));
        assertThat(config.ado().vsspsBaseUrl()).isEqualTo(URI.create("https://vssps.dev.azure.com"));
        assertThat(config.ingest().pollInterval()).isEqualTo(Duration.ofMinutes(1));
        assertThat(config.kafka().bootstrapServers()).isEmpty();
        assertThat(config.alerts().printFindings()).isTrue();
        assertThat(config.ado().pat()).isEmpty();
    }

    @Test
    void shouldLetEnvironmentOverrideFileWhenBothSetAKey() throws IOException {
        Path path = file("""
                organization: fromfile
                ingest:
                  pollInterval: 5m
                network:
                  corporateCidrs: [10.0.0.0/8, "2001:db8::/32"]
                """);

        PatrolConfig config = PatrolConfig.load(Optional.of(path), Map.of(
                "PATROL_ORGANIZATION", "fromenv",
                "PATROL_NETWORK_CORPORATE_CIDRS", "192.0.2.0/24, 198.51.100.0/24"));

        assertThat(config.organization()).isEqualTo("fromenv");
        assertThat(config.ingest().pollInterval()).isEqualTo(Duration.ofMinutes(5));
        assertThat(config.network().corporateCidrs()).extracting(Object::toString)
                .containsExactly("192.0.2.0/24", "198.51.100.0/24");
    }

    @Test
    void shouldReadPatFromNamedVariableAndNeverPrintIt() throws IOException {
        Path path = file("ado:\n  patEnv: MY_PAT\n");

        PatrolConfig config = PatrolConfig.load(Optional.of(path), Map.of("MY_PAT", "abc123secret"));

        assertThat(config.ado().pat()).hasValueSatisfying(s -> assertThat(s.reveal()).isEqualTo("abc123secret"));
        assertThat(config.toString()).doesNotContain("abc123secret");
    }

    @Test
    void shouldReadPatFromFileWhenConfigured() throws IOException {
        Path secret = dir.resolve("pat.txt");
        Files.writeString(secret, "file-secret\n");
        Path path = file("ado:\n  patFile: " + secret + "\n");

        PatrolConfig config = PatrolConfig.load(Optional.of(path), Map.of("ADO_PAT", "ignored"));

        assertThat(config.ado().pat().orElseThrow().reveal()).isEqualTo("file-secret");
    }

    @Test
    void shouldNameTheKeyWhenValueIsInvalid() throws IOException {
        Path path = file("ingest:\n  pollInterval: soon\n");

        assertThatThrownBy(() -> PatrolConfig.load(Optional.of(path), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("ingest.pollInterval")
                .hasMessageContaining("'soon'")
                .hasMessageContaining(path.toString());
    }

    @Test
    void shouldSuggestTheKnownKeyWhenKeyIsMisspelt() throws IOException {
        Path path = file("organisation: contoso\n");

        assertThatThrownBy(() -> PatrolConfig.load(Optional.of(path), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("config key organisation (file " + path + "): unknown key (did you mean organization?)");
    }

    @Test
    void shouldRejectUnknownPatrolVariable() {
        assertThatThrownBy(() -> PatrolConfig.load(Optional.empty(), Map.of("PATROL_ORGANISATION", "x")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("PATROL_ORGANISATION");
    }

    @Test
    void shouldExplainWhenCidrIsInvalid() throws IOException {
        Path path = file("network:\n  corporateCidrs: [10.1.2.3/8]\n");

        assertThatThrownBy(() -> PatrolConfig.load(Optional.of(path), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("network.corporateCidrs")
                .hasMessageContaining("host bits");
    }

    @Test
    void shouldNotEchoUrlWhenUrlIsInvalidBecauseItMayHoldAToken() throws IOException {
        Path path = file("alerts:\n  webhooks: ['hooks.example/T0KEN']\n");

        assertThatThrownBy(() -> PatrolConfig.load(Optional.of(path), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("alerts.webhooks")
                .hasMessageNotContaining("T0KEN");
    }

    @Test
    void shouldReportYamlSyntaxErrorWithLine() throws IOException {
        Path path = file("organization: [unclosed\n");

        assertThatThrownBy(() -> PatrolConfig.load(Optional.of(path), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("not valid YAML at line");
    }

    @Test
    void shouldReportMissingFile() {
        assertThatThrownBy(() -> PatrolConfig.load(Optional.of(dir.resolve("nope.yaml")), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageEndingWith("nope.yaml: not found");
    }

    @Test
    void shouldPassKafkaPropertiesThroughAndTakeBootstrapFromThem() throws IOException {
        Path path = file("kafka:\n  properties:\n    security.protocol: SASL_SSL\n");

        PatrolConfig config = PatrolConfig.load(Optional.of(path), Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", "broker:9093",
                "KAFKA_SASL_JAAS_CONFIG", "secret-jaas",
                "KAFKA_HEAP_OPTS", "-Xmx1g"));

        assertThat(config.kafka().bootstrapServers()).contains("broker:9093");
        assertThat(config.kafka().clientProperties())
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.jaas.config", "secret-jaas")
                .doesNotContainKey("heap.opts")
                .doesNotContainKey("bootstrap.servers");
        assertThat(config.kafka().describeClientProperties()).containsEntry("sasl.jaas.config", "****");
    }

    @Test
    void shouldRequireOrganizationAndPatWhenIngestStarts() {
        PatrolConfig noOrg = PatrolConfig.load(Optional.empty(), Map.of("ADO_PAT", "x"));
        PatrolConfig noPat = PatrolConfig.load(Optional.empty(), Map.of("PATROL_ORGANIZATION", "contoso"));

        assertThatThrownBy(noOrg::requireForIngest).hasMessageContaining("organization");
        assertThatThrownBy(noPat::requireForIngest).hasMessageContaining("ADO_PAT");
    }

    @Test
    void shouldRequireCorporateNetworksWhenStreamsStarts() {
        PatrolConfig config = PatrolConfig.load(Optional.empty(), Map.of());

        assertThatThrownBy(config::requireForStreams).hasMessageContaining("network.corporateCidrs");
    }

    @Test
    void shouldReadNetworkModelWhenConfigured() throws IOException {
        Path tor = dir.resolve("tor.txt");
        Files.writeString(tor, "185.220.101.1\n");
        Path path = file("network:\n  corporateCidrs: [10.0.0.0/8]\n  vpnEgressCidrs: [192.0.2.0/28]\n"
                + "  trustedAsns: [AS8075, 36459]\n  hostingAsns: [16509]\n  torExitListFile: " + tor + "\n");

        PatrolConfig config = PatrolConfig.load(Optional.of(path), Map.of());

        assertThat(config.network().trustedAsns()).containsExactly(8075L, 36459L);
        assertThat(config.network().hostingAsns()).containsExactly(16509L);
        assertThat(config.network().vpnEgressCidrs()).extracting(Object::toString).containsExactly("192.0.2.0/28");
        assertThat(config.network().torExitListFile()).contains(tor);
    }

    @Test
    void shouldRejectAsnThatIsNotANumber() throws IOException {
        Path path = file("network:\n  trustedAsns: [microsoft]\n");

        assertThatThrownBy(() -> PatrolConfig.load(Optional.of(path), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("network.trustedAsns").hasMessageContaining("'microsoft' is not an AS number");
    }

    @Test
    void shouldRejectDatabasePathThatDoesNotExist() {
        assertThatThrownBy(() -> PatrolConfig.load(Optional.empty(), Map.of("PATROL_GEOIP_CITY_DATABASE", "/nope.mmdb")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("config key geoip.cityDatabase: file /nope.mmdb does not exist or is not a file");
    }

    @Test
    void shouldReadStreamSecretsFromTheirVariablesOnly() {
        PatrolConfig config = PatrolConfig.load(Optional.empty(), Map.of("ADO_STREAM_HEC_TOKEN", "hec-secret"));

        assertThat(config.auditStream().hecToken().orElseThrow().reveal()).isEqualTo("hec-secret");
        assertThat(config.auditStream().eventGridKey()).isEmpty();
        assertThat(config.auditStream().enabled()).isFalse();
    }

    @Test
    void shouldGiveEachOrganizationItsOwnPatWhenOneIsSet() {
        PatrolConfig config = PatrolConfig.load(Optional.empty(), Map.of(
                "PATROL_ORGANIZATIONS", "contoso, fabrikam-eu",
                "ADO_PAT", "shared-pat",
                "ADO_PAT_FABRIKAM_EU", "fabrikam-pat")).requireForIngest();

        assertThat(config.organizations()).containsExactly("contoso", "fabrikam-eu");
        assertThat(config.forOrganization("contoso").organization()).isEqualTo("contoso");
        assertThat(config.forOrganization("contoso").ado().pat().orElseThrow().reveal()).isEqualTo("shared-pat");
        assertThat(config.forOrganization("fabrikam-eu").ado().pat().orElseThrow().reveal()).isEqualTo("fabrikam-pat");
        assertThat(config.forOrganization("fabrikam-eu").ado().patSource()).isEqualTo("environment ADO_PAT_FABRIKAM_EU");
        assertThat(config.toString()).doesNotContain("fabrikam-pat").doesNotContain("shared-pat");
    }

    @Test
    void shouldRefuseOrganizationAndOrganizationsTogether() {
        assertThatThrownBy(() -> PatrolConfig.load(Optional.empty(), Map.of("PATROL_ORGANIZATION", "a",
                "PATROL_ORGANIZATIONS", "b,c")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("both set");
    }

    @Test
    void shouldNameTheOrganizationWithoutACredential() {
        PatrolConfig config = PatrolConfig.load(Optional.empty(), Map.of("PATROL_ORGANIZATIONS", "a,b",
                "ADO_PAT_A", "only-a"));

        assertThatThrownBy(config::requireForIngest).isInstanceOf(ConfigException.class).hasMessageContaining("ADO_PAT");
    }

    @Test
    void shouldMapKeysToEnvironmentNames() {
        assertThat(ConfigSource.envName("ado.auditBaseUrl")).isEqualTo("PATROL_ADO_AUDIT_BASE_URL");
        assertThat(ConfigSource.envName("organization")).isEqualTo("PATROL_ORGANIZATION");
    }
}
