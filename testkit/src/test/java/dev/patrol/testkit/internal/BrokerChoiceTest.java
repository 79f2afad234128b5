package dev.patrol.testkit.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class BrokerChoiceTest {

    @Test
    void shouldChooseAutoWhenNothingIsSet() {
        assertThat(BrokerChoice.resolve(Map.<String, String>of()::get, Map.<String, String>of()::get))
                .isEqualTo(BrokerChoice.AUTO);
    }

    @Test
    void shouldTakeEnvironmentWhenPropertyIsTheDefaultAuto() {
        var choice = BrokerChoice.resolve(Map.of("patrol.it.broker", "auto")::get,
                Map.of("PATROL_IT_BROKER", "embedded")::get);

        assertThat(choice).isEqualTo(BrokerChoice.EMBEDDED);
    }

    @Test
    void shouldPreferPropertyWhenBothAreExplicit() {
        var choice = BrokerChoice.resolve(Map.of("patrol.it.broker", " Testcontainers ")::get,
                Map.of("PATROL_IT_BROKER", "embedded")::get);

        assertThat(choice).isEqualTo(BrokerChoice.TESTCONTAINERS);
    }

    @Test
    void shouldNameSourceAndValuesWhenValueIsUnknown() {
        assertThatThrownBy(() -> BrokerChoice.resolve(Map.of("patrol.it.broker", "docker")::get,
                Map.<String, String>of()::get))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("system property patrol.it.broker must be auto, embedded or testcontainers, not 'docker'");
    }
}
