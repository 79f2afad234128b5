package dev.patrol.alerts;

import com.fasterxml.jackson.databind.JsonNode;
import dev.patrol.model.config.PatrolConfig;
import dev.patrol.model.event.Finding;
import dev.patrol.model.event.FindingSubject;
import dev.patrol.model.event.Severity;
import dev.patrol.model.json.Json;
import dev.patrol.model.topic.TopicCreator;
import dev.patrol.model.topic.Topics;
import dev.patrol.testkit.HttpReceiver;
import dev.patrol.testkit.TestKafka;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/** What the alerts ITs share: configuration, findings, producing them, reading what receivers got. */
final class ItSupport {

    private static final Pattern SLACK_FINDING_ID = Pattern.compile("Finding `([0-9a-f]{32})`");

    private ItSupport() {
    }

    /** Settings for one test: its own topic prefix and consumer group on the shared broker, fast retries. */
    static Map<String, String> env(TestKafka kafka, String name) {
        Map<String, String> env = new HashMap<>();
        env.put("PATROL_KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        env.put("PATROL_KAFKA_TOPIC_PREFIX", name + ".");
        env.put("PATROL_ALERTS_CONSUMER_GROUP", name);
        env.put("PATROL_ALERTS_REQUEST_TIMEOUT", "5s");
        env.put("PATROL_ALERTS_RETRY_INITIAL_BACKOFF", "200ms");
        env.put("PATROL_ALERTS_RETRY_MAX_BACKOFF", "1s");
        return env;
    }

    static PatrolConfig config(Map<String, String> env) {
        return PatrolConfig.load(Optional.empty(), env);
    }

    /** A finding about its own token, so grouping keeps each apart. */
    static Finding finding(String test, int i, Severity severity) {
        return finding(test, i, "00000000-0000-0000-0000-0000000000" + String.format("%02d", i), severity);
    }

    /** A finding about {@code authorizationId}; findings with the same token and rule are one group. */
    static Finding finding(String test, int i, String authorizationId, Severity severity) {
        Map<String, String> evidence = new LinkedHashMap<>();
        evidence.put("ip", "203.0.113." + i);
        evidence.put("country", "DE");
        evidence.put("city", "Berlin");
        evidence.put("asn", "AS3320");
        evidence.put("authorizationId", authorizationId);
        evidence.put("tokenName", "token-" + i);
        evidence.put("owner", "user" + i + "@contoso.example");
        return new Finding(Finding.stableId("PAT-OFFNET-01", authorizationId, test + "-entry-" + i), "PAT-OFFNET-01",
                "PAT used from outside the corporate network", severity, List.of("T1078.004"), "contoso",
                new FindingSubject(authorizationId, "user" + i + "@contoso.example", null, "203.0.113." + i),
                "summary " + i, evidence, Instant.parse("2026-05-01T10:00:00Z").plusSeconds(i), Instant.now(),
                List.of(test + "-entry-" + i));
    }

    static void produce(TestKafka kafka, String prefix, List<Finding> findings) {
        TopicCreator.ensure(kafka.admin(), List.of(Topics.FINDINGS), prefix);
        try (var producer = new KafkaProducer<>(Map.<String, Object>of("bootstrap.servers", kafka.bootstrapServers()),
                Topics.FINDINGS.keySerde().serializer(), Topics.FINDINGS.valueSerde().serializer())) {
            findings.forEach(f -> producer.send(new ProducerRecord<>(prefix + Topics.FINDINGS.name(), f.id(), f)));
        }
    }

    static JsonNode json(String body) {
        try {
            return Json.mapper().readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The finding id each Slack message names in its context line, in arrival order. */
    static List<String> slackFindingIds(List<HttpReceiver.ReceivedRequest> requests) {
        return requests.stream().map(r -> {
            Matcher m = SLACK_FINDING_ID.matcher(json(r.body()).at("/blocks").toString());
            if (!m.find()) {
                throw new AssertionError("Slack message names no finding: " + r.body());
            }
            return m.group(1);
        }).toList();
    }
}
