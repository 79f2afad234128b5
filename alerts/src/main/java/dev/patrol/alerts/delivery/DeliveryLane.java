package dev.patrol.alerts.delivery;

import dev.patrol.alerts.metrics.AlertsMetrics;
import dev.patrol.alerts.metrics.AlertsMetrics.ParkReason;
import dev.patrol.alerts.sink.Alert;
import dev.patrol.alerts.sink.AlertSink;
import dev.patrol.alerts.sink.Delivery;
import dev.patrol.model.config.AlertsSettings.Route;
import dev.patrol.model.event.Finding;
import dev.patrol.model.json.Json;
import dev.patrol.model.topic.Topics;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers the findings topic to one sink, on its own thread, in its own consumer group
 * ({@code <alerts.consumerGroup>.<sink>}). This is the whole delivery guarantee:
 *
 * <ul>
 *   <li><b>At least once, nothing lost across restarts.</b> The lane commits a finding's offset only after the
 *       sink took it, parked it, or (grouped sinks) counted it in stored group state. A restart resumes at the first
 *       finding not done, so a finding being retried when the service stopped is delivered by the next one.</li>
 *   <li><b>One sink down does not hold up the others.</b> Each sink has its own consumer group, so its committed
 *       offset <em>is</em> its retry state, kept by Kafka. A failing sink is retried with backoff
 *       ({@link Backoff}) on its own lane while the other lanes move on; its lane keeps polling (partitions paused)
 *       so the group keeps it as a member.</li>
 *   <li><b>Idempotency.</b> The finding id is the dedup key each sink passes on (header, {@code dedup_key}, record
 *       key). A sink is retried only while it has not said yes, and the offset is committed right after it does,
 *       so a repeat needs a crash in that gap; a receiver drops it by id.</li>
 *   <li><b>Parking.</b> A 4xx-style refusal, or failure for longer than {@code giveUpAfter}, sends the alert to the
 *       dead-letter topic ({@link Parking}) and the lane moves on.</li>
 * </ul>
 *
 * <p>With a {@link Grouper} the lane sends the first finding of a group, counts repeats in group state it stores
 * before committing ({@link GroupStore}), and sends an update when a window ends.
 */
public final class DeliveryLane implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryLane.class);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration COMMIT_TIMEOUT = Duration.ofSeconds(10);
    /** A retry is logged on its first failure and then every this many, not on each attempt. */
    private static final int LOG_EVERY = 10;

    /** How handling one record ended. */
    private enum Handled {
        /** Nothing left the service: commit with the batch. */
        DONE,
        /** Something was delivered, parked or stored: commit now, to keep the window for a repeat small. */
        DONE_AND_COMMIT,
        /** Closing, or the partition moved: do not commit; it is redelivered. */
        ABANDONED
    }

    private enum Sent { DELIVERED, PARKED, ABANDONED }

    private final AlertSink sink;
    private final Route route;
    private final Optional<Grouper> grouper;
    private final Optional<GroupStore> store;
    private final Backoff backoff;
    private final Duration giveUpAfter;
    private final Map<String, Object> consumerConfig;
    private final String topic;
    private final Parking parking;
    private final boolean reportsBadRecords;
    private final Clock clock;
    private final AlertsMetrics metrics;

    private final AtomicLong delivered = new AtomicLong();
    private final CountDownLatch closing = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);
    /** Done but not yet committed, per partition; committed on revocation too. */
    private final Map<TopicPartition, OffsetAndMetadata> pendingCommits = new HashMap<>();
    /** Partitions revoked since the current batch was polled: their remaining records are not ours to finish. */
    private final Set<TopicPartition> revokedSinceBatch = new HashSet<>();
    private volatile boolean running = true;
    private KafkaConsumer<byte[], byte[]> consumer;
    private Thread thread;

    /**
     * @param consumerConfig    complete consumer settings, group id included
     * @param topic             the (prefixed) findings topic
     * @param grouper           present for grouped sinks, with {@code store} to keep its state
     * @param reportsBadRecords whether this lane writes a dead letter for an unparseable record (one lane does, so
     *                          a bad record is recorded once, not once per sink)
     * @param metrics           deliveries, retries, parked alerts and latency of this lane
     */
    public DeliveryLane(AlertSink sink, Route route, Optional<Grouper> grouper, Optional<GroupStore> store,
                        Backoff backoff, Duration giveUpAfter, Map<String, Object> consumerConfig, String topic,
                        Parking parking, boolean reportsBadRecords, Clock clock, AlertsMetrics metrics) {
        this.sink = Objects.requireNonNull(sink, "sink");
        this.route = Objects.requireNonNull(route, "route");
        this.grouper = grouper;
        this.store = store;
        if (grouper.isPresent() != store.isPresent()) {
            throw new IllegalArgumentException("a grouped lane needs a group store, and only a grouped lane has one");
        }
        this.backoff = backoff;
        this.giveUpAfter = giveUpAfter;
        this.consumerConfig = Map.copyOf(consumerConfig);
        this.topic = topic;
        this.parking = parking;
        this.reportsBadRecords = reportsBadRecords;
        this.clock = clock;
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        metrics.sinkConfigured(sink.name());
    }

    public String name() {
        return sink.name();
    }

    public boolean grouped() {
        return grouper.isPresent();
    }

    /** Alerts the sink took since this lane started (for the console lane: findings printed). */
    public long delivered() {
        return delivered.get();
    }

    public DeliveryLane start() {
        thread = new Thread(this::run, "patrol-alerts-" + sink.name());
        thread.start();
        return this;
    }

    /** Kafka client meters of the current consumer; rebound whenever the consumer is rebuilt. */
    private AutoCloseable clientMetrics;

    /** Runs the lane; if the consumer fails unexpectedly it is rebuilt after a backoff, the lane does not die. */
    private void run() {
        int failures = 0;
        try {
            while (running) {
                try {
                    consumer = new KafkaConsumer<>(consumerConfig);
                    clientMetrics = metrics.bindClient(consumer);
                    consumer.subscribe(List.of(topic), new Listener());
                    consume();
                    failures = 0;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                } catch (RuntimeException e) {
                    failures++;
                    LOG.error("delivery lane failed; rebuilding its consumer sink={} failures={}", sink.name(), failures, e);
                } finally {
                    closeConsumer();
                }
                if (running && failures > 0) {
                    closing.await(backoff.delay(failures, Optional.empty(), ThreadLocalRandom.current().nextDouble())
                            .toMillis(), TimeUnit.MILLISECONDS);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            stopped.countDown();
        }
    }

    private void consume() throws InterruptedException {
        while (running) {
            ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
            // Cleared after the poll, not before: a rebalance inside this poll revoked partitions (with the eager
            // assignor, all of them) and assigned them again before it returned, so what it returned belongs to the
            // new assignment and is ours to deliver. Counting those partitions as revoked dropped the whole batch,
            // and the next commit on the partition went past it: findings lost (up to max.poll.records a rebalance).
            revokedSinceBatch.clear();
            for (TopicPartition partition : records.partitions()) {
                for (ConsumerRecord<byte[], byte[]> record : records.records(partition)) {
                    if (!running || revokedSinceBatch.contains(partition)) {
                        break;
                    }
                    Handled handled = handle(record, partition);
                    if (handled == Handled.ABANDONED) {
                        if (consumer.assignment().contains(partition) && !revokedSinceBatch.contains(partition)) {
                            consumer.seek(partition, record.offset());
                        }
                        break;
                    }
                    pendingCommits.put(partition, new OffsetAndMetadata(record.offset() + 1));
                    if (handled == Handled.DONE_AND_COMMIT) {
                        commit();
                    }
                }
            }
            commit();
            flushDueUpdates();
        }
    }

    private Handled handle(ConsumerRecord<byte[], byte[]> record, TopicPartition partition) throws InterruptedException {
        Parking.Coordinates at = new Parking.Coordinates(record.topic(), record.partition(), record.offset());
        Finding finding;
        try {
            finding = Topics.FINDINGS.valueSerde().deserializer().deserialize(record.topic(), record.value());
        } catch (RuntimeException e) {
            if (reportsBadRecords) {
                parking.badRecord(at, record.value(), e.getClass().getSimpleName());
                metrics.parked(sink.name(), ParkReason.BAD_RECORD);
                return Handled.DONE_AND_COMMIT;
            }
            return Handled.DONE;
        }
        if (finding == null || !route.accepts(finding)) {
            return Handled.DONE;
        }
        if (grouper.isEmpty()) {
            return send(Alert.of(finding), at, record.value(), partition) == Sent.ABANDONED
                    ? Handled.ABANDONED : Handled.DONE_AND_COMMIT;
        }
        Grouper.Step step = grouper.get().onFinding(finding, clock.instant());
        if (step instanceof Grouper.Send s) {
            if (send(s.alert(), at, record.value(), partition) == Sent.ABANDONED) {
                return Handled.ABANDONED;
            }
            remember(s.next());
            return Handled.DONE_AND_COMMIT;
        }
        if (step instanceof Grouper.Count c) {
            LOG.debug("finding counted in its group sink={} findingId={} pending={}", sink.name(), finding.id(),
                    c.next().pending());
            remember(c.next());
            return Handled.DONE_AND_COMMIT;
        }
        return Handled.DONE;
    }

    /** Sends the updates of groups whose window has ended, and forgets quiet groups. */
    private void flushDueUpdates() throws InterruptedException {
        if (grouper.isEmpty()) {
            return;
        }
        for (Grouper.Due due : grouper.get().due(clock.instant())) {
            if (!running) {
                return;
            }
            if (due instanceof Grouper.Close c) {
                store.orElseThrow().delete(c.group());
                grouper.get().remove(c.group());
            } else if (due instanceof Grouper.Flush f) {
                Parking.Coordinates at = new Parking.Coordinates(topic, -1, -1);
                if (send(f.alert(), at, json(f.alert().finding()), null) == Sent.ABANDONED) {
                    return;
                }
                remember(f.next());
            }
        }
    }

    private void remember(AlertGroup next) throws InterruptedException {
        store.orElseThrow().save(next);
        grouper.orElseThrow().apply(next);
    }

    /**
     * Delivers until the sink takes the alert or refuses it, or the lane must let go (closing, or
     * {@code partition} moved to another instance; null for updates, which belong to no partition).
     */
    private Sent send(Alert alert, Parking.Coordinates at, byte[] payload, TopicPartition partition)
            throws InterruptedException {
        Instant firstFailure = null;
        int failures = 0;
        while (running) {
            Delivery delivery = sink.deliver(alert);
            switch (delivery.outcome()) {
                case DELIVERED -> {
                    delivered.incrementAndGet();
                    // Group updates (no partition) are sent when a window ends: their age is the window, not delay.
                    if (partition == null) {
                        metrics.updateDelivered(sink.name());
                    } else {
                        metrics.delivered(sink.name(), alert.finding().detectedAt(), clock.instant());
                    }
                    if (failures > 0) {
                        LOG.info("sink took the alert after retries sink={} findingId={} attempts={}", sink.name(),
                                alert.finding().id(), failures + 1);
                    }
                    return Sent.DELIVERED;
                }
                case REJECTED -> {
                    parking.park(sink.name(), alert, at, payload, "refused by " + sink.name() + ": " + delivery.detail());
                    metrics.parked(sink.name(), ParkReason.REJECTED);
                    return Sent.PARKED;
                }
                case RETRY -> {
                    failures++;
                    metrics.retried(sink.name());
                    Instant now = clock.instant();
                    if (firstFailure == null) {
                        firstFailure = now;
                    }
                    if (Duration.between(firstFailure, now).compareTo(giveUpAfter) >= 0) {
                        parking.park(sink.name(), alert, at, payload, "gave up after " + giveUpAfter + " of failures, last: "
                                + delivery.detail());
                        metrics.parked(sink.name(), ParkReason.GAVE_UP);
                        return Sent.PARKED;
                    }
                    Duration wait = backoff.delay(failures, delivery.retryAfter(), ThreadLocalRandom.current().nextDouble());
                    if (failures == 1 || failures % LOG_EVERY == 0) {
                        LOG.warn("sink unavailable; retrying sink={} findingId={} attempt={} detail={} retryInMillis={}",
                                sink.name(), alert.finding().id(), failures, delivery.detail(), wait.toMillis());
                    }
                    if (!pauseFor(wait, partition)) {
                        return Sent.ABANDONED;
                    }
                }
            }
        }
        return Sent.ABANDONED;
    }

    /**
     * Waits while staying in the group: every partition paused, polling in short steps (which returns nothing, but
     * counts as the lane being alive). A partition assigned meanwhile is paused too and anything fetched from it put
     * back. False when the lane must let go of the alert.
     */
    private boolean pauseFor(Duration wait, TopicPartition partition) {
        long deadline = System.nanoTime() + wait.toNanos();
        consumer.pause(consumer.assignment());
        try {
            while (running) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return true;
                }
                ConsumerRecords<byte[], byte[]> fetched = consumer.poll(Duration.ofNanos(Math.min(left, POLL.toNanos())));
                for (TopicPartition p : fetched.partitions()) {
                    consumer.seek(p, fetched.records(p).get(0).offset());
                }
                consumer.pause(consumer.assignment());
                if (partition != null && revokedSinceBatch.contains(partition)) {
                    return false;
                }
            }
            return false;
        } finally {
            consumer.resume(consumer.assignment());
        }
    }

    private void commit() {
        pendingCommits.keySet().retainAll(consumer.assignment());
        if (pendingCommits.isEmpty()) {
            return;
        }
        try {
            // Bounded: the default (default.api.timeout.ms, 60 s) would hold a shutdown that long.
            consumer.commitSync(pendingCommits, COMMIT_TIMEOUT);
        } catch (CommitFailedException | RebalanceInProgressException e) {
            // The partitions moved; whoever has them now resumes from the last commit (a repeat, not a loss).
            LOG.warn("commit refused after a rebalance sink={} error={}", sink.name(), e.getClass().getSimpleName());
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            // The next commit carries a later offset; if none comes, a restart repeats these alerts (same dedup key).
            LOG.warn("commit timed out sink={} timeout={}", sink.name(), COMMIT_TIMEOUT);
        }
        pendingCommits.clear();
    }

    private void closeConsumer() {
        if (clientMetrics != null) {
            try {
                clientMetrics.close();
            } catch (Exception e) {
                // meters of a consumer that is going away: nothing to do about a failure here
            }
            clientMetrics = null;
        }
        if (consumer == null) {
            return;
        }
        try {
            commit();
        } catch (KafkaException e) {
            LOG.warn("final commit failed sink={} error={}", sink.name(), e.getClass().getSimpleName());
        }
        try {
            consumer.close(CloseOptions.timeout(CLOSE_TIMEOUT));
        } catch (KafkaException e) {
            LOG.warn("consumer did not close cleanly sink={} error={}", sink.name(), e.getClass().getSimpleName());
        }
        consumer = null;
    }

    private static byte[] json(Finding finding) {
        try {
            return Json.mapper().writeValueAsBytes(finding);
        } catch (IOException e) {
            throw new IllegalStateException("a Finding always serializes", e);
        }
    }

    /** Asks the lane to stop; it finishes the attempt in flight (bounded by the request timeout) first. */
    public void stop() {
        running = false;
        closing.countDown();
    }

    public boolean awaitStop(Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        stop();
        if (thread != null) {
            try {
                thread.join(Duration.ofSeconds(30).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Commits what is done on partitions about to leave, and tells the batch loop not to finish them. */
    private final class Listener implements ConsumerRebalanceListener {

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            Map<TopicPartition, OffsetAndMetadata> leaving = new HashMap<>();
            partitions.forEach(p -> {
                OffsetAndMetadata offset = pendingCommits.remove(p);
                if (offset != null) {
                    leaving.put(p, offset);
                }
            });
            if (!leaving.isEmpty()) {
                try {
                    consumer.commitSync(leaving);
                } catch (KafkaException e) {
                    LOG.warn("commit on revocation failed sink={} error={}", sink.name(), e.getClass().getSimpleName());
                }
            }
            revokedSinceBatch.addAll(partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            // Positions come from the committed offsets; logged because a rebalance is where deliveries go wrong.
            LOG.info("partitions assigned sink={} partitions={}", sink.name(),
                    partitions.stream().map(TopicPartition::partition).sorted().toList());
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            partitions.forEach(pendingCommits::remove);
            revokedSinceBatch.addAll(partitions);
        }
    }
}
