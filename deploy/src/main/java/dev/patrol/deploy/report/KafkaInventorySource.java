package dev.patrol.deploy.report;

import dev.patrol.ingest.kafka.TopicReader;
import dev.patrol.model.config.PatrolConfig.KafkaSettings;
import dev.patrol.model.event.Finding;
import dev.patrol.model.event.OrgUser;
import dev.patrol.model.event.PersonalAccessToken;
import dev.patrol.model.topic.Topic;
import dev.patrol.model.topic.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.common.KafkaException;

/**
 * Reads the inventory as PATrol holds it: the tokens and users topics (compacted: the latest record per key, a
 * tombstone removing it) and the findings topic, each from the beginning to its end as it stands now
 * ({@code read_committed}, no consumer group, so reading changes nothing for the services).
 */
public final class KafkaInventorySource {

    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(15);

    private KafkaInventorySource() {
    }

    /**
     * @param kafka the cluster and topic prefix, with bootstrap servers resolved
     * @throws ReportSourceException when the cluster does not answer or has no tokens topic
     */
    public static Inventory read(KafkaSettings kafka, Progress progress) {
        Map<String, Object> client = kafka.clientConfig();
        String servers = kafka.bootstrapServers().orElseThrow();
        String prefix = kafka.topicPrefix();
        Set<String> existing = topicNames(client, servers);
        String tokensTopic = prefix + Topics.TOKENS.name();
        if (!existing.contains(tokensTopic)) {
            throw new ReportSourceException("Kafka at " + servers + " has no topic " + tokensTopic + ": ingest has not "
                    + "run against this cluster" + (prefix.isEmpty() ? "" : " with kafka.topicPrefix '" + prefix + "'")
                    + ", or the config names another cluster");
        }
        List<String> caveats = new ArrayList<>();

        Map<String, PersonalAccessToken> tokens = readTable(client, Topics.TOKENS, tokensTopic, progress);

        String usersTopic = prefix + Topics.USERS.name();
        Map<String, OrgUser> users = new LinkedHashMap<>();
        if (existing.contains(usersTopic)) {
            users = readTable(client, Topics.USERS, usersTopic, progress);
        } else {
            caveats.add("topic " + usersTopic + " does not exist, so no owner's status is known (all read "
                    + "\"unknown\")");
        }

        String findingsTopic = prefix + Topics.FINDINGS.name();
        String source = "Kafka at " + servers + " (topics " + tokensTopic + ", " + usersTopic + ", " + findingsTopic + ")";
        if (!existing.contains(findingsTopic)) {
            return Inventory.withoutFindings(source, List.copyOf(tokens.values()), List.copyOf(users.values()),
                    "topic " + findingsTopic + " does not exist (the streams service has not run against this cluster)",
                    caveats);
        }
        List<Finding> findings = new ArrayList<>();
        read(client, Topics.FINDINGS, findingsTopic, progress, (id, finding) -> {
            if (finding != null) {
                findings.add(finding);
            }
        });
        return Inventory.withFindings(source, List.copyOf(tokens.values()), List.copyOf(users.values()), findings,
                caveats);
    }

    private static Set<String> topicNames(Map<String, Object> client, String servers) {
        try (Admin admin = Admin.create(client)) {
            return admin.listTopics(new ListTopicsOptions().timeoutMs((int) ANSWER_TIMEOUT.toMillis())).names()
                    .get(ANSWER_TIMEOUT.toSeconds() + 5, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException | KafkaException e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            throw new ReportSourceException("Kafka at " + servers + " did not answer within "
                    + ANSWER_TIMEOUT.toSeconds() + " s (" + cause.getClass().getSimpleName() + "): check "
                    + "kafka.bootstrapServers and kafka.properties", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ReportSourceException("interrupted while asking Kafka at " + servers + " for its topics", e);
        }
    }

    /** A compacted topic's current state: the latest value per key, keys whose latest record is a tombstone left out. */
    private static <V> Map<String, V> readTable(Map<String, Object> client, Topic<String, V> topic, String name,
                                                Progress progress) {
        Map<String, V> latest = new LinkedHashMap<>();
        read(client, topic, name, progress, (key, value) -> {
            if (value == null) {
                latest.remove(key);
            } else {
                latest.put(key, value);
            }
        });
        return latest;
    }

    private static <V> void read(Map<String, Object> client, Topic<String, V> topic, String name, Progress progress,
                                 BiConsumer<String, V> onRecord) {
        long[] records = {0};
        TopicReader.readToEnd(client, topic, name, (key, value) -> {
            records[0]++;
            onRecord.accept(key, value);
            progress.update(() -> "reading " + name + ": " + records[0] + " records so far");
        });
        progress.done("read " + name + ": " + records[0] + " records");
    }
}
