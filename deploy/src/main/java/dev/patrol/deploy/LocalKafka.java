package dev.patrol.deploy;

import dev.patrol.kafka.embedded.EmbeddedKafkaBroker;
import dev.patrol.kafka.embedded.KafkaProbe;
import dev.patrol.model.config.PatrolConfig.KafkaSettings;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resolves where Kafka is: the configured bootstrap servers, or else the embedded broker on
 * {@code kafka.embedded.port}: one already running there (another patrol command started it), or a new one
 * with its data in {@code kafka.embedded.dataDir}, so a restart resumes where it stopped.
 */
final class LocalKafka implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalKafka.class);

    private final KafkaSettings settings;
    private final Optional<EmbeddedKafkaBroker> owned;

    private LocalKafka(KafkaSettings settings, Optional<EmbeddedKafkaBroker> owned) {
        this.settings = settings;
        this.owned = owned;
    }

    static LocalKafka resolve(KafkaSettings configured) {
        if (configured.bootstrapServers().isPresent()) {
            return new LocalKafka(configured, Optional.empty());
        }
        String local = "127.0.0.1:" + configured.embeddedPort();
        if (KafkaProbe.answers(local, Duration.ofSeconds(2))) {
            LOG.info("using the embedded broker already running at {}", local);
            return new LocalKafka(configured.withBootstrapServers(local), Optional.empty());
        }
        LOG.info("no kafka.bootstrapServers configured: starting the embedded broker on port {} with data in {}",
                configured.embeddedPort(), configured.embeddedDataDir().toAbsolutePath());
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(configured.embeddedDataDir(), configured.embeddedPort());
        return new LocalKafka(configured.withBootstrapServers(broker.bootstrapServers()), Optional.of(broker));
    }

    /** True when this process started the broker (and stops it on close). */
    boolean owned() {
        return owned.isPresent();
    }

    KafkaSettings settings() {
        return settings;
    }

    @Override
    public void close() {
        owned.ifPresent(EmbeddedKafkaBroker::close);
    }
}
