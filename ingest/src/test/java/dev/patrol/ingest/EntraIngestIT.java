package dev.patrol.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.patrol.model.config.AdoSettings.Credential;
import dev.patrol.model.config.PatrolConfig;
import dev.patrol.model.topic.Topics;
import dev.patrol.simulator.AdoSimulator;
import dev.patrol.simulator.EntraApp;
import dev.patrol.simulator.SimToken;
import dev.patrol.simulator.SimulatorConfig;
import dev.patrol.testkit.CommittedRecords;
import dev.patrol.testkit.KafkaExtension;
import dev.patrol.testkit.TestKafka;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Guards ingest with a Microsoft Entra credential instead of a PAT, configured as an operator would (environment
 * variables through the real loader): a service principal's client secret, or a Kubernetes-style federated token
 * file, is exchanged at the simulator's token endpoint for bearer tokens, and the audit log and inventory arrive in
 * Kafka as with a PAT. No PAT is configured at all, so nothing can fall back to one.
 */
@ExtendWith(KafkaExtension.class)
class EntraIngestIT {

    private static final EntraApp APP = EntraApp.defaults();

    @TempDir
    Path dir;

    private static Map<String, String> base(AdoSimulator simulator, TestKafka kafka, String prefix) {
        Map<String, String> env = new HashMap<>();
        env.put("PATROL_ORGANIZATION", simulator.org().organization());
        env.put("PATROL_ADO_AUDIT_BASE_URL", simulator.baseUrl().toString());
        env.put("PATROL_ADO_VSSPS_BASE_URL", simulator.baseUrl().toString());
        env.put("PATROL_ADO_AUTHORITY_URL", simulator.authorityUrl().toString());
        env.put("PATROL_ADO_TENANT_ID", APP.tenantId());
        env.put("PATROL_ADO_CLIENT_ID", APP.clientId());
        env.put("PATROL_ADO_REQUEST_TIMEOUT", "5s");
        env.put("PATROL_INGEST_POLL_INTERVAL", "300ms");
        env.put("PATROL_INGEST_INITIAL_LOOKBACK", "1d");
        env.put("PATROL_KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        env.put("PATROL_KAFKA_TOPIC_PREFIX", prefix);
        return env;
    }

    @Test
    void shouldPollWithAServicePrincipalsClientSecretWhenNoPatIsConfigured(TestKafka kafka) throws Exception {
        try (var simulator = AdoSimulator.start(SimulatorConfig.defaults().withSeed(51))) {
            // given
            Map<String, String> env = base(simulator, kafka, "sp.");
            env.put("PATROL_ADO_CREDENTIAL", "client-secret");
            env.put("AZURE_CLIENT_SECRET", APP.clientSecret());
            PatrolConfig config = PatrolConfig.load(Optional.empty(), env).requireForIngest();

            // when / then
            assertIngests(kafka, simulator, config, "sp.");
            assertThat(config.ado().credential()).isEqualTo(Credential.CLIENT_SECRET);
        }
    }

    @Test
    void shouldPollWithAFederatedTokenFileWhenUsingWorkloadIdentity(TestKafka kafka) throws Exception {
        try (var simulator = AdoSimulator.start(SimulatorConfig.defaults().withSeed(52))) {
            // given: the variables the AKS workload-identity webhook injects
            Path token = Files.writeString(dir.resolve("azure-identity-token"), APP.federatedAssertion());
            Map<String, String> env = base(simulator, kafka, "wi.");
            env.remove("PATROL_ADO_TENANT_ID");
            env.remove("PATROL_ADO_CLIENT_ID");
            env.put("PATROL_ADO_CREDENTIAL", "workload-identity");
            env.put("AZURE_TENANT_ID", APP.tenantId());
            env.put("AZURE_CLIENT_ID", APP.clientId());
            env.put("AZURE_FEDERATED_TOKEN_FILE", token.toString());
            PatrolConfig config = PatrolConfig.load(Optional.empty(), env).requireForIngest();

            // when / then
            assertIngests(kafka, simulator, config, "wi.");
        }
    }

    private static void assertIngests(TestKafka kafka, AdoSimulator simulator, PatrolConfig config, String prefix)
            throws Exception {
        Set<String> expected = simulator.org().auditEntries().stream().map(e -> e.get("id").asText())
                .collect(Collectors.toSet());
        try (var ingest = new IngestService(config, Clock.systemUTC()).start()) {
            await().atMost(Duration.ofSeconds(60)).until(() -> keys(kafka, prefix + Topics.AUDIT.name()).size() >= expected.size());
            await().atMost(Duration.ofSeconds(30)).until(() -> Set.copyOf(keys(kafka, prefix + Topics.TOKENS.name()))
                    .equals(simulator.org().tokens().stream().map(SimToken::authorizationId).collect(Collectors.toSet())));
            assertThat(ingest.failure()).isNull();
        }
        assertThat(keys(kafka, prefix + Topics.AUDIT.name())).doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(expected);
        // One token serves every call: the audit poll and the inventory scan's threads share the cache.
        assertThat(simulator.entraTokens().issued()).isEqualTo(1);
    }

    private static List<String> keys(TestKafka kafka, String topic) {
        return CommittedRecords.read(kafka.bootstrapServers(), topic).stream()
                .map(r -> new String(r.key(), StandardCharsets.UTF_8)).toList();
    }
}
