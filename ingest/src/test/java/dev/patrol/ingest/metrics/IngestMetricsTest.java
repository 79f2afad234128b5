package dev.patrol.ingest.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class IngestMetricsTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final Clock clock = Clock.fixed(Instant.parse("2026-11-21T12:00:00Z"), ZoneOffset.UTC);
    private final IngestMetrics metrics = new IngestMetrics(registry, "contoso", clock);

    @Test
    void shouldRegisterFailureAndDeadLetterCountersAtZeroSoDashboardsShowZeroNotNoData() {
        for (String reason : IngestMetrics.POLL_FAILURE_REASONS) {
            assertThat(registry.get(IngestMetrics.POLL_FAILURES).tags("org", "contoso", "reason", reason).counter()
                    .count()).as(reason).isZero();
        }
        assertThat(registry.get(IngestMetrics.AUDIT_ENTRIES).tags("outcome", "deadletter").counter().count()).isZero();
    }

    @Test
    void shouldCountPollOutcomesAndFailuresOnTheSameSeries() {
        metrics.polled(Duration.ofMillis(200), 5, 2, 1, Instant.parse("2026-11-21T11:59:00Z"));
        metrics.pollFailed("credential");
        metrics.pollFailed("credential");

        assertThat(registry.get(IngestMetrics.AUDIT_ENTRIES).tags("outcome", "stored").counter().count()).isEqualTo(5);
        assertThat(registry.get(IngestMetrics.AUDIT_ENTRIES).tags("outcome", "duplicate").counter().count()).isEqualTo(2);
        assertThat(registry.get(IngestMetrics.AUDIT_ENTRIES).tags("outcome", "deadletter").counter().count()).isEqualTo(1);
        assertThat(registry.get(IngestMetrics.POLL_FAILURES).tags("reason", "credential").counter().count()).isEqualTo(2);
        assertThat(registry.get(IngestMetrics.POLL_FAILURES).tags("reason", "ado").counter().count()).isZero();
        assertThat(registry.get(IngestMetrics.INGEST_LAG).gauge().value()).isEqualTo(60.0);
    }
}
