package dev.patrol.ingest;

import dev.patrol.model.config.PatrolConfig;
import dev.patrol.simulator.AdoSimulator;
import dev.patrol.simulator.SimulatorConfig;
import java.util.Map;
import java.util.Optional;

/**
 * Ingest configured against a running simulator through the real loader and environment overrides, as an operator
 * would point it at ADO.
 */
final class IngestConfigs {

    private IngestConfigs() {
    }

    static PatrolConfig against(AdoSimulator simulator, String bootstrapServers, String topicPrefix) {
        return PatrolConfig.load(Optional.empty(), Map.of(
                "PATROL_ORGANIZATION", simulator.org().organization(),
                "PATROL_ADO_AUDIT_BASE_URL", simulator.baseUrl().toString(),
                "PATROL_ADO_VSSPS_BASE_URL", simulator.baseUrl().toString(),
                "PATROL_ADO_REQUEST_TIMEOUT", "5s",
                "ADO_PAT", SimulatorConfig.defaults().pat(),
                "PATROL_INGEST_POLL_INTERVAL", "300ms",
                "PATROL_INGEST_BATCH_SIZE", "50",
                "PATROL_INGEST_INITIAL_LOOKBACK", "1d",
                "PATROL_KAFKA_BOOTSTRAP_SERVERS", bootstrapServers,
                "PATROL_KAFKA_TOPIC_PREFIX", topicPrefix)).requireForIngest();
    }
}
