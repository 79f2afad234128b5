package dev.patrol.alerts.response;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.patrol.model.config.ConfigException;
import dev.patrol.model.config.PatrolConfig;
import dev.patrol.model.config.ResponseSettings;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code response.*} keys as the config loader binds them (the loader lives in model; its keys are ours). */
class ResponseSettingsTest {

    @Test
    void shouldBeOffAndLocalWhenNothingIsConfigured() {
        ResponseSettings settings = PatrolConfig.load(Optional.empty(), Map.of()).response();

        assertThat(settings.enabled()).isFalse();
        assertThat(settings.policyFile()).isEmpty();
        assertThat(settings.publicBaseUrl()).isEmpty();
        assertThat(settings.bindAddress()).isEqualTo("127.0.0.1");
        assertThat(settings.port()).isEqualTo(8089);
        assertThat(settings.linkSigningKey()).isEmpty();
        assertThat(settings.linkSigningKeySource()).isEqualTo("environment RESPONSE_LINK_SIGNING_KEY");
        assertThat(settings.linkTtl()).isEqualTo(Duration.ofHours(24));
        assertThat(settings.approverHeader()).isEmpty();
        assertThat(settings.ownerNoticeUrl()).isEmpty();
        assertThat(settings.verifyWithin()).isEqualTo(Duration.ofHours(2));
    }

    @Test
    void shouldReadEveryKeyWhenTheFileSetsThem(@TempDir Path dir) throws IOException {
        Path policy = Files.writeString(dir.resolve("policy.yaml"), "rules: []\n");
        Path key = Files.writeString(dir.resolve("link.key"), Fixtures.LINK_KEY + "\n");
        Path config = Files.writeString(dir.resolve("patrol.yaml"), """
                response:
                  enabled: true
                  policyFile: %s
                  publicBaseUrl: https://patrol.example/ops
                  bindAddress: 0.0.0.0
                  port: 9000
                  linkSigningKeyFile: %s
                  linkTtl: 4h
                  approverHeader: X-Forwarded-Email
                  ownerNoticeUrl: https://mail-relay.example/patrol
                  verifyWithin: 90m
                """.formatted(policy, key));

        ResponseSettings settings = PatrolConfig.load(Optional.of(config), Map.of()).response();

        assertThat(settings.enabled()).isTrue();
        assertThat(settings.policyFile()).contains(policy);
        assertThat(settings.publicBaseUrl()).contains(URI.create("https://patrol.example/ops"));
        assertThat(settings.port()).isEqualTo(9000);
        assertThat(settings.linkSigningKey().orElseThrow().reveal()).isEqualTo(Fixtures.LINK_KEY);
        assertThat(settings.linkTtl()).isEqualTo(Duration.ofHours(4));
        assertThat(settings.approverHeader()).contains("X-Forwarded-Email");
        assertThat(settings.ownerNoticeUrl()).contains(URI.create("https://mail-relay.example/patrol"));
        assertThat(settings.verifyWithin()).isEqualTo(Duration.ofMinutes(90));
    }

    @Test
    void shouldRefuseTheKeyWithoutShowingItWhenItIsTooShort() {
        assertThatThrownBy(() -> PatrolConfig.load(Optional.empty(), Map.of("RESPONSE_LINK_SIGNING_KEY", "short-secret")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("response link signing key (environment RESPONSE_LINK_SIGNING_KEY): at least 32")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("short-secret"));
    }

    @Test
    void shouldRefuseTheApproverHeaderWhenItIsNotAHeaderName() {
        assertThatThrownBy(() -> PatrolConfig.load(Optional.empty(), Map.of("PATROL_RESPONSE_APPROVER_HEADER", "X Email")))
                .hasMessage("config key response.approverHeader: 'X Email' is not an HTTP header name");
    }

    @Test
    void shouldRefuseAPolicyFileWhenItDoesNotExist() {
        assertThatThrownBy(() -> PatrolConfig.load(Optional.empty(), Map.of("PATROL_RESPONSE_POLICY_FILE", "/nope.yaml")))
                .hasMessage("config key response.policyFile: file /nope.yaml does not exist or is not a file");
    }

    @Test
    void shouldRefuseToStartWhenApprovalRulesHaveNoSigningKey() {
        PatrolConfig config = PatrolConfig.load(Optional.empty(), Map.of("PATROL_RESPONSE_ENABLED", "true"));

        assertThatThrownBy(() -> new ResponseService(config, ResponseListener.NONE))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("response policy bundled policy.yaml: its approval rules need signed links, but "
                        + "there is no link signing key in environment RESPONSE_LINK_SIGNING_KEY");
    }

    @Test
    void shouldRefuseToStartWhenALivePolicyHasNoPat(@TempDir Path dir) throws IOException {
        Path policy = Files.writeString(dir.resolve("live.yaml"),
                "dryRun: false\nrules:\n  - rule: PAT-LEAKED-12\n    mode: automatic\n");
        PatrolConfig config = PatrolConfig.load(Optional.empty(), Map.of("PATROL_RESPONSE_POLICY_FILE", policy.toString()));

        assertThatThrownBy(() -> new ResponseService(config, ResponseListener.NONE))
                .hasMessageContaining("dryRun is false, so it revokes, but there is no ADO PAT in environment ADO_PAT");
    }

    @Test
    void shouldRefuseToStartWhenOwnerNoticesHaveNowhereToGo(@TempDir Path dir) throws IOException {
        Path policy = Files.writeString(dir.resolve("notify.yaml"), "notifyOwner: after\nrules: []\n");
        PatrolConfig config = PatrolConfig.load(Optional.empty(), Map.of("PATROL_RESPONSE_POLICY_FILE", policy.toString()));

        assertThatThrownBy(() -> new ResponseService(config, ResponseListener.NONE))
                .hasMessageEndingWith("notifyOwner is after but response.ownerNoticeUrl is not set");
    }
}
