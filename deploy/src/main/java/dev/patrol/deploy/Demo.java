package dev.patrol.deploy;

import dev.patrol.alerts.AlertsService;
import dev.patrol.ingest.IngestService;
import dev.patrol.kafka.embedded.EmbeddedKafkaBroker;
import dev.patrol.model.config.PatrolConfig;
import dev.patrol.simulator.AdoSimulator;
import dev.patrol.simulator.SimulatorConfig;
import dev.patrol.streams.StreamsService;
import io.micrometer.core.instrument.MeterRegistry;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
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

    private Demo(Options options, PrintStream out, MeterRegistry registry) throws IOException {
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
            ingest = new IngestService(config, Clock.systemUTC(), registry).start();
            started.add(ingest);
            streams = new StreamsService(config, Clock.systemUTC(), registry).start();
            started.add(streams);
            alerts = new AlertsService(config, out, Clock.systemUTC(), registry).start();
            started.add(alerts);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    static Demo start(Options options, PrintStream out, MeterRegistry registry) throws IOException {
        return new Demo(options, out, registry);
    }

    /**
     * The configuration the demo's services run with: the simulator stands where ADO would. Built through the same
     * loader and environment overrides an operator uses, so the demo exercises the real configuration path.
     */
    static PatrolConfig configFor(AdoSimulator simulator, String bootstrapServers, Path dataDir, Options options) {
        return configFor(simulator, bootstrapServers, dataDir, options, Map.of());
    }

    /** The same, with environment variables that override or add to the demo's (tests: secrets, audit streams). */
    static PatrolConfig configFor(AdoSimulator simulator, String bootstrapServers, Path dataDir, Options options,
                                  Map<String, String> overrides) {
        var org = simulator.org();
        var simulatorConfig = SimulatorConfig.defaults();
        Map<String, String> env = new HashMap<>();
        env.put("PATROL_ORGANIZATION", org.organization());
        env.put("PATROL_ADO_AUDIT_BASE_URL", simulator.baseUrl().toString());
        env.put("PATROL_ADO_VSSPS_BASE_URL", simulator.baseUrl().toString());
        env.put("PATROL_ADO_REQUEST_TIMEOUT", "10s");
        env.put("ADO_PAT", simulatorConfig.pat());
        env.put("PATROL_INGEST_POLL_INTERVAL", "5s");
        env.put("PATROL_INGEST_BATCH_SIZE", "100");
        env.put("PATROL_INGEST_INVENTORY_INTERVAL", "1m");
        env.put("PATROL_INGEST_INITIAL_LOOKBACK", simulatorConfig.history().plusHours(1).toMinutes() + "m");
        env.put("PATROL_NETWORK_CORPORATE_CIDRS", String.join(",", org.corporateCidrs()));
        env.put("PATROL_STREAMS_APPLICATION_ID", "patrol-demo-streams");
        env.put("PATROL_STREAMS_STATE_DIR", dataDir.resolve("streams-state").toString());
        env.put("PATROL_ALERTS_CONSUMER_GROUP", "patrol-demo-alerts");
        // The terminal shows what needs a person; low findings still reach webhooks and the OCSF topic.
        env.put("PATROL_ALERTS_CONSOLE_MIN_SEVERITY", "medium");
        env.put("PATROL_KAFKA_BOOTSTRAP_SERVERS", bootstrapServers);
        if (!options.topicPrefix().isEmpty()) {
            env.put("PATROL_KAFKA_TOPIC_PREFIX", options.topicPrefix());
        }
        if (!options.webhooks().isEmpty()) {
            env.put("PATROL_ALERTS_WEBHOOKS", options.webhooks().stream().map(URI::toString).collect(Collectors.joining(",")));
        }
        env.putAll(overrides);
        return PatrolConfig.load(Optional.empty(), env);
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
