package dev.patrol.alerts.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patrol.alerts.metrics.AlertsMetrics.ParkReason;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class AlertsMetricsTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final AlertsMetrics metrics = new AlertsMetrics(registry);

    @Test
    void shouldRegisterEveryRevocationStatusAtZero() {
        assertThat(registry.get(AlertsMetrics.REVOCATIONS).counters()).hasSize(9)
                .allSatisfy(c -> assertThat(c.count()).isZero());
    }

    @Test
    void shouldRegisterAConfiguredSinksOutcomesAndParkReasonsAtZero() {
        metrics.sinkConfigured("slack");

        assertThat(registry.get(AlertsMetrics.DELIVERIES).tag("sink", "slack").counters()).hasSize(3)
                .allSatisfy(c -> assertThat(c.count()).isZero());
        assertThat(registry.get(AlertsMetrics.PARKED).tag("sink", "slack").counters()).hasSize(2);
    }

    @Test
    void shouldCountAParkedAlertAsAParkedDeliveryButNotAnUnreadableRecord() {
        metrics.sinkConfigured("slack");
        metrics.parked("slack", ParkReason.REJECTED);
        metrics.parked("findings", ParkReason.BAD_RECORD);

        assertThat(registry.get(AlertsMetrics.DELIVERIES).tags("sink", "slack", "outcome", "parked").counter().count())
                .isEqualTo(1);
        assertThat(registry.get(AlertsMetrics.PARKED).tags("sink", "slack", "reason", "rejected").counter().count())
                .isEqualTo(1);
        assertThat(registry.find(AlertsMetrics.DELIVERIES).tags("sink", "findings").counter()).isNull();
        assertThat(registry.get(AlertsMetrics.PARKED).tags("sink", "findings", "reason", "bad_record").counter().count())
                .isEqualTo(1);
    }
}
