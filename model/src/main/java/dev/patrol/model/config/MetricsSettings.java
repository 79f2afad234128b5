package dev.patrol.model.config;

/**
 * Where each service serves {@code /metrics} (Prometheus text), {@code /health/live} and {@code /health/ready}
 * (keys {@code metrics.*}). A port of 0 turns the endpoint off for that service.
 */
public record MetricsSettings(String bindAddress, int ingestPort, int streamsPort, int alertsPort) {

    static MetricsSettings bind(ConfigSource source) {
        return new MetricsSettings(
                source.string("metrics.bindAddress", "0.0.0.0"),
                source.integer("metrics.ingestPort", 9401, 0, 65535),
                source.integer("metrics.streamsPort", 9402, 0, 65535),
                source.integer("metrics.alertsPort", 9403, 0, 65535));
    }
}
