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
