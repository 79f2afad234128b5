package dev.patrol.simulator;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SimulatorConfigTest {

    @Test
    void shouldDescribeTheDocumentedOrgWhenUsingDefaults() {
        // when
        SimulatorConfig config = SimulatorConfig.defaults();

        // then
        assertThat(config).isEqualTo(new SimulatorConfig("contoso", "sim-pat-not-a-secret", 42, 0, 12, 200,
                Duration.ofHours(6), Clock.systemUTC()));
    }

    @Test
    void shouldChangeOnlyOneComponentWhenUsingAWither() {
        // given
        SimulatorConfig defaults = SimulatorConfig.defaults();

        // when
        SimulatorConfig changed = defaults.withOrganization("fabrikam").withUsers(3);

        // then
        assertThat(changed.organization()).isEqualTo("fabrikam");
        assertThat(changed.users()).isEqualTo(3);
        assertThat(changed.withOrganization("contoso").withUsers(12)).isEqualTo(defaults);
    }

    @Test
    void shouldMaskPatWhenPrinted() {
        // when
        String text = SimulatorConfig.defaults().toString();

        // then
        assertThat(text).doesNotContain("sim-pat-not-a-secret").contains("pat=****");
    }

    @Test
    void shouldRejectOrganizationWhenItCannotAppearInAPath() {
        assertThatThrownBy(() -> SimulatorConfig.defaults().withOrganization("con/toso"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("con/toso");
    }

    @Test
    void shouldRejectAuditEntriesWhenTooFewForThePlantedOnes() {
        assertThatThrownBy(() -> SimulatorConfig.defaults().withAuditEntries(5))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("auditEntries 5");
    }

    @Test
    void shouldRejectHistoryWhenLongerThanAuditRetention() {
        assertThatThrownBy(() -> SimulatorConfig.defaults().withHistory(Duration.ofDays(91)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("90 days");
    }

    @Test
    void shouldRejectPortWhenOutsideTcpRange() {
        assertThatThrownBy(() -> SimulatorConfig.defaults().withPort(70_000))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("70000");
    }
}
