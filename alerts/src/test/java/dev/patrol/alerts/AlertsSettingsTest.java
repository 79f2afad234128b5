package dev.patrol.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.patrol.model.config.AlertsSettings;
import dev.patrol.model.config.ConfigException;
import dev.patrol.model.config.PatrolConfig;
import dev.patrol.model.event.Severity;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code alerts.*} keys as the loader binds them (the config record lives in model; its users are here). */
class AlertsSettingsTest {

    @TempDir
    Path dir;

    private static AlertsSettings load(Map<String, String> env) {
        return PatrolConfig.load(Optional.empty(), env).alerts();
    }

    @Test
    void shouldUseDefaultsWhenNothingIsConfigured() {
        AlertsSettings alerts = load(Map.of());

        assertThat(alerts.printFindings()).isTrue();
        assertThat(alerts.consumerGroup()).isEqualTo("patrol-alerts");
        assertThat(alerts.groupWindow()).isEqualTo(Duration.ofMinutes(15));
        assertThat(alerts.requestTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(alerts.retry()).isEqualTo(new AlertsSettings.Retry(Duration.ofSeconds(1), Duration.ofMinutes(5),
                Duration.ofHours(24)));
        assertThat(alerts.slack().webhookUrl()).isEmpty();
        assertThat(alerts.teams().webhookUrl()).isEmpty();
        assertThat(alerts.pagerDuty().routingKey()).isEmpty();
        assertThat(alerts.pagerDuty().eventsUrl()).isEqualTo(URI.create("https://events.pagerduty.com/v2/enqueue"));
        assertThat(alerts.pagerDuty().route().minSeverity()).isEqualTo(Severity.HIGH);
        assertThat(alerts.slack().route()).isEqualTo(AlertsSettings.Route.all());
        assertThat(alerts.ocsf().enabled()).isTrue();
        assertThat(alerts.webhook().signingKey()).isEmpty();
        assertThat(alerts.consoleBaseUrl()).isEmpty();
    }

    @Test
    void shouldReadSinkSecretsFromEnvironmentWhenSet() {
        AlertsSettings alerts = load(Map.of(
                "SLACK_WEBHOOK_URL", "https://hooks.slack.com/services/T0/B0/s3cr3t",
                "TEAMS_WEBHOOK_URL", "https://prod-01.westeurope.logic.azure.com/workflows/x/triggers/manual/paths/invoke?sig=abc",
                "PAGERDUTY_ROUTING_KEY", "R0UTINGKEY",
                "WEBHOOK_SIGNING_KEY", "shared"));

        assertThat(alerts.slack().webhookUrl()).hasValueSatisfying(s -> assertThat(s.reveal()).endsWith("/s3cr3t"));
        assertThat(alerts.teams().webhookUrl()).isPresent();
        assertThat(alerts.pagerDuty().routingKey()).hasValueSatisfying(s -> assertThat(s.reveal()).isEqualTo("R0UTINGKEY"));
        assertThat(alerts.webhook().signingKey()).isPresent();
        assertThat(alerts.toString()).doesNotContain("s3cr3t", "R0UTINGKEY", "sig=abc");
    }

    @Test
    void shouldReadSecretFromFileWhenFileKeyIsSet() throws IOException {
        Path file = dir.resolve("slack-url");
        Files.writeString(file, "https://hooks.slack.com/services/T0/B0/fromfile\n");

        AlertsSettings alerts = load(Map.of("PATROL_ALERTS_SLACK_WEBHOOK_URL_FILE", file.toString()));

        assertThat(alerts.slack().webhookUrl()).hasValueSatisfying(s -> assertThat(s.reveal()).endsWith("/fromfile"));
        assertThat(alerts.slack().webhookUrlSource()).isEqualTo("file " + file);
    }

    @Test
    void shouldNameSourceButNotValueWhenSecretUrlIsInvalid() {
        assertThatThrownBy(() -> load(Map.of("SLACK_WEBHOOK_URL", "not a url s3cr3t")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("environment SLACK_WEBHOOK_URL")
                .hasMessageNotContaining("s3cr3t");
    }

    @Test
    void shouldBindRoutesWhenGivenSeverityRulesAndOrganizations() {
        AlertsSettings alerts = load(Map.of(
                "PATROL_ALERTS_SLACK_MIN_SEVERITY", "medium",
                "PATROL_ALERTS_SLACK_RULES", "PAT-OFFNET-01, PAT-LEAKED-01",
                "PATROL_ALERTS_SLACK_ORGANIZATIONS", "contoso"));

        assertThat(alerts.slack().route()).isEqualTo(new AlertsSettings.Route(Severity.MEDIUM,
                Set.of("PAT-OFFNET-01", "PAT-LEAKED-01"), Set.of("contoso")));
    }

    @Test
    void shouldListSeveritiesWhenMinSeverityIsUnknown() {
        assertThatThrownBy(() -> load(Map.of("PATROL_ALERTS_PAGERDUTY_MIN_SEVERITY", "urgent")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("config key alerts.pagerduty.minSeverity (environment PATROL_ALERTS_PAGERDUTY_MIN_SEVERITY): "
                        + "'urgent' is not a severity (INFO, LOW, MEDIUM, HIGH, CRITICAL)");
    }

    @Test
    void shouldRefuseMaxBackoffShorterThanInitial() {
        assertThatThrownBy(() -> load(Map.of("PATROL_ALERTS_RETRY_INITIAL_BACKOFF", "10s",
                "PATROL_ALERTS_RETRY_MAX_BACKOFF", "5s")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("alerts.retry.maxBackoff");
    }

    @Test
    void shouldTurnGroupingOffWhenWindowIsZero() {
        assertThat(load(Map.of("PATROL_ALERTS_GROUP_WINDOW", "0s")).groupWindow()).isZero();
    }

    @Test
    void shouldAcceptRouteWhenFindingMatchesEveryCondition() {
        var route = new AlertsSettings.Route(Severity.HIGH, Set.of("PAT-OFFNET-01"), Set.of("contoso"));
        var finding = dev.patrol.alerts.sink.TestFindings.offNetwork();

        assertThat(route.accepts(finding)).isTrue();
        assertThat(new AlertsSettings.Route(Severity.CRITICAL, Set.of(), Set.of()).accepts(finding)).isFalse();
        assertThat(new AlertsSettings.Route(Severity.INFO, Set.of("OTHER"), Set.of()).accepts(finding)).isFalse();
        assertThat(new AlertsSettings.Route(Severity.INFO, Set.of(), Set.of("fabrikam")).accepts(finding)).isFalse();
    }
}
