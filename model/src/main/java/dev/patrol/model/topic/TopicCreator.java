package dev.patrol.model.topic;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the topics a service owns, from the registry, idempotently: an existing topic is left as it is (its
 * partitions and configs may have been tuned by an operator), a missing one is created with the registry's spec and
 * the broker's default replication factor.
 */
public final class TopicCreator {

    private static final Logger LOG = LoggerFactory.getLogger(TopicCreator.class);
    private static final long ADMIN_TIMEOUT_SECONDS = 30;

    private TopicCreator() {
    }

    /** Ensures each topic exists under {@code prefix + name}; returns the names it created. */
    public static List<String> ensure(Admin admin, List<Topic<?, ?>> topics, String prefix) {
        try {
            Set<String> existing = admin.listTopics().names().get(ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            List<NewTopic> missing = new ArrayList<>();
            for (Topic<?, ?> topic : topics) {
                String name = prefix + topic.name();
                if (!existing.contains(name)) {
                    missing.add(new NewTopic(name, Optional.of(topic.spec().partitions()), Optional.empty())
                            .configs(topic.spec().configs()));
                }
            }
            List<String> created = new ArrayList<>();
            for (NewTopic topic : missing) {
                try {
                    admin.createTopics(List.of(topic)).all().get(ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                    created.add(topic.name());
                    LOG.info("created topic {} partitions={} configs={}", topic.name(), topic.numPartitions(), topic.configs());
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                    // Another service instance created it between our list and create: that is the goal anyway.
                }
            }
            return created;
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot create topics: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("cannot create topics: Kafka did not answer within "
                    + ADMIN_TIMEOUT_SECONDS + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        }
    }

    /**
     * Waits until topics another service owns exist, logging once what it waits for. Returns false on timeout or
     * interruption.
     */
    public static boolean awaitExisting(Admin admin, List<String> names, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        boolean logged = false;
        while (Instant.now().isBefore(deadline)) {
            try {
                Set<String> existing = admin.listTopics().names().get(ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                List<String> missing = names.stream().filter(n -> !existing.contains(n)).toList();
                if (missing.isEmpty()) {
                    return true;
                }
                if (!logged) {
                    LOG.info("waiting for topics {} (created by the service that writes them)", missing);
                    logged = true;
                }
                TimeUnit.MILLISECONDS.sleep(500);
            } catch (ExecutionException | TimeoutException e) {
                LOG.warn("cannot list topics yet: {}", e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }
}
