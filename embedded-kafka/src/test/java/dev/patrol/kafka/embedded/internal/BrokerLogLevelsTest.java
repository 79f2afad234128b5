package dev.patrol.kafka.embedded.internal;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class BrokerLogLevelsTest {

    @Test
    void shouldQuietUnconfiguredBrokerLoggersAndLeaveConfiguredOnesWhenBackendIsLogback() {
        // logback-test.xml configures org.apache.kafka (WARN) but neither "kafka" nor "state.change.logger".
        var context = (LoggerContext) LoggerFactory.getILoggerFactory();

        BrokerLogLevels.quietUnlessConfigured();

        assertThat(context.getLogger("kafka").getLevel()).isEqualTo(Level.WARN);
        assertThat(context.getLogger("state.change.logger").getLevel()).isEqualTo(Level.WARN);
        assertThat(context.getLogger("org.apache.kafka.raft").getLevel())
                .as("inherits what the application configured for org.apache.kafka").isNull();
    }
}
