package dev.patrol.kafka.embedded;

import dev.patrol.kafka.embedded.internal.BrokerLogLevels;
import dev.patrol.kafka.embedded.internal.BrokerProperties;
import dev.patrol.kafka.embedded.internal.DataDirLock;
import dev.patrol.kafka.embedded.internal.Messages;
import dev.patrol.kafka.embedded.internal.Ports;
import dev.patrol.kafka.embedded.internal.Storage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker (KRaft, combined broker and controller) running in this JVM from the Maven Central
 * jars: the broker of the one-command local run and of the ITs where no Docker engine exists. It is Kafka itself,
 * not a fake, so transactions, consumer groups and retention behave as in production.
 *
 * <p>Data lives in {@code <dataDir>/kafka-logs}; the directory is formatted the first time only, so starting again on
 * the same data dir (on any port) resumes with the topics and records that were there. The config used is written to
 * {@code <dataDir>/server.properties} for reference.
 *
 * <p>The broker logs through SLF4J. When the backend is logback, broker loggers that the application did not
 * configure are set to WARN (see {@link BrokerLogLevels}), so a CLI does not drown in Kafka's startup INFO lines.
 *
 * <p>Only one broker per data dir at a time, in this JVM or any other ({@code <dataDir>/embedded-kafka.lock}).
 * Several brokers on different data dirs may run in one JVM.
 *
 * <p>Kafka's own fault handling is kept: a fatal metadata fault inside the broker halts the JVM
 * ({@code StandardFaultHandlerFactory}), as it would halt a standalone broker. The local run cannot go on without its
 * broker, and overriding Kafka's global {@code Exit} procedures would affect every broker and tool in the JVM.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);
    private static final String LOG_DIR = "kafka-logs";
    private static final String CONFIG_FILE = "server.properties";
    /** Attempts when a port this class picked was taken by someone else between the pick and Kafka's bind. */
    private static final int BIND_ATTEMPTS = 3;

    private final KafkaRaftServer server;
    private final DataDirLock lock;
    private final Path dataDir;
    private final int port;
    private final AtomicBoolean closed = new AtomicBoolean();

    private EmbeddedKafkaBroker(KafkaRaftServer server, DataDirLock lock, Path dataDir, int port) {
        this.server = server;
        this.lock = lock;
        this.dataDir = dataDir;
        this.port = port;
    }

    /**
     * Starts a single-node KRaft broker (combined broker+controller) listening on 127.0.0.1:port (0 = a free port;
     * the controller listener always takes a free port). Data in dataDir (created if missing; formatted only the
     * first time, so a restart with the same dir resumes with the topics and records that were there). Blocks until
     * the broker accepts connections and is unfenced (topics can be created at once); throws
     * {@link EmbeddedKafkaException} with a one-line, person-readable message (e.g. "port 9092 is already in use") on
     * failure.
     */
    public static EmbeddedKafkaBroker start(Path dataDir, int port) {
        long started = System.nanoTime();
        Objects.requireNonNull(dataDir, "dataDir");
        if (port < 0 || port > 65_535) {
            throw new EmbeddedKafkaException("port must be between 0 and 65535, not " + port);
        }
        if (port != 0 && Ports.inUse(port)) {
            throw portInUse(port); // before touching the data dir, so a failed start leaves nothing behind
        }
        BrokerLogLevels.quietUnlessConfigured();
        Path dir = dataDir.toAbsolutePath().normalize();
        Path logDir = dir.resolve(LOG_DIR);
        try {
            Files.createDirectories(logDir);
        } catch (IOException e) {
            throw new EmbeddedKafkaException("cannot create data dir " + logDir + ": " + Messages.describe(e), e);
        }

        DataDirLock lock = DataDirLock.acquire(dir);
        try {
            return startLocked(dir, logDir, port, lock, started);
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    private static EmbeddedKafkaBroker startLocked(Path dir, Path logDir, int port, DataDirLock lock, long started) {
        boolean fresh = !Storage.formatted(logDir);
        String clusterId = Storage.clusterId(logDir);
        for (int attempt = 1; ; attempt++) {
            if (port != 0 && Ports.inUse(port)) {
                throw portInUse(port);
            }
            int brokerPort = port != 0 ? port : Ports.free();
            int controllerPort = freePortOtherThan(brokerPort);
            Properties props = BrokerProperties.of(logDir, brokerPort, controllerPort);
            Storage.format(props, dir.resolve(CONFIG_FILE), clusterId);
            try {
                KafkaRaftServer server = startServer(props);
                EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(server, lock, dir, brokerPort);
                LOG.info("kafka broker started bootstrapServers={} dataDir={} newStorage={} startMillis={}",
                        broker.bootstrapServers(), dir, fresh, (System.nanoTime() - started) / 1_000_000);
                return broker;
            } catch (BindFailure e) {
                if (port != 0 && Ports.inUse(port)) {
                    throw portInUse(port);
                }
                if (attempt == BIND_ATTEMPTS) {
                    throw new EmbeddedKafkaException("cannot bind the Kafka listeners on " + BrokerProperties.HOST
                            + " after " + attempt + " attempts: " + Messages.oneLine(e.getCause()), e.getCause());
                }
                LOG.debug("a picked port was taken before Kafka could bind it; retrying", e.getCause());
            }
        }
    }

    /** Starts the server, or shuts down what did start and explains the failure in one line. */
    private static KafkaRaftServer startServer(Properties props) {
        KafkaRaftServer server;
        try {
            // doLog=false: the KafkaConfig dump (hundreds of lines at INFO) says nothing the properties file doesn't.
            server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
        } catch (RuntimeException e) {
            throw translate(e, props);
        }
        try {
            // Returns once the broker has caught up with the metadata log and is unfenced, so it takes requests.
            server.startup();
            return server;
        } catch (RuntimeException e) {
            // The controller may be up when the broker half fails (a port taken, a locked log dir): stop it, or its
            // threads and the log dir lock outlive the failed start.
            try {
                server.shutdown();
                server.awaitShutdown();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            if (Messages.chainMentions(e, "Address already in use")) {
                throw new BindFailure(e);
            }
            throw translate(e, props);
        }
    }

    private static EmbeddedKafkaException translate(RuntimeException e, Properties props) {
        if (Messages.chainMentions(e, "Failed to acquire lock")) {
            return new EmbeddedKafkaException("data dir " + props.getProperty("log.dirs")
                    + " is in use by another Kafka broker", e);
        }
        return new EmbeddedKafkaException("embedded Kafka broker failed to start: " + Messages.oneLine(e), e);
    }

    private static EmbeddedKafkaException portInUse(int port) {
        return new EmbeddedKafkaException("port " + port + " is already in use");
    }

    private static int freePortOtherThan(int taken) {
        int candidate = Ports.free();
        while (candidate == taken) {
            candidate = Ports.free();
        }
        return candidate;
    }

    /** {@code 127.0.0.1:<port>}, the only listener clients may use. */
    public String bootstrapServers() {
        return BrokerProperties.HOST + ":" + port;
    }

    /** The data dir as given to {@link #start}, absolute. */
    public Path dataDir() {
        return dataDir;
    }

    /**
     * Shuts the broker down cleanly and waits for it, so the next start on this data dir needs no log recovery.
     * Idempotent; leaves the data on disk.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        long started = System.nanoTime();
        try {
            server.shutdown();
            server.awaitShutdown();
        } catch (RuntimeException e) {
            throw new EmbeddedKafkaException("embedded Kafka broker did not shut down cleanly: "
                    + Messages.oneLine(e), e);
        } finally {
            lock.close();
        }
        LOG.info("kafka broker stopped bootstrapServers={} stopMillis={}", bootstrapServers(),
                (System.nanoTime() - started) / 1_000_000);
    }

    @Override
    public String toString() {
        return "EmbeddedKafkaBroker[" + bootstrapServers() + ", " + dataDir + "]";
    }

    /** A listener could not bind: the port was taken between the check and Kafka's bind. */
    private static final class BindFailure extends RuntimeException {

        private static final long serialVersionUID = 1L;

        BindFailure(Throwable cause) {
            super(cause);
        }
    }
}
