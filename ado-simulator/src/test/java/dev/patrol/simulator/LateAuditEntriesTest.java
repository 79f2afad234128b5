package dev.patrol.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patrol.testkit.ManualClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.StreamSupport;

import static dev.patrol.simulator.AdoTestClient.AUDIT_VERSION;
import static dev.patrol.simulator.AdoTestClient.encode;
import static dev.patrol.simulator.AdoTestClient.json;
import static dev.patrol.simulator.AuditLogEndpointTest.scriptedEntry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Entries that ADO shows later than their timestamp says: the reason pollers re-read an overlap. */
class LateAuditEntriesTest {

    private static final Instant NOW = Instant.parse("2026-05-01T12:00:00Z");

    @Test
    void shouldHideEntryUntilVisibleFromAndThenServeItByItsEarlierTimestamp() {
        // given
        ManualClock clock = new ManualClock(NOW);
        SimulatorConfig config = SimulatorConfig.defaults().withAuditEntries(0).withClock(clock);
        try (AdoSimulator simulator = AdoSimulator.start(config)) {
            AdoTestClient client = AdoTestClient.of(simulator, config);
            ObjectNode older = scriptedEntry(NOW.minus(Duration.ofMinutes(20)), "0f1e2d3c-0000-4000-8000-000000000001");
            ObjectNode late = scriptedEntry(NOW.minus(Duration.ofMinutes(10)), "0f1e2d3c-0000-4000-8000-000000000002");
            ObjectNode newer = scriptedEntry(NOW.minus(Duration.ofMinutes(5)), "0f1e2d3c-0000-4000-8000-000000000003");
            simulator.org().appendAuditEntry(older);
            simulator.org().appendAuditEntry(late, NOW.plus(Duration.ofMinutes(3)));
            simulator.org().appendAuditEntry(newer);
            String window = "_apis/audit/auditlog?startTime=" + encode(NOW.minus(Duration.ofHours(1)).toString())
                    + "&endTime=" + encode(NOW.plus(Duration.ofHours(1)).toString()) + "&" + AUDIT_VERSION;
            List<String> before = ids(json(client.get(window)));

            // when
            clock.advance(Duration.ofMinutes(3));
            List<String> after = ids(json(client.get(window)));

            // then
            assertThat(before).containsExactly(id(newer), id(older));
            assertThat(after).containsExactly(id(newer), id(late), id(older));
            assertThat(simulator.org().auditEntries()).hasSize(3);
        }
    }

    @Test
    void shouldRejectLateEntryWhenItsIdIsAlreadyInTheLog() {
        // given
        SimulatorConfig config = SimulatorConfig.defaults().withAuditEntries(0);
        try (AdoSimulator simulator = AdoSimulator.start(config)) {
            ObjectNode entry = scriptedEntry(NOW, "0f1e2d3c-0000-4000-8000-000000000004");
            simulator.org().appendAuditEntry(entry);

            // when / then
            assertThatThrownBy(() -> simulator.org().appendAuditEntry(entry, NOW.plusSeconds(60)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("already in the log");
        }
    }

    private static List<String> ids(JsonNode page) {
        return StreamSupport.stream(page.get("decoratedAuditLogEntries").spliterator(), false)
                .map(entry -> entry.get("id").asText()).toList();
    }

    private static String id(ObjectNode entry) {
        return entry.get("id").asText();
    }
}
