package dev.patrol.ingest.inventory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import dev.patrol.ingest.IngestService;
import dev.patrol.ingest.ado.AdoEndpoints;
import dev.patrol.ingest.ado.AdoHttpClient;
import dev.patrol.ingest.ado.RetryPolicy;
import dev.patrol.ingest.kafka.TransactionalPublisher;
import dev.patrol.model.Secret;
import dev.patrol.model.config.PatrolConfig;
import dev.patrol.model.event.Finding;
import dev.patrol.model.event.OrgUser;
import dev.patrol.model.event.TokenLifecycleEvent;
import dev.patrol.model.event.TokenLifecycleEvent.Kind;
import dev.patrol.model.topic.Owner;
import dev.patrol.model.topic.Topic;
import dev.patrol.model.topic.TopicCreator;
import dev.patrol.model.topic.Topics;
import dev.patrol.simulator.AdoSimulator;
import dev.patrol.simulator.SimToken;
import dev.patrol.simulator.SimUser;
import dev.patrol.simulator.SimulatorConfig;
import dev.patrol.testkit.CommittedRecords;
import dev.patrol.testkit.KafkaExtension;
import dev.patrol.testkit.ManualClock;
import dev.patrol.testkit.TestKafka;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Guards the inventory's promises on a real broker against the simulator over real HTTP: every change to the
 * organization (revocation through the API, a new, a deleted, a re-dated and an expired token, a removed user) comes
 * out as exactly one lifecycle event, committed with the token records, so the tokens topic keeps mirroring the
 * organization; a user whose listing fails loses none of their tokens, and ingest reports the gap as a
 * PIPELINE-COVERAGE-26 finding; and a restart neither repeats nor floods events.
 */
@ExtendWith(KafkaExtension.class)
class InventoryLifecycleIT {

    /** Three attempts with no wait: a fault on five requests outlasts the client's retries. */
    private static final RetryPolicy RETRY = new RetryPolicy(3, Duration.ofMillis(10), Duration.ofMillis(50));
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    /** The inventory classes as IngestService wires them, scanning when the test says so, on a clock it moves. */
    private static final class Inventory implements AutoCloseable {
        final AdoSimulator simulator;
        final ManualClock clock;
        final InventoryScanner scanner;
        final InventoryPublisher publisher;
        final TransactionalPublisher kafkaPublisher;

        Inventory(AdoSimulator simulator, TestKafka kafka, String prefix, Instant start) {
            this.simulator = simulator;
            this.clock = new ManualClock(start);
            String org = simulator.org().organization();
            TopicCreator.ensure(kafka.admin(), Topics.ownedBy(Owner.INGEST), prefix);
            var endpoints = new AdoEndpoints(simulator.baseUrl(), simulator.baseUrl(), org);
            var client = new AdoHttpClient(Secret.of(SimulatorConfig.defaults().pat()), Duration.ofSeconds(5), RETRY,
                    d -> { });
            this.scanner = new InventoryScanner(org, endpoints, client, clock, 3, false);
            this.publisher = new InventoryPublisher(org, Map.of(), Map.of());
            this.kafkaPublisher = new TransactionalPublisher(
                    Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                    "it-inventory-" + prefix, prefix);
        }

        InventoryPublisher.Result scan() throws InterruptedException {
            return publisher.publish(scanner.scan(), kafkaPublisher);
        }

        @Override
        public void close() {
            kafkaPublisher.close();
        }
    }

    @Test
    void shouldReportEachChangeOnceAndMirrorTheOrganizationWhenTheOrganizationChanges(TestKafka kafka) throws Exception {
        try (var simulator = AdoSimulator.start(SimulatorConfig.defaults().withAuditEntries(0).withSeed(21))) {
            String prefix = "lifecycle.";
            // In the past, so the scans "hours later" still stamp records the broker accepts (it refuses records
            // more than an hour ahead of its clock).
            Instant t0 = Instant.now().minus(Duration.ofHours(4)).truncatedTo(ChronoUnit.SECONDS);
            List<SimToken> picks = oneValidTokenPerOwner(simulator);
            SimToken revoked = picks.get(0);
            SimToken deleted = picks.get(1);
            SimToken redated = picks.get(2);
            SimToken expiring = picks.get(3);
            String leaver = picks.get(4).ownerDescriptor();
            // Live at the first scan, past its expiry at the second.
            simulator.org().setValidTo(expiring.authorizationId(), t0.plus(Duration.ofHours(1)));
            try (var inventory = new Inventory(simulator, kafka, prefix, t0)) {
                inventory.scan();
                assertThat(lifecycle(kafka, prefix)).as("the first scan is a baseline, not news").isEmpty();
                assertThat(tokensTable(kafka, prefix)).isEqualTo(simulatorTokens(simulator));

                List<String> leaversTokens = tokensOf(simulator, leaver);
                revokeThroughApi(simulator, revoked.authorizationId());
                SimToken added = newToken(revoked.ownerDescriptor(), t0);
                simulator.org().addToken(added);
                simulator.org().deleteToken(deleted.authorizationId());
                Instant later = redated.validTo().plus(Duration.ofDays(30)).truncatedTo(ChronoUnit.SECONDS);
                simulator.org().setValidTo(redated.authorizationId(), later);
                simulator.org().removeUser(leaver);
                inventory.clock.advance(Duration.ofHours(2));

                InventoryPublisher.Result second = inventory.scan();

                List<Tuple> expected = new ArrayList<>(List.of(
                        tuple(Kind.REVOKED, revoked.authorizationId()),
                        tuple(Kind.CREATED, added.authorizationId()),
                        tuple(Kind.DISAPPEARED, deleted.authorizationId()),
                        tuple(Kind.UPDATED, redated.authorizationId()),
                        tuple(Kind.EXPIRED, expiring.authorizationId())));
                leaversTokens.forEach(id -> expected.add(tuple(Kind.OWNER_REMOVED, id)));
                List<TokenLifecycleEvent> events = lifecycle(kafka, prefix);
                assertThat(events).extracting(TokenLifecycleEvent::kind, TokenLifecycleEvent::authorizationId)
                        .containsExactlyInAnyOrderElementsOf(expected);
                assertThat(events).filteredOn(e -> e.kind() == Kind.UPDATED).singleElement()
                        .extracting(TokenLifecycleEvent::changes)
                        .isEqualTo(List.of("validTo: " + redated.validTo() + " -> " + later));
                assertThat(events).allSatisfy(e -> assertThat(e.observedAt()).isEqualTo(t0.plus(Duration.ofHours(2))));
                assertThat(second.complete()).isTrue();
                assertThat(tokensTable(kafka, prefix)).isEqualTo(simulatorTokens(simulator));
                assertThat(usersTable(kafka, prefix).keySet()).isEqualTo(simulatorUsers(simulator));
                // Twelve users written once, then one tombstone: unchanged users are not rewritten.
                assertThat(CommittedRecords.read(kafka.bootstrapServers(), prefix + Topics.USERS.name()))
                        .hasSize(SimulatorConfig.defaults().users() + 1);

                inventory.clock.advance(Duration.ofHours(1));
                InventoryPublisher.Result third = inventory.scan();

                assertThat(third.events()).isZero();
                assertThat(third.written()).isZero();
                assertThat(lifecycle(kafka, prefix)).hasSize(expected.size());
            }
        }
    }

    @Test
    void shouldReportNoTokenOfAUserAsGoneWhenTheirListingFailsAfterRetries(TestKafka kafka) throws Exception {
        try (var simulator = AdoSimulator.start(SimulatorConfig.defaults().withAuditEntries(0).withSeed(22))) {
            String prefix = "partial.";
            List<SimToken> picks = oneValidTokenPerOwner(simulator);
            SimToken ofFailingUser = picks.get(0);
            SimToken ofOtherUser = picks.get(1);
            String failing = ofFailingUser.ownerDescriptor();
            List<String> failingUsersTokens = tokensOf(simulator, failing);
            try (var inventory = new Inventory(simulator, kafka, prefix, Instant.now().minus(Duration.ofHours(3)))) {
                inventory.scan();
                simulator.org().deleteToken(ofFailingUser.authorizationId());
                simulator.org().deleteToken(ofOtherUser.authorizationId());
                simulator.faults().failNext("personalaccesstokens/" + failing, 5, 500);
                inventory.clock.advance(Duration.ofHours(1));

                InventoryPublisher.Result partial = inventory.scan();

                assertThat(partial.complete()).isFalse();
                assertThat(inventory.scanner.lastScanFailedUsers()).isEqualTo(1);
                assertThat(lifecycle(kafka, prefix)).extracting(TokenLifecycleEvent::kind, TokenLifecycleEvent::authorizationId)
                        .containsExactly(tuple(Kind.DISAPPEARED, ofOtherUser.authorizationId()));
                // The failing user's tokens are carried over as they were, the deleted one included.
                assertThat(tokensTable(kafka, prefix).keySet()).containsAll(failingUsersTokens)
                        .doesNotContain(ofOtherUser.authorizationId());

                simulator.faults().clear();
                inventory.clock.advance(Duration.ofHours(1));
                InventoryPublisher.Result retried = inventory.scan();

                assertThat(retried.complete()).isTrue();
                assertThat(inventory.scanner.lastScanFailedUsers()).isZero();
                // Reported by the scan that could list the user again, not before.
                assertThat(lifecycle(kafka, prefix))
                        .extracting(TokenLifecycleEvent::kind, TokenLifecycleEvent::authorizationId, TokenLifecycleEvent::observedAt)
                        .containsExactlyInAnyOrder(
                                tuple(Kind.DISAPPEARED, ofOtherUser.authorizationId(), inventory.clock.instant().minus(Duration.ofHours(1))),
                                tuple(Kind.DISAPPEARED, ofFailingUser.authorizationId(), inventory.clock.instant()));
                assertThat(tokensTable(kafka, prefix)).isEqualTo(simulatorTokens(simulator));
            }
        }
    }

    @Test
    void shouldRaiseACoverageFindingWhenIngestCannotListAUsersTokens(TestKafka kafka) throws Exception {
        try (var simulator = AdoSimulator.start(SimulatorConfig.defaults().withAuditEntries(0).withSeed(24))) {
            String prefix = "coverage.";
            SimUser failing = simulator.org().users().get(0);
            // 404 is not retried, so the listing fails at once (a 5xx would wait out the client's back-off first).
            simulator.faults().failNext("personalaccesstokens/" + failing.descriptor(), 10_000, 404);

            try (var ingest = new IngestService(ingestConfig(simulator, kafka, prefix), Clock.systemUTC()).start()) {
                await().atMost(Duration.ofSeconds(60)).until(() -> !findings(kafka, prefix).isEmpty());
                assertThat(ingest.failure()).isNull();
            }

            assertThat(findings(kafka, prefix)).singleElement().satisfies(f -> {
                assertThat(f.ruleId()).isEqualTo(IngestService.COVERAGE_RULE);
                assertThat(f.organization()).isEqualTo(simulator.org().organization());
                assertThat(f.evidence()).containsEntry("failedUsers", "1").containsEntry("users", failing.principalName());
            });
        }
    }

    @Test
    void shouldReportOnlyWhatChangedWhileStoppedWhenIngestRestarts(TestKafka kafka) throws Exception {
        try (var simulator = AdoSimulator.start(SimulatorConfig.defaults().withAuditEntries(0).withSeed(23))) {
            String prefix = "restart.";
            PatrolConfig config = ingestConfig(simulator, kafka, prefix);
            try (var ingest = new IngestService(config, Clock.systemUTC()).start()) {
                await().atMost(Duration.ofSeconds(60))
                        .until(() -> tokensTable(kafka, prefix).equals(simulatorTokens(simulator)));
                assertThat(ingest.failure()).isNull();
            }
            assertThat(lifecycle(kafka, prefix)).isEmpty();
            int usersWritten = CommittedRecords.read(kafka.bootstrapServers(), prefix + Topics.USERS.name()).size();

            List<SimToken> picks = oneValidTokenPerOwner(simulator);
            SimToken revoked = picks.get(0);
            String leaver = picks.get(1).ownerDescriptor();
            List<String> leaversTokens = tokensOf(simulator, leaver);
            SimToken added = newToken(picks.get(2).ownerDescriptor(), Instant.now());
            revokeThroughApi(simulator, revoked.authorizationId());
            simulator.org().removeUser(leaver);
            simulator.org().addToken(added);
            List<Tuple> expected = new ArrayList<>(List.of(tuple(Kind.REVOKED, revoked.authorizationId()),
                    tuple(Kind.CREATED, added.authorizationId())));
            leaversTokens.forEach(id -> expected.add(tuple(Kind.OWNER_REMOVED, id)));

            try (var ingest = new IngestService(config, Clock.systemUTC()).start()) {
                await().atMost(Duration.ofSeconds(60)).until(() -> lifecycle(kafka, prefix).size() >= expected.size());
                assertThat(ingest.failure()).isNull();
            }

            assertThat(lifecycle(kafka, prefix)).extracting(TokenLifecycleEvent::kind, TokenLifecycleEvent::authorizationId)
                    .containsExactlyInAnyOrderElementsOf(expected);
            assertThat(tokensTable(kafka, prefix)).isEqualTo(simulatorTokens(simulator));
            // Restored users are not rewritten; the leaver is tombstoned.
            assertThat(CommittedRecords.read(kafka.bootstrapServers(), prefix + Topics.USERS.name()))
                    .hasSize(usersWritten + 1);
            assertThat(usersTable(kafka, prefix).keySet()).isEqualTo(simulatorUsers(simulator));
        }
    }

    // ---- the organization ----

    /** The first valid token of each owner, in generation order: distinct owners for distinct changes. */
    private static List<SimToken> oneValidTokenPerOwner(AdoSimulator simulator) {
        Map<String, SimToken> byOwner = new LinkedHashMap<>();
        simulator.org().tokens().stream().filter(SimToken::isValid)
                .forEach(token -> byOwner.putIfAbsent(token.ownerDescriptor(), token));
        assertThat(byOwner).as("owners with a valid token").hasSizeGreaterThanOrEqualTo(5);
        return List.copyOf(byOwner.values());
    }

    private static List<String> tokensOf(AdoSimulator simulator, String owner) {
        return simulator.org().tokens().stream().filter(token -> token.ownerDescriptor().equals(owner))
                .map(SimToken::authorizationId).toList();
    }

    private static SimToken newToken(String owner, Instant now) {
        Instant created = now.truncatedTo(ChronoUnit.SECONDS);
        return new SimToken(UUID.randomUUID().toString(), owner, "created-by-test", "vso.code", null, created,
                created.plus(Duration.ofDays(90)), true);
    }

    private static void revokeThroughApi(AdoSimulator simulator, String authorizationId) throws Exception {
        String credentials = Base64.getEncoder()
                .encodeToString((":" + SimulatorConfig.defaults().pat()).getBytes(StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(URI.create(simulator.baseUrl() + "/"
                        + simulator.org().organization() + "/_apis/tokenadmin/revocations?isPublic=false&api-version=7.1"))
                .header("Authorization", "Basic " + credentials)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("[{\"authorizationId\":\"" + authorizationId + "\"}]"))
                .build();
        assertThat(HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(204);
    }

    /** What the tokens topic should say about each token the simulator lists. */
    private record TokenView(String owner, String displayName, String scope, Instant validTo, boolean valid) {
    }

    private static Map<String, TokenView> simulatorTokens(AdoSimulator simulator) {
        return simulator.org().tokens().stream().collect(Collectors.toMap(SimToken::authorizationId,
                t -> new TokenView(t.ownerDescriptor(), t.displayName(), t.scope(), t.validTo(), t.isValid())));
    }

    private static Set<String> simulatorUsers(AdoSimulator simulator) {
        // Users are keyed by organization and descriptor in the users topic.
        return simulator.org().users().stream().map(u -> OrgUser.key(simulator.org().organization(), u.descriptor()))
                .collect(Collectors.toSet());
    }

    // ---- the topics ----

    private static Map<String, TokenView> tokensTable(TestKafka kafka, String prefix) {
        Map<String, TokenView> view = new HashMap<>();
        table(kafka, prefix, Topics.TOKENS).forEach((id, t) -> view.put(id, new TokenView(t.owner().descriptor(),
                t.token().displayName(), t.token().scope(), t.token().validTo(), t.token().isValid())));
        return view;
    }

    private static Map<String, OrgUser> usersTable(TestKafka kafka, String prefix) {
        return table(kafka, prefix, Topics.USERS);
    }

    /** A compacted topic as a table: the latest value per key, tombstones deleting. */
    private static <V> Map<String, V> table(TestKafka kafka, String prefix, Topic<String, V> topic) {
        Map<String, V> table = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : CommittedRecords.read(kafka.bootstrapServers(), prefix + topic.name())) {
            String key = new String(r.key(), StandardCharsets.UTF_8);
            if (r.value() == null) {
                table.remove(key);
            } else {
                table.put(key, topic.valueSerde().deserializer().deserialize(topic.name(), r.value()));
            }
        }
        return table;
    }

    private static List<Finding> findings(TestKafka kafka, String prefix) {
        String name = prefix + Topics.FINDINGS.name();
        return CommittedRecords.read(kafka.bootstrapServers(), name).stream()
                .map(r -> Topics.FINDINGS.valueSerde().deserializer().deserialize(name, r.value()))
                .toList();
    }

    private static List<TokenLifecycleEvent> lifecycle(TestKafka kafka, String prefix) {
        String name = prefix + Topics.TOKEN_LIFECYCLE.name();
        return CommittedRecords.read(kafka.bootstrapServers(), name).stream()
                .map(r -> Topics.TOKEN_LIFECYCLE.valueSerde().deserializer().deserialize(name, r.value()))
                .toList();
    }

    private static PatrolConfig ingestConfig(AdoSimulator simulator, TestKafka kafka, String prefix) {
        return PatrolConfig.load(Optional.empty(), Map.of(
                "PATROL_ORGANIZATION", simulator.org().organization(),
                "PATROL_ADO_AUDIT_BASE_URL", simulator.baseUrl().toString(),
                "PATROL_ADO_VSSPS_BASE_URL", simulator.baseUrl().toString(),
                "PATROL_ADO_REQUEST_TIMEOUT", "5s",
                "ADO_PAT", SimulatorConfig.defaults().pat(),
                "PATROL_INGEST_POLL_INTERVAL", "300ms",
                "PATROL_INGEST_INVENTORY_CONCURRENCY", "3",
                "PATROL_KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                "PATROL_KAFKA_TOPIC_PREFIX", prefix)).requireForIngest();
    }
}
