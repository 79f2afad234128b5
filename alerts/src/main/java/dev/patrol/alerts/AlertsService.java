package dev.patrol.alerts;

import dev.patrol.alerts.delivery.AlertGroup;
import dev.patrol.alerts.delivery.Backoff;
import dev.patrol.alerts.delivery.DeliveryLane;
import dev.patrol.alerts.delivery.GroupStore;
import dev.patrol.alerts.delivery.Grouper;
import dev.patrol.alerts.delivery.LaneOffsets;
import dev.patrol.alerts.delivery.Parking;
import dev.patrol.alerts.metrics.AlertsMetrics;
import dev.patrol.alerts.sink.Alert;
import dev.patrol.alerts.sink.AlertSink;
import dev.patrol.alerts.sink.Delivery;
import dev.patrol.alerts.sink.ConsoleSink;
import dev.patrol.alerts.sink.FindingPrinter;
import dev.patrol.alerts.sink.Links;
import dev.patrol.alerts.sink.OcsfTopicSink;
import dev.patrol.alerts.sink.PagerDutySink;
import dev.patrol.alerts.sink.SlackSink;
import dev.patrol.alerts.sink.TeamsSink;
import dev.patrol.alerts.sink.WebhookSink;
import dev.patrol.model.config.AlertsSettings;
import dev.patrol.alerts.response.ResponseService;
import dev.patrol.alerts.response.ResponseSink;
import dev.patrol.model.config.AlertsSettings.Route;
import dev.patrol.model.event.ResponseAction;
import dev.patrol.model.config.PatrolConfig;
import dev.patrol.model.topic.Owner;
import dev.patrol.model.topic.Topic;
import dev.patrol.model.topic.TopicCreator;
import dev.patrol.model.topic.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintStream;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers findings to every configured sink: the terminal, generic webhooks, Slack, Teams, PagerDuty and the OCSF
 * topic.
 *
 * <p>Each sink gets a {@link DeliveryLane}: its own thread and consumer group ({@code <alerts.consumerGroup>.<sink>})
 * on the findings topic, its route (severity, rules, organizations) and its retries, so a sink that is down is
 * retried with backoff while the others go on, and its committed offset is its retry state across restarts (see
 * {@link DeliveryLane} for the guarantee). Slack, Teams and PagerDuty are grouped ({@link Grouper}, state in
 * {@link GroupStore#TOPIC}); the terminal, webhooks and the OCSF topic get every finding. {@link LaneOffsets} keeps
 * {@code alerts.consumerGroup} itself at the offsets every sink has passed.
 *
 * <p>Start-up order: topics, the shared producer, group state, the lanes' starting offsets, the lanes, then the
 * mark. Shutdown: lanes stop (each finishes the attempt in flight and commits what is done), the mark moves a last
 * time, then the producer and admin close.
 */
public final class AlertsService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AlertsService.class);
    private static final Duration MARK_INTERVAL = Duration.ofSeconds(5);
    private static final Duration ADMIN_CLOSE = Duration.ofSeconds(5);

    private final PatrolConfig config;
    private final AlertsSettings settings;
    private final PrintStream out;
    private final Clock clock;
    private final AlertsMetrics metrics;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final List<DeliveryLane> lanes = new ArrayList<>();
    private final List<AlertSink> sinks = new java.util.concurrent.CopyOnWriteArrayList<>();
    private Admin admin;
    private KafkaProducer<byte[], byte[]> producer;
    private LaneOffsets offsets;
    private ScheduledExecutorService marker;
    private DeliveryLane console;
    private final Optional<ResponseService> response;

    public AlertsService(PatrolConfig config, PrintStream out) {
        this(config, out, Clock.systemUTC());
    }

    /** {@code clock} drives grouping windows, signature timestamps and dead-letter times. */
    public AlertsService(PatrolConfig config, PrintStream out, Clock clock) {
        // Meters kept but not served: callers that want them scraped pass their registry.
        this(config, out, clock, new SimpleMeterRegistry());
    }

    /** {@code registry} receives the deliveries, delivery latency, parked alerts and revocations meters. */
    public AlertsService(PatrolConfig config, PrintStream out, Clock clock, MeterRegistry registry) {
        this.config = config;
        this.settings = config.alerts();
        this.out = out;
        this.clock = clock;
        this.metrics = new AlertsMetrics(registry);
        // Loads and checks the revocation policy now, so a bad policy stops the start with its message.
        this.response = config.response().enabled()
                ? Optional.of(new ResponseService(config, this::followUp)) : Optional.empty();
    }

    /** Outcomes people should hear about on the alert they saw. */
    private static final Set<ResponseAction.Status> FOLLOW_UP = Set.of(ResponseAction.Status.APPROVED,
            ResponseAction.Status.DENIED, ResponseAction.Status.REVOKED, ResponseAction.Status.FAILED,
            ResponseAction.Status.VERIFIED);

    /**
     * What the playbook did, as it happens: logged, and sent again to the people-facing sinks (Slack, Teams,
     * PagerDuty) about the same finding, so the alert's reader sees the outcome. The finding id is the dedup key:
     * PagerDuty updates its incident; Slack and Teams incoming webhooks cannot reply in a thread, so a new message
     * names the finding. One attempt each: a follow-up that fails is logged, the outcome stays in the actions topic.
     */
    private void followUp(ResponseAction action) {
        LOG.info("response action kind={} status={} findingId={} decidedBy={}", action.kind(), action.status(),
                action.findingId(), action.decidedBy());
        metrics.responseAction(action);
        boolean automaticApproval = action.status() == ResponseAction.Status.APPROVED
                && ResponseService.POLICY.equals(action.decidedBy());
        if (action.kind() != ResponseAction.Kind.REVOKE_TOKEN || !FOLLOW_UP.contains(action.status()) || automaticApproval) {
            return;
        }
        response.flatMap(playbook -> playbook.recentFinding(action.findingId())).ifPresent(finding -> {
            for (AlertSink sink : List.copyOf(sinks)) {
                if (!(sink instanceof SlackSink || sink instanceof TeamsSink || sink instanceof PagerDutySink)) {
                    continue;
                }
                try {
                    Delivery delivery = sink.deliver(Alert.of(finding));
                    if (delivery.outcome() != Delivery.Outcome.DELIVERED) {
                        LOG.warn("follow-up not delivered sink={} findingId={} outcome={}", sink.name(), finding.id(),
                                delivery.outcome());
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        });
    }

    /**
     * Creates the topics alerts owns, waits for the findings topic, and starts one lane per configured sink.
     *
     * @throws IllegalStateException when Kafka or the findings topic is not there; whatever was started is closed
     */
    public AlertsService start() {
        try {
            startLanes();
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        return this;
    }

    private void startLanes() {
        String prefix = config.kafka().topicPrefix();
        String findings = prefix + Topics.FINDINGS.name();
        admin = Admin.create(config.kafka().clientConfig());
        List<Topic<?, ?>> owned = new ArrayList<>(Topics.ownedBy(Owner.ALERTS));
        owned.add(GroupStore.TOPIC);
        TopicCreator.ensure(admin, owned, prefix);
        if (!TopicCreator.awaitExisting(admin, List.of(findings), Duration.ofMinutes(5))) {
            throw new IllegalStateException("topic " + findings + " does not exist after 5 minutes; start streams first");
        }
        producer = new KafkaProducer<>(producerConfig());
        response.ifPresent(ResponseService::start);

        List<Lane> configured = configuredLanes(prefix);
        boolean anyGrouped = configured.stream().anyMatch(Lane::grouped);
        Map<String, AlertGroup> groups = anyGrouped
                ? GroupStore.load(config.kafka().clientConfig(), prefix + GroupStore.TOPIC.name()) : Map.of();
        GroupStore store = new GroupStore(producer, prefix + GroupStore.TOPIC.name());
        forgetGroupsOfRemovedSinks(configured, groups.values(), store);
        Parking parking = new Parking(producer, prefix + Topics.DEAD_LETTERS.name(), clock);
        Backoff backoff = new Backoff(settings.retry().initialBackoff(), settings.retry().maxBackoff());
        List<String> laneGroups = new ArrayList<>();
        for (Lane lane : configured) {
            sinks.add(lane.sink());
            Optional<Grouper> grouper = lane.grouped()
                    ? Optional.of(new Grouper(lane.sink().name(), settings.groupWindow(), groups.values()))
                    : Optional.empty();
            DeliveryLane deliveryLane = new DeliveryLane(lane.sink(), lane.route(), grouper,
                    grouper.map(g -> store), backoff, settings.retry().giveUpAfter(),
                    consumerConfig(lane.sink().name()), findings, parking, lane.sink() instanceof ConsoleSink, clock,
                    metrics);
            lanes.add(deliveryLane);
            laneGroups.add(groupOf(lane.sink().name()));
            if (lane.sink() instanceof ConsoleSink) {
                console = deliveryLane;
            }
            LOG.info("sink configured sink={} target={} minSeverity={} rules={} organizations={} grouped={} openGroups={}",
                    lane.sink().name(), lane.sink().target(), lane.route().minSeverity(), lane.route().rules(),
                    lane.route().organizations(), lane.grouped(), grouper.map(Grouper::size).orElse(0));
        }

        offsets = new LaneOffsets(admin, settings.consumerGroup(), laneGroups, findings);
        offsets.initialiseNewLanes();
        lanes.forEach(DeliveryLane::start);
        marker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "patrol-alerts-mark");
            t.setDaemon(true);
            return t;
        });
        marker.scheduleWithFixedDelay(offsets::advanceMain, MARK_INTERVAL.toMillis(), MARK_INTERVAL.toMillis(),
                TimeUnit.MILLISECONDS);
        LOG.info("alerts started sinks={} groupWindow={}", lanes.stream().map(DeliveryLane::name).toList(),
                settings.groupWindow());
    }

    /** Groups of a sink no longer configured (or no longer grouped) would otherwise stay in the topic for good. */
    private static void forgetGroupsOfRemovedSinks(List<Lane> configured, Collection<AlertGroup> groups,
                                                   GroupStore store) {
        Set<String> grouped = new HashSet<>();
        configured.stream().filter(Lane::grouped).forEach(lane -> grouped.add(lane.sink().name()));
        for (AlertGroup group : groups) {
            if (!grouped.contains(group.lane())) {
                try {
                    store.delete(group);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while starting", e);
                }
            }
        }
    }

    /** A sink with its route, and whether repeats are grouped for it. */
    private record Lane(AlertSink sink, Route route, boolean grouped) {
    }

    /**
     * The sinks this configuration turns on. People read Slack, Teams and PagerDuty, so repeats are grouped there;
     * machines read the terminal, webhooks and the OCSF topic, and get every finding.
     */
    private List<Lane> configuredLanes(String prefix) {
        // Chat alerts show what the playbook decided or offers (asking it is idempotent: every lane gets the same).
        Links links = new Links(settings.consoleBaseUrl(), finding -> response.flatMap(playbook -> {
            try {
                var note = playbook.onFinding(finding);
                return note.text().isEmpty() ? Optional.empty()
                        : Optional.of(new Links.ResponseLine(note.text(), note.approvalUrl()));
            } catch (RuntimeException e) {
                return Optional.empty(); // the alert goes out without it rather than not at all
            }
        }));
        Duration timeout = settings.requestTimeout();
        boolean group = !settings.groupWindow().isZero();
        List<Lane> configured = new ArrayList<>();
        configured.add(new Lane(new ConsoleSink(new FindingPrinter(out), settings.printFindings()), settings.console(),
                false));
        for (URI url : settings.webhooks().stream().distinct().toList()) {
            configured.add(new Lane(new WebhookSink(url, settings.webhook().signingKey(), timeout, clock),
                    settings.webhook().route(), false));
        }
        settings.slack().webhookUrl().ifPresent(url ->
                configured.add(new Lane(new SlackSink(url, links, timeout), settings.slack().route(), group)));
        settings.teams().webhookUrl().ifPresent(url ->
                configured.add(new Lane(new TeamsSink(url, links, timeout), settings.teams().route(), group)));
        settings.pagerDuty().routingKey().ifPresent(key -> configured.add(new Lane(
                new PagerDutySink(settings.pagerDuty().eventsUrl(), key, links, timeout), settings.pagerDuty().route(),
                group)));
        response.ifPresent(playbook -> configured.add(new Lane(new ResponseSink(playbook), Route.all(), false)));
        if (settings.ocsf().enabled()) {
            configured.add(new Lane(new OcsfTopicSink(producer, prefix + Topics.FINDINGS_OCSF.name(), links, timeout),
                    settings.ocsf().route(), false));
        }
        return configured;
    }

    private String groupOf(String sinkName) {
        return settings.consumerGroup() + "." + sinkName;
    }

    private Map<String, Object> consumerConfig(String sinkName) {
        Map<String, Object> props = new HashMap<>(config.kafka().clientConfig());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, groupOf(sinkName));
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "patrol-alerts-" + sinkName);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // Findings come from an exactly-once topology; aborted attempts must never be alerted on.
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // Few records per poll: each may take a request timeout, and the lane must poll again within
        // max.poll.interval.ms to stay in its group.
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        return props;
    }

    private Map<String, Object> producerConfig() {
        Map<String, Object> props = new HashMap<>(config.kafka().clientConfig());
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "patrol-alerts");
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return props;
    }

    /** Distinct findings this instance has received since it started (what the console lane handled). */
    public long findingsHandled() {
        return console == null ? 0 : console.delivered();
    }

    public boolean awaitStop(Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        // Stop every lane first, then wait: they wind down in parallel, each finishing its attempt in flight.
        lanes.forEach(DeliveryLane::stop);
        lanes.forEach(DeliveryLane::close);
        response.ifPresent(ResponseService::close);
        // The final move of the mark runs here even when the stopping thread was interrupted (Ctrl-C paths do):
        // the flag is set aside for the few admin calls and put back afterwards.
        boolean interrupted = Thread.interrupted();
        try {
            if (marker != null) {
                marker.shutdownNow();
                marker.awaitTermination(ADMIN_CLOSE.toMillis(), TimeUnit.MILLISECONDS);
            }
            if (offsets != null) {
                offsets.advanceMain();
            }
        } catch (InterruptedException e) {
            interrupted = true;
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        sinks.forEach(AlertSink::close);
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
        if (admin != null) {
            admin.close(ADMIN_CLOSE);
        }
        stopped.countDown();
        LOG.info("alerts stopped");
    }
}
