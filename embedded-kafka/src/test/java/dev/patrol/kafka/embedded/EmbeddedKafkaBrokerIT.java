package dev.patrol.kafka.embedded;

import static dev.patrol.kafka.embedded.KafkaTestClients.createTopic;
import static dev.patrol.kafka.embedded.KafkaTestClients.producer;
import static dev.patrol.kafka.embedded.KafkaTestClients.readValues;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Guards against an embedded broker that starts but cannot serve what the services need: plain round trips,
 * exactly-once transactions (which time out without the single-node overrides), a clear one-line message when the
 * port or the data dir is taken, and a probe that tells a running broker from an empty port.
 */
class EmbeddedKafkaBrokerIT {

    @TempDir
    static Path dataDir;

    static EmbeddedKafkaBroker broker;

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedKafkaBroker.start(dataDir, 0);
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @Test
    void shouldDeliverRecordsWhenProducedAndConsumed() throws Exception {
        createTopic(broker.bootstrapServers(), "round-trip");

        try (var producer = producer(broker.bootstrapServers(), Map.of())) {
            producer.send(new ProducerRecord<>("round-trip", "k1", "v1")).get(30, TimeUnit.SECONDS);
            producer.send(new ProducerRecord<>("round-trip", "k2", "v2")).get(30, TimeUnit.SECONDS);
        }

        assertThat(readValues(broker.bootstrapServers(), "round-trip", "read_uncommitted", 2))
                .containsExactly("v1", "v2");
    }

    @Test
    void shouldShowOnlyCommittedRecordsWhenReadCommittedAfterCommitAndAbort() throws Exception {
        createTopic(broker.bootstrapServers(), "transactions");

        try (var producer = producer(broker.bootstrapServers(), Map.of(
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, "it-tx",
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000))) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("transactions", "k", "committed-1"));
            producer.send(new ProducerRecord<>("transactions", "k", "committed-2"));
            producer.commitTransaction();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("transactions", "k", "aborted"));
            producer.abortTransaction();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("transactions", "k", "committed-3"));
            producer.commitTransaction();
        }

        assertThat(readValues(broker.bootstrapServers(), "transactions", "read_committed", 3))
                .containsExactly("committed-1", "committed-2", "committed-3");
    }

    @Test
    void shouldFailWithOneLineMessageWhenPortIsInUse(@TempDir Path otherDir) {
        int port = Integer.parseInt(broker.bootstrapServers().substring(broker.bootstrapServers().indexOf(':') + 1));

        assertThatThrownBy(() -> EmbeddedKafkaBroker.start(otherDir, port))
                .isInstanceOf(EmbeddedKafkaException.class)
                .hasMessage("port " + port + " is already in use");
    }

    @Test
    void shouldFailWithOneLineMessageWhenDataDirIsInUse() {
        assertThatThrownBy(() -> EmbeddedKafkaBroker.start(dataDir, 0))
                .isInstanceOf(EmbeddedKafkaException.class)
                .hasMessage("data dir " + broker.dataDir() + " is in use by another embedded Kafka broker");
    }

    @Test
    void shouldAnswerProbeOnlyWhenABrokerListens() throws Exception {
        int emptyPort;
        try (var socket = new ServerSocket(0)) {
            emptyPort = socket.getLocalPort();
        }

        assertThat(KafkaProbe.answers(broker.bootstrapServers(), Duration.ofSeconds(10))).isTrue();
        assertThat(KafkaProbe.answers("127.0.0.1:" + emptyPort, Duration.ofSeconds(10))).isFalse();
    }
}
