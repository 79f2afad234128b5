package dev.patrol.testkit;

import dev.patrol.kafka.embedded.EmbeddedKafkaBroker;
import dev.patrol.testkit.internal.BrokerChoice;
import dev.patrol.testkit.internal.Docker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.utils.AppInfoParser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * One real broker for a test class: embedded KRaft, or Testcontainers apache/kafka where Docker answers. Chosen by
 * system property / env {@code patrol.it.broker} / {@code PATROL_IT_BROKER}:
 * <ul>
 *   <li>{@code auto} (default): Testcontainers if {@code DockerClientFactory.instance().isDockerAvailable()}, else
 *       embedded;</li>
 *   <li>{@code embedded}: the in-process KRaft broker of {@code patrol-embedded-kafka}, on a fresh temporary data
 *       dir deleted on close;</li>
 *   <li>{@code testcontainers}: the {@code apache/kafka} image; fails clearly if no Docker engine answers.</li>
 * </ul>
 * Both kinds are configured alike where the services can tell: single-node replication factors (so transactions and
 * consumer groups work), no topic auto-creation (services create their topics), no initial rebalance delay.
 *
 * <p>Use it through {@link KafkaExtension} (one broker per test class), or directly in try-with-resources.
 */
public final class TestKafka implements AutoCloseable {

    /** The image for the Testcontainers kind; defaults to {@code apache/kafka:<kafka-clients version>}. */
    public static final String IMAGE_PROPERTY = "patrol.it.kafka.image";
    public static final String IMAGE_ENV = "PATROL_IT_KAFKA_IMAGE";

    private static final Logger LOG = LoggerFactory.getLogger(TestKafka.class);

    private final String kind;
    private final String bootstrapServers;
    private final AutoCloseable broker;
    private final Path dataDir;
    private final AtomicBoolean closed = new AtomicBoolean();
    private Admin admin;

    private TestKafka(String kind, String bootstrapServers, AutoCloseable broker, Path dataDir) {
        this.kind = kind;
        this.bootstrapServers = bootstrapServers;
        this.broker = broker;
        this.dataDir = dataDir;
    }

    /** Starts the broker {@code patrol.it.broker} asks for; logs which kind it started and in how long. */
    public static TestKafka start() {
        long started = System.nanoTime();
        BrokerChoice choice = BrokerChoice.current();
        TestKafka kafka = switch (choice) {
            case EMBEDDED -> embedded();
            case TESTCONTAINERS -> {
                if (!Docker.answers(false)) {
                    throw new IllegalStateException(BrokerChoice.PROPERTY + "=testcontainers but no Docker engine "
                            + "answers (Testcontainers' log above says what it tried); use " + BrokerChoice.PROPERTY
                            + "=embedded or auto to run on the embedded KRaft broker");
                }
                yield testcontainers();
            }
            case AUTO -> Docker.answers(true) ? testcontainers() : embedded();
        };
        LOG.info("test kafka started kind={} choice={} bootstrapServers={} startMillis={}", kafka.kind,
                choice.name().toLowerCase(Locale.ROOT), kafka.bootstrapServers,
                (System.nanoTime() - started) / 1_000_000);
        return kafka;
    }

    private static TestKafka embedded() {
        Path dataDir;
        try {
            dataDir = Files.createTempDirectory("patrol-it-kafka-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a data dir for the embedded broker", e);
        }
        try {
            EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dataDir, 0);
            return new TestKafka("embedded", broker.bootstrapServers(), broker, dataDir);
        } catch (RuntimeException e) {
            deleteQuietly(dataDir);
            throw e;
        }
    }

    @SuppressWarnings("resource") // closed by close()
    private static TestKafka testcontainers() {
        String image = firstNonBlank(System.getProperty(IMAGE_PROPERTY), System.getenv(IMAGE_ENV),
                "apache/kafka:" + AppInfoParser.getVersion());
        KafkaContainer container = new KafkaContainer(DockerImageName.parse(image))
                // KafkaContainer already sets the offsets and transaction-state replication factors and min ISR to 1
                // and the initial rebalance delay to 0. These match the embedded broker's remaining overrides:
                // services create their topics, and share groups would need their state topic at factor 1 too.
                .withEnv("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false")
                .withEnv("KAFKA_NUM_PARTITIONS", "1")
                .withEnv("KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR", "1")
                .withEnv("KAFKA_SHARE_COORDINATOR_STATE_TOPIC_MIN_ISR", "1")
                .withStartupTimeout(Duration.ofMinutes(2));
        try {
            container.start();
        } catch (RuntimeException e) {
            container.close();
            throw e;
        }
        return new TestKafka("testcontainers", container.getBootstrapServers(), container, null);
    }

    /** Where clients connect, e.g. {@code 127.0.0.1:41234} (embedded) or {@code localhost:32771} (Testcontainers). */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** {@code "embedded"} or {@code "testcontainers"}. */
    public String kind() {
        return kind;
    }

    /** An Admin client on this broker, created on first use and closed with it. */
    public synchronized Admin admin() {
        if (closed.get()) {
            throw new IllegalStateException("this TestKafka is closed");
        }
        if (admin == null) {
            admin = Admin.create(Map.of(
                    AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                    AdminClientConfig.CLIENT_ID_CONFIG, "patrol-testkit-admin"));
        }
        return admin;
    }

    /** Closes the Admin client and the broker; deletes the embedded broker's data dir. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        synchronized (this) {
            if (admin != null) {
                admin.close(Duration.ofSeconds(10));
            }
        }
        try {
            broker.close();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("cannot stop the " + kind + " test broker: " + e.getMessage(), e);
        } finally {
            if (dataDir != null) {
                deleteQuietly(dataDir);
            }
        }
        LOG.info("test kafka stopped kind={} bootstrapServers={}", kind, bootstrapServers);
    }

    @Override
    public String toString() {
        return "TestKafka[" + kind + ", " + bootstrapServers + "]";
    }

    private static String firstNonBlank(String... values) {
        for (String value : values) {
            if (value != null && !value.isBlank()) {
                return value.strip();
            }
        }
        throw new IllegalArgumentException("no value");
    }

    private static void deleteQuietly(Path dir) {
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                    Files.deleteIfExists(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            LOG.warn("cannot delete the test broker's data dir {}: {}", dir, e.getMessage());
        }
    }
}
