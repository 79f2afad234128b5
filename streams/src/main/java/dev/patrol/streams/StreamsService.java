package dev.patrol.streams;

import dev.patrol.model.config.PatrolConfig;
import dev.patrol.model.topic.Owner;
import dev.patrol.model.topic.TopicCreator;
import dev.patrol.model.topic.Topics;
import dev.patrol.streams.errors.DeadLetterExceptionHandler;
import dev.patrol.streams.metrics.StreamsMetrics;
import dev.patrol.streams.rules.RuleBook;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the detection topology: loads nothing itself, builds from config, starts, and closes with a timeout.
 * Production defaults: {@code exactly_once_v2}, dead letters for records that cannot be read or evaluated, and a
 * bounded number of stream-thread replacements before the client shuts down rather than crash-looping.
 */
public final class StreamsService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StreamsService.class);
    static final int MAX_THREAD_REPLACEMENTS = 3;
    static final Duration REPLACEMENT_WINDOW = Duration.ofMinutes(10);

    private final PatrolConfig config;
    private final Clock clock;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Deque<Instant> replacements = new ArrayDeque<>();
    private KafkaStreams streams;
    private Enrichment enrichment;

    private final MeterRegistry registry;
    private KafkaStreamsMetrics streamsMetrics;

    /** With meters kept in a registry of its own (tests, the demo without a metrics endpoint). */
    public StreamsService(PatrolConfig config, Clock clock) {
        this(config, clock, new SimpleMeterRegistry());
    }

    public StreamsService(PatrolConfig config, Clock clock, MeterRegistry registry) {
        this.config = config.requireForStreams();
        this.clock = clock;
        this.registry = registry;
    }

    public StreamsService start() {
        String prefix = config.kafka().topicPrefix();
        // Rules and GeoIP data first: a mistake there should stop the start before anything touches Kafka.
        RuleBook rules = RuleBook.load(config.streams().rulesFile());
        enrichment = Enrichment.open(config);
        var metrics = new StreamsMetrics(registry);
        enrichment.bindMetrics(metrics);
        var topology = DetectionTopology.build(new DetectionTopology.Settings(enrichment.enricher(), rules, prefix, clock,
                metrics));
        try (Admin admin = Admin.create(config.kafka().clientConfig())) {
            TopicCreator.ensure(admin, Topics.ownedBy(Owner.STREAMS), prefix);
            List<String> sources = List.of(prefix + Topics.AUDIT.name(), prefix + Topics.TOKENS.name(),
                    prefix + Topics.USERS.name());
            if (!TopicCreator.awaitExisting(admin, sources, Duration.ofMinutes(5))) {
                throw new IllegalStateException("source topics " + sources + " do not exist after 5 minutes; start ingest first");
            }
        }
        Properties props = properties(config);
        props.put(DeadLetterExceptionHandler.METER_REGISTRY_CONFIG, registry);
        metrics.registerDeadLetters(List.of(prefix + Topics.AUDIT.name(), prefix + Topics.TOKENS.name(),
                prefix + Topics.USERS.name()));
        streams = new KafkaStreams(topology, props);
        streams.setUncaughtExceptionHandler(this::onUncaughtException);
        streamsMetrics = new KafkaStreamsMetrics(streams);
        streamsMetrics.bindTo(registry);
        streams.setStateListener((next, previous) -> {
            LOG.info("streams state {} -> {}", previous, next);
            if (next == KafkaStreams.State.NOT_RUNNING || next == KafkaStreams.State.ERROR) {
                stopped.countDown();
            }
        });
        LOG.info("streams starting applicationId={} corporateNetworks={} rules={}", config.streams().applicationId(),
                config.network().corporateCidrs(), rules.all().stream().filter(r -> r.enabled()).map(r -> r.id()).toList());
        streams.start();
        return this;
    }

    static Properties properties(PatrolConfig config) {
        Properties props = new Properties();
        // Findings should reach people quickly: exactly-once's default of 100 ms is kept explicit for that reason. It
        // is a default, not a rule: an operator may trade latency for catch-up throughput with commit.interval.ms in
        // kafka.properties (or KAFKA_COMMIT_INTERVAL_MS), as with any other Streams setting below the fixed ones.
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        props.putAll(config.kafka().clientConfig());
        // Fixed: the guarantee the detections are written for, and where state and names live.
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, config.streams().applicationId());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.STATE_DIR_CONFIG, config.streams().stateDir().toAbsolutePath().toString());
        props.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, true);
        props.putAll(DeadLetterExceptionHandler.properties(config.kafka().topicPrefix() + Topics.DEAD_LETTERS.name()));
        return props;
    }

    private synchronized StreamThreadExceptionResponse onUncaughtException(Throwable error) {
        Instant now = clock.instant();
        while (!replacements.isEmpty() && replacements.peekFirst().isBefore(now.minus(REPLACEMENT_WINDOW))) {
            replacements.removeFirst();
        }
        if (replacements.size() >= MAX_THREAD_REPLACEMENTS) {
            LOG.error("stream thread failed {} times within {}; shutting down streams", replacements.size() + 1,
                    REPLACEMENT_WINDOW, error);
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        }
        replacements.addLast(now);
        LOG.error("stream thread failed; replacing it ({} of {} allowed within {})", replacements.size(),
                MAX_THREAD_REPLACEMENTS, REPLACEMENT_WINDOW, error);
        return StreamThreadExceptionResponse.REPLACE_THREAD;
    }

    /** Waits until streams stopped (closed or failed). */
    public boolean awaitStop(Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public KafkaStreams.State state() {
        return streams == null ? KafkaStreams.State.CREATED : streams.state();
    }

    @Override
    public void close() {
        if (streams != null) {
            streams.close(Duration.ofSeconds(30));
        }
        if (streamsMetrics != null) {
            streamsMetrics.close();
        }
        if (enrichment != null) {
            enrichment.close();
        }
        stopped.countDown();
    }
}
