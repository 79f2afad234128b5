package dev.patrol.simulator;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MainTest {

    @Test
    void shouldApplyEveryOptionWhenArgumentsAreValid() {
        // when
        Optional<SimulatorConfig> config = Main.parse(new String[] {
                "--port", "8099", "--org", "fabrikam", "--seed=7", "--users", "3", "--entries", "50"});

        // then
        assertThat(config).hasValue(SimulatorConfig.defaults().withPort(8099).withOrganization("fabrikam")
                .withSeed(7).withUsers(3).withAuditEntries(50));
    }

    @Test
    void shouldApplyScaleOptionsWithEntriesPerDayOverTheGivenDaysWhenGivenInAnyOrder() {
        // when
        Optional<SimulatorConfig> config = Main.parse(new String[] {
                "--entries-per-day", "1000", "--users", "500", "--pats-per-user", "4", "--days=30"});

        // then
        assertThat(config).hasValue(SimulatorConfig.defaults().withUsers(500).withPatsPerUser(4)
                .withHistory(java.time.Duration.ofDays(30)).withAuditEntries(30_000));
    }

    @Test
    void shouldRejectEntriesAndEntriesPerDayWhenBothAreGiven() {
        assertThatThrownBy(() -> Main.parse(new String[] {"--entries", "50", "--entries-per-day", "10"}))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("--entries and --entries-per-day exclude each other");
    }

    @Test
    void shouldAskForHelpWhenHelpIsAmongTheArguments() {
        // when
        Optional<SimulatorConfig> config = Main.parse(new String[] {"--port", "1", "--help"});

        // then
        assertThat(config).isEmpty();
        assertThat(Main.USAGE).contains("--port", "--org", "--seed", "--users", "--entries", "--help");
    }

    @Test
    void shouldNameTheOptionWhenValueIsNotANumber() {
        assertThatThrownBy(() -> Main.parse(new String[] {"--port", "eighty"}))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("--port: 'eighty' is not a whole number");
    }

    @Test
    void shouldNameTheOptionWhenValueIsOutOfRange() {
        assertThatThrownBy(() -> Main.parse(new String[] {"--entries", "3"}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("--entries: ");
    }

    @Test
    void shouldRejectArgumentWhenItIsUnknown() {
        assertThatThrownBy(() -> Main.parse(new String[] {"--verbose"}))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("unknown argument '--verbose'");
    }

    @Test
    void shouldRejectOptionWhenItsValueIsMissing() {
        assertThatThrownBy(() -> Main.parse(new String[] {"--seed"}))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("--seed needs a value");
    }
}
