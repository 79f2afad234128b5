package dev.patrol.deploy;

import dev.patrol.alerts.AlertsService;
import dev.patrol.ingest.IngestService;
import dev.patrol.kafka.embedded.EmbeddedKafkaBroker;
import dev.patrol.model.Secret;
import dev.patrol.model.config.PatrolConfig;
import dev.patrol.model.net.Cidr;
import dev.patrol.simulator.AdoSimulator;
import dev.patrol.simulator.SimulatorConfig;
import dev.patrol.streams.StreamsService;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The whole pipeline on one machine: an embedded broker (fresh data in {@code .patrol/demo-*}), the ADO simulator
 * and the three services, wired as they would be against the real ADO. Closing stops them in reverse order and
 * deletes the demo's data.
 */
final class Demo implements AutoCloseable {

    /** Demo knobs; {@code webhooks} receive every finding as well as the terminal. */
    record Options(long seed, List<URI> webhooks, String topicPrefix) {
        Options {
            webhooks = List.copyOf(webhooks);
        }
    }

    private final List<AutoCloseable> started = new ArrayList<>();
    private final Path dataDir;
    private final AdoSimulator simulator;
    private final PatrolConfig config;
    private final IngestService ingest;
    private final StreamsService streams;
    private final AlertsService alerts;

    private Demo(Options options, PrintStream out) throws IOException {
        // A fresh folder per run, under the working directory (Kafka Streams warns about state in /tmp).
        Path parent = Path.of(".patrol");
        Files.createDirectories(parent);
        dataDir = Files.createTempDirectory(parent, "demo-");
        try {
            EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dataDir.resolve("kafka"), 0);
            started.add(broker);
            simulator = AdoSimulator.start(SimulatorConfig.defaults().withSeed(options.seed()));
            started.add(simulator);
            config = configFor(simulator, broker.bootstrapServers(), dataDir, options);
            ingest = new IngestService(config, Clock.systemUTC()).start();
            started.add(ingest);
            streams = new StreamsService(config, Clock.systemUTC()).start();
            started.add(streams);
            alerts = new AlertsService(config, out).start();
            started.add(alerts);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    static Demo start(Options options, PrintStream out) throws IOException {
        return new Demo(options, out);
    }

    /** The configuration the demo's services run with: the simulator stands where ADO would. */
    static PatrolConfig configFor(AdoSimulator simulator, String bootstrapServers, Path dataDir, Options options) {
        var org = simulator.org();
        List<Cidr> corporate = org.corporateCidrs().stream().map(Cidr::parse).toList();
        var simulatorConfig = SimulatorConfig.defaults();
        return new PatrolConfig(
                org.organization(),
                new PatrolConfig.AdoSettings(simulator.baseUrl(), simulator.baseUrl(),
                        Optional.of(Secret.of(simulatorConfig.pat())), "the simulator's PAT", Duration.ofSeconds(10)),
                new PatrolConfig.IngestSettings(Duration.ofSeconds(5), Duration.ofMinutes(15), 100,
                        Duration.ofMinutes(1), simulatorConfig.history().plusHours(1), 4, false),
                PatrolConfig.NetworkSettings.corporate(corporate),
                new PatrolConfig.GeoIpSettings(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                        4096, Duration.ofMinutes(1)),
                new PatrolConfig.StreamsSettings("patrol-demo-streams", dataDir.resolve("streams-state"), Optional.empty()),
                new PatrolConfig.AlertsSettings(options.webhooks(), true, "patrol-demo-alerts"),
                new PatrolConfig.AuditStreamSettings(false, "127.0.0.1", 0, 5 * 1024 * 1024, Optional.empty(),
                        Optional.empty()),
                new PatrolConfig.KafkaSettings(Optional.of(bootstrapServers), options.topicPrefix(),
                        dataDir.resolve("kafka"), 0, Map.of()));
    }

    PatrolConfig config() {
        return config;
    }

    AdoSimulator simulator() {
        return simulator;
    }

    long findingsDelivered() {
        return alerts.findingsHandled();
    }

    /** A service stopped on its own (fatal error): the demo cannot go on. */
    Optional<String> failure() {
        if (ingest.failure() != null) {
            return Optional.of("ingest stopped: " + ingest.failure().getMessage());
        }
        if (streams.state() == org.apache.kafka.streams.KafkaStreams.State.ERROR
                || streams.state() == org.apache.kafka.streams.KafkaStreams.State.NOT_RUNNING) {
            return Optional.of("streams stopped (state " + streams.state() + ")");
        }
        return Optional.empty();
    }

    @Override
    public void close() {
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).close();
            } catch (Exception e) {
                // Keep closing the rest; the data folder goes either way.
            }
        }
        started.clear();
        deleteRecursively(dataDir);
    }

    private static void deleteRecursively(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            // A leftover temp folder is harmless; say nothing louder than this.
        }
    }
}
