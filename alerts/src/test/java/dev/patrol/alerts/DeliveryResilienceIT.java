package dev.patrol.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.patrol.alerts.delivery.GroupStore;
import dev.patrol.alerts.sink.WebhookSink;
import dev.patrol.model.event.DeadLetter;
import dev.patrol.model.event.Finding;
import dev.patrol.model.event.Severity;
import dev.patrol.model.topic.Topics;
import dev.patrol.testkit.CommittedRecords;
import dev.patrol.testkit.HttpReceiver;
import dev.patrol.testkit.KafkaExtension;
import dev.patrol.testkit.TestKafka;
import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Guards the delivery guarantee on a real broker: a sink that is down is retried until it takes every finding, each
 * once, while the other sinks go on; a sink that refuses parks findings in the dead-letter topic; a restart in the
 * middle of an outage loses nothing and repeats nothing; the service's group marks what every sink has passed, and a
 * sink added later starts there instead of replaying history; grouped repeats become one alert and one update even
 * across a restart.
 *
 * <p>Receivers answer 503 to their first N requests, so "delivered" is exactly the requests after the first N.
 */
@ExtendWith(KafkaExtension.class)
class DeliveryResilienceIT {

    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

    @Test
    @SuppressWarnings("try") // the service runs while the try block waits
    void shouldDeliverEveryFindingOnceWithoutHoldingUpOtherSinksWhenOneSinkIsDown(TestKafka kafka) throws Exception {
        try (var slack = HttpReceiver.start(); var hook = HttpReceiver.start(); var teams = HttpReceiver.start()) {
            String name = "outage";
            int failures = 10;
            hook.respondWith(503, failures);
            teams.respondWith(400);
            var env = ItSupport.env(kafka, name);
            env.put("SLACK_WEBHOOK_URL", slack.url("/services/T000/B000/s3cr3t").toString());
            env.put("TEAMS_WEBHOOK_URL", teams.url("/workflows/gone").toString());
            env.put("PATROL_ALERTS_WEBHOOKS", hook.url("/hook").toString());
            List<Finding> findings = IntStream.range(0, 6).mapToObj(i -> ItSupport.finding(name, i, Severity.HIGH)).toList();
            List<String> ids = findings.stream().map(Finding::id).toList();
            ItSupport.produce(kafka, name + ".", findings);

            try (var alerts = new AlertsService(ItSupport.config(env), QUIET).start()) {
                await().atMost(Duration.ofSeconds(20)).until(() -> slack.received().size() == findings.size()
                        && CommittedRecords.read(kafka.bootstrapServers(), name + "." + Topics.FINDINGS_OCSF.name()).size()
                        == findings.size());
                assertThat(hook.received()).as("the webhook was still down, and held nobody up").hasSizeLessThanOrEqualTo(failures);

                await().atMost(Duration.ofSeconds(30)).until(() -> hook.received().size() >= failures + findings.size());
                await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                        .until(() -> hook.received().size() == failures + findings.size());
            }

            assertThat(delivered(hook, failures)).containsExactlyInAnyOrderElementsOf(ids);
            assertThat(ItSupport.slackFindingIds(slack.received())).containsExactlyInAnyOrderElementsOf(ids);
            assertThat(teams.received()).as("a refusal is not retried").hasSize(findings.size());
            assertThat(parked(kafka, name)).as("refused findings are parked, with the finding as payload")
                    .filteredOn(d -> d.stage().equals("alerts-teams"))
                    .allSatisfy(d -> assertThat(d.reason()).isEqualTo("refused by teams: HTTP 400"))
                    .extracting(d -> Topics.FINDINGS.valueSerde().deserializer().deserialize("", d.payload()).id())
                    .containsExactlyInAnyOrderElementsOf(ids);
            assertThat(committedTotal(kafka, name)).as("the service's group marks what every sink has passed")
                    .isEqualTo(findings.size());
        }
    }

    @Test
    @SuppressWarnings("try") // the services run while the try blocks wait
    void shouldDeliverEveryFindingOnceWhenServiceRestartsMidOutage(TestKafka kafka) throws Exception {
        try (var slack = HttpReceiver.start(); var hook = HttpReceiver.start()) {
            String name = "restart";
            int failures = 14;
            hook.respondWith(503, failures);
            var env = ItSupport.env(kafka, name);
            env.put("SLACK_WEBHOOK_URL", slack.url("/services/T000/B000/s3cr3t").toString());
            env.put("PATROL_ALERTS_WEBHOOKS", hook.url("/hook").toString());
            env.put("PATROL_ALERTS_OCSF_ENABLED", "false");
            List<Finding> findings = IntStream.range(0, 6).mapToObj(i -> ItSupport.finding(name, i, Severity.HIGH)).toList();
            List<String> ids = findings.stream().map(Finding::id).toList();
            ItSupport.produce(kafka, name + ".", findings);

            try (var first = new AlertsService(ItSupport.config(env), QUIET).start()) {
                await().atMost(Duration.ofSeconds(20))
                        .until(() -> slack.received().size() == findings.size() && hook.received().size() >= 3);
            }
            assertThat(hook.received()).as("stopped in the middle of the outage").hasSizeLessThan(failures);

            try (var second = new AlertsService(ItSupport.config(env), QUIET).start()) {
                await().atMost(Duration.ofSeconds(30)).until(() -> hook.received().size() >= failures + findings.size());
                await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                        .until(() -> hook.received().size() == failures + findings.size());
            }

            assertThat(delivered(hook, failures)).containsExactlyInAnyOrderElementsOf(ids);
            assertThat(ItSupport.slackFindingIds(slack.received())).as("Slack had them all before; not sent again")
                    .containsExactlyInAnyOrderElementsOf(ids);

            // A sink configured later starts at the mark, not at the start of the findings topic.
            try (var pagerDuty = HttpReceiver.start()) {
                env.put("PAGERDUTY_ROUTING_KEY", "R0UTINGKEY0000000000000000000000");
                env.put("PATROL_ALERTS_PAGERDUTY_EVENTS_URL", pagerDuty.url("/v2/enqueue").toString());
                try (var third = new AlertsService(ItSupport.config(env), QUIET).start()) {
                    await().atMost(Duration.ofSeconds(10)).until(() -> committedTotal(kafka, name + ".pagerduty") == findings.size());
                    await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> pagerDuty.received().isEmpty());
                }
            }
        }
    }

    @Test
    @SuppressWarnings("try") // the services run while the try blocks wait
    void shouldSendOneAlertAndOneUpdateWhenRepeatsArriveAcrossRestart(TestKafka kafka) throws Exception {
        try (var slack = HttpReceiver.start()) {
            String name = "grouping";
            String token = "11111111-2222-3333-4444-555555555555";
            var env = ItSupport.env(kafka, name);
            env.put("SLACK_WEBHOOK_URL", slack.url("/services/T000/B000/s3cr3t").toString());
            env.put("PATROL_ALERTS_GROUP_WINDOW", "8s");
            env.put("PATROL_ALERTS_OCSF_ENABLED", "false");
            List<Finding> repeats = IntStream.range(0, 4).mapToObj(i -> ItSupport.finding(name, i, token, Severity.HIGH)).toList();
            ItSupport.produce(kafka, name + ".", repeats.subList(0, 3));

            try (var first = new AlertsService(ItSupport.config(env), QUIET).start()) {
                await().atMost(Duration.ofSeconds(20)).until(() -> slack.received().size() == 1 && pendingInStore(kafka, name) == 2);
            }
            ItSupport.produce(kafka, name + ".", repeats.subList(3, 4));
            try (var second = new AlertsService(ItSupport.config(env), QUIET).start()) {
                await().atMost(Duration.ofSeconds(20)).until(() -> slack.received().size() >= 2);
                await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> slack.received().size() == 2);
            }

            List<JsonNode> messages = slack.received().stream().map(r -> ItSupport.json(r.body())).toList();
            assertThat(messages.get(0).at("/blocks/0/text/text").asText())
                    .isEqualTo("[HIGH] PAT used from outside the corporate network");
            assertThat(messages.get(1).at("/blocks/0/text/text").asText())
                    .isEqualTo("[HIGH] Update: 3 more — PAT used from outside the corporate network");
            assertThat(messages.get(1).at("/blocks/1/text/text").asText())
                    .contains("(first finding " + ItSupport.slackFindingIds(slack.received()).get(0) + ")");
        }
    }

    /** The finding ids of the requests after the first {@code failures}, which the receiver answered 200. */
    private static List<String> delivered(HttpReceiver hook, int failures) {
        List<HttpReceiver.ReceivedRequest> all = hook.received();
        return all.subList(failures, all.size()).stream()
                .map(r -> r.header(WebhookSink.FINDING_ID_HEADER).orElseThrow()).toList();
    }

    private static List<DeadLetter> parked(TestKafka kafka, String name) {
        return CommittedRecords.read(kafka.bootstrapServers(), name + "." + Topics.DEAD_LETTERS.name()).stream()
                .map(r -> Topics.DEAD_LETTERS.valueSerde().deserializer().deserialize("", r.value())).toList();
    }

    /** The offsets a consumer group has committed on the test's findings topic, summed over its partitions. */
    private static long committedTotal(TestKafka kafka, String group) throws Exception {
        String topic = group.split("\\.")[0] + "." + Topics.FINDINGS.name();
        return kafka.admin().listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().entrySet().stream()
                .filter(e -> e.getKey().topic().equals(topic) && e.getValue() != null)
                .mapToLong(e -> e.getValue().offset()).sum();
    }

    /** Repeats counted but not yet reported for the test's one group, as the group store holds them. */
    private static int pendingInStore(TestKafka kafka, String name) {
        var records = CommittedRecords.read(kafka.bootstrapServers(), name + "." + GroupStore.TOPIC.name());
        if (records.isEmpty()) {
            return -1;
        }
        var last = records.get(records.size() - 1);
        return last.value() == null ? -1
                : GroupStore.TOPIC.valueSerde().deserializer().deserialize("", last.value()).pending();
    }

}
