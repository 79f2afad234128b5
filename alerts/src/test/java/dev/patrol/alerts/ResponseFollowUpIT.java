package dev.patrol.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.patrol.model.event.Severity;
import dev.patrol.simulator.AdoSimulator;
import dev.patrol.simulator.SimToken;
import dev.patrol.simulator.SimulatorConfig;
import dev.patrol.testkit.HttpReceiver;
import dev.patrol.testkit.KafkaExtension;
import dev.patrol.testkit.TestKafka;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Guards the loop from alert to response and back: a high finding about a real token is revoked automatically
 * through the simulator's tokenadmin API, and the Slack channel that got the alert then gets the outcome about the
 * same finding.
 */
@ExtendWith(KafkaExtension.class)
class ResponseFollowUpIT {

    @Test
    @SuppressWarnings("try") // the service runs while the try block waits
    void shouldTellTheAlertsReaderThatTheTokenWasRevoked(TestKafka kafka, @TempDir Path dir) throws Exception {
        try (var simulator = AdoSimulator.start(SimulatorConfig.defaults().withSeed(51));
             var slack = HttpReceiver.start()) {
            SimToken token = simulator.org().tokens().stream().filter(SimToken::isValid).findFirst().orElseThrow();
            Path policy = Files.writeString(dir.resolve("policy.yaml"), """
                    dryRun: false
                    rules:
                      - rule: PAT-OFFNET-01
                        minSeverity: high
                        mode: automatic
                    """);
            var env = ItSupport.env(kafka, "followup");
            env.put("SLACK_WEBHOOK_URL", slack.url("/slack").toString());
            env.put("PATROL_ALERTS_GROUP_WINDOW", "0s");
            env.put("PATROL_RESPONSE_ENABLED", "true");
            env.put("PATROL_RESPONSE_POLICY_FILE", policy.toString());
            env.put("PATROL_RESPONSE_PORT", "0");
            env.put("PATROL_ORGANIZATION", simulator.org().organization());
            env.put("PATROL_ADO_VSSPS_BASE_URL", simulator.baseUrl().toString());
            env.put("ADO_PAT", SimulatorConfig.defaults().pat());
            var finding = ItSupport.finding("followup", 1, token.authorizationId(), Severity.HIGH);
            ItSupport.produce(kafka, "followup.", List.of(finding));

            try (var alerts = new AlertsService(ItSupport.config(env),
                    new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)).start()) {
                await().atMost(Duration.ofSeconds(60)).until(() -> slack.received().stream()
                        .anyMatch(r -> r.body().contains("Revoked by PATrol")));
            }

            assertThat(simulator.org().revocations()).containsExactly(token.authorizationId());
            // The alert, then at least the follow-up on REVOKED: every message about the same finding.
            assertThat(ItSupport.slackFindingIds(slack.received())).hasSizeGreaterThanOrEqualTo(2)
                    .allMatch(finding.id()::equals);
        }
    }
}
