package dev.patrol.kafka.embedded;

import static dev.patrol.kafka.embedded.KafkaTestClients.createTopic;
import static dev.patrol.kafka.embedded.KafkaTestClients.producer;
import static dev.patrol.kafka.embedded.KafkaTestClients.readValues;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Guards against a local run that loses its data on restart: a second start on the same data dir (in the same JVM,
 * on another port) must reuse the formatted storage and its cluster id, not reformat or refuse it. The one test
 * class that starts two brokers, one after the other, because the restart is what it tests.
 */
class EmbeddedKafkaRestartIT {

    @TempDir
    Path dataDir;

    @Test
    void shouldKeepTopicsAndRecordsWhenRestartedOnSameDataDirAndAnotherPort() throws Exception {
        String firstBootstrap;
        try (var first = EmbeddedKafkaBroker.start(dataDir, 0)) {
            firstBootstrap = first.bootstrapServers();
            createTopic(first.bootstrapServers(), "kept");
            try (var producer = producer(first.bootstrapServers(), Map.of())) {
                producer.send(new ProducerRecord<>("kept", "k", "before-restart")).get(30, TimeUnit.SECONDS);
            }
        }
        int otherPort;
        try (var socket = new ServerSocket(0)) {
            otherPort = socket.getLocalPort();
        }

        try (var second = EmbeddedKafkaBroker.start(dataDir, otherPort)) {

            assertThat(second.bootstrapServers()).isEqualTo("127.0.0.1:" + otherPort).isNotEqualTo(firstBootstrap);
            assertThat(readValues(second.bootstrapServers(), "kept", "read_uncommitted", 1))
                    .containsExactly("before-restart");
        }
    }
}
