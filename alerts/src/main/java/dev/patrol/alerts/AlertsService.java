package dev.patrol.alerts;

import dev.patrol.alerts.sink.FindingPrinter;
import dev.patrol.alerts.sink.WebhookSink;
import dev.patrol.model.config.PatrolConfig;
import dev.patrol.model.event.Finding;
import dev.patrol.model.topic.Owner;
import dev.patrol.model.topic.TopicCreator;
import dev.patrol.model.topic.Topics;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers findings: prints one line per finding and POSTs it to every configured webhook.
 *
 * <p>At least once, nothing lost: offsets are committed only after every webhook has the finding (or rejected it
 * with a 4xx, which is logged). A webhook that is down stops progress at the finding it could not take; the
 * consumer seeks back and retries with backoff, so a restart in between redelivers rather than drops. Receivers
 * de-duplicate by the finding id header.
 */
public final class AlertsService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AlertsService.class);
    private static final int ATTEMPTS_PER_POLL = 5;
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    private static final int SEEN_MEMORY = 10_000;

    private final PatrolConfig config;
    private final FindingPrinter printer;
    private final List<WebhookSink> webhooks;
    private final CountDownLatch stopped = new CountDownLatch(1);
    /** Opened by close(): cuts every backoff wait short. */
    private final CountDownLatch closing = new CountDownLatch(1);
    private final java.util.concurrent.atomic.AtomicLong handled = new java.util.concurrent.atomic.AtomicLong();
    /** Ids of recent findings, so a finding retried or redelivered is printed and counted once. */
    private final Map<String, Boolean> seen = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > SEEN_MEMORY;
        }
    };
    private volatile boolean running = true;
    private KafkaConsumer<byte[], byte[]> consumer;
    private Thread worker;

    public AlertsService(PatrolConfig config, PrintStream out) {
        this.config = config;
        this.printer = new FindingPrinter(out);
        this.webhooks = config.alerts().webhooks().stream()
                .map(url -> new WebhookSink(url, Duration.ofSeconds(10))).toList();
    }

    public AlertsService start() {
        String prefix = config.kafka().topicPrefix();
        try (Admin admin = Admin.create(config.kafka().clientConfig())) {
            TopicCreator.ensure(admin, Topics.ownedBy(Owner.ALERTS), prefix);
            String findings = prefix + Topics.FINDINGS.name();
            if (!TopicCreator.awaitExisting(admin, List.of(findings), Duration.ofMinutes(5))) {
                throw new IllegalStateException("topic " + findings + " does not exist after 5 minutes; start streams first");
            }
        }
        Map<String, Object> props = new HashMap<>(config.kafka().clientConfig());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, config.alerts().consumerGroup());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // Findings come from an exactly-once topology; aborted attempts must never be alerted on.
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 100);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        consumer = new KafkaConsumer<>(props);
        consumer.subscribe(List.of(prefix + Topics.FINDINGS.name()));
        LOG.info("alerts started webhooks={} print={}", webhooks.stream().map(WebhookSink::name).toList(),
                config.alerts().printFindings());
        worker = new Thread(this::runLoop, "patrol-alerts");
        worker.start();
        return this;
    }

    private void runLoop() {
        int failedRounds = 0;
        try {
            while (running) {
                var records = consumer.poll(Duration.ofMillis(500));
                Map<TopicPartition, OffsetAndMetadata> done = new HashMap<>();
                boolean blocked = false;
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    TopicPartition partition = new TopicPartition(record.topic(), record.partition());
                    if (blocked) {
                        continue;
                    }
                    if (deliver(record)) {
                        done.put(partition, new OffsetAndMetadata(record.offset() + 1));
                    } else {
                        // Keep order and lose nothing: come back to this record after a pause.
                        blocked = true;
                        for (TopicPartition assigned : consumer.assignment()) {
                            records.records(assigned).stream().findFirst()
                                    .ifPresent(first -> consumer.seek(assigned,
                                            done.containsKey(assigned) ? done.get(assigned).offset() : first.offset()));
                        }
                    }
                }
                if (!done.isEmpty()) {
                    consumer.commitSync(done);
                }
                if (blocked) {
                    failedRounds++;
                    long cap = Math.min(MAX_BACKOFF.toMillis(), 1000L << Math.min(failedRounds, 5));
                    closing.await(ThreadLocalRandom.current().nextLong(cap / 2, cap + 1), TimeUnit.MILLISECONDS);
                } else {
                    failedRounds = 0;
                }
            }
        } catch (WakeupException e) {
            // close() asked us to stop
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.error("alerts stopped on an unexpected error", e);
        } finally {
            consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(5)));
            stopped.countDown();
            LOG.info("alerts stopped");
        }
    }

    /** True when the finding is done with (delivered everywhere or rejected); false to retry it later. */
    private boolean deliver(ConsumerRecord<byte[], byte[]> record) throws InterruptedException {
        Finding finding;
        try {
            finding = Topics.FINDINGS.valueSerde().deserializer().deserialize(record.topic(), record.value());
        } catch (RuntimeException e) {
            LOG.error("finding skipped: cannot deserialize topic={} partition={} offset={} error={}", record.topic(),
                    record.partition(), record.offset(), e.getClass().getSimpleName());
            return true;
        }
        if (finding == null) {
            return true;
        }
        boolean firstTime = seen.put(finding.id(), Boolean.TRUE) == null;
        if (firstTime) {
            handled.incrementAndGet();
            if (config.alerts().printFindings()) {
                printer.print(finding);
            }
        }
        List<WebhookSink> pending = new ArrayList<>(webhooks);
        for (int attempt = 1; attempt <= ATTEMPTS_PER_POLL && !pending.isEmpty() && running; attempt++) {
            var iterator = pending.iterator();
            while (iterator.hasNext()) {
                WebhookSink sink = iterator.next();
                switch (sink.deliver(finding)) {
                    case DELIVERED -> iterator.remove();
                    case REJECTED -> {
                        LOG.error("webhook rejected finding; not retrying sink={} findingId={}", sink.name(), finding.id());
                        iterator.remove();
                    }
                    case RETRY -> LOG.warn("webhook unavailable sink={} findingId={} attempt={}", sink.name(),
                            finding.id(), attempt);
                }
            }
            if (!pending.isEmpty() && attempt < ATTEMPTS_PER_POLL) {
                closing.await(200L * attempt, TimeUnit.MILLISECONDS);
            }
        }
        // A sink that took the finding already will get it again on retry; receivers de-duplicate by id.
        return pending.isEmpty();
    }

    /** Distinct findings this instance has received since it started. */
    public long findingsHandled() {
        return handled.get();
    }

    public boolean awaitStop(Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        running = false;
        closing.countDown();
        if (consumer != null) {
            consumer.wakeup();
        }
        if (worker != null) {
            try {
                worker.join(Duration.ofSeconds(15).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
