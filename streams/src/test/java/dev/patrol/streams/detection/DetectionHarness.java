package dev.patrol.streams.detection;

import dev.patrol.model.ado.AdoAuditEntry;
import dev.patrol.model.ado.SessionToken;
import dev.patrol.model.event.AuditSource;
import dev.patrol.model.event.DeadLetter;
import dev.patrol.model.event.Finding;
import dev.patrol.model.event.PersonalAccessToken;
import dev.patrol.model.event.ReceivedAuditEntry;
import dev.patrol.model.event.TokenOwner;
import dev.patrol.model.topic.Topics;
import dev.patrol.streams.DetectionTopology;
import dev.patrol.streams.errors.DeadLetterExceptionHandler;
import dev.patrol.streams.rules.RuleBook;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

/**
 * The production topology in a {@link TopologyTestDriver}, with the bundled rules (or a given rule book), a fixed
 * clock and a {@link TestNetwork}, plus builders for tokens and audit entries. Times are explicit.
 */
final class DetectionHarness implements AutoCloseable {

    static final Instant T0 = Instant.parse("2026-05-01T10:00:00Z");
    static final Instant DETECTED = Instant.parse("2026-05-01T12:00:00Z");

    final TopologyTestDriver driver;
    final TestInputTopic<String, ReceivedAuditEntry> audit;
    final TestInputTopic<String, PersonalAccessToken> tokens;
    final TestInputTopic<String, dev.patrol.model.event.OrgUser> users;
    final TestInputTopic<String, dev.patrol.model.event.AuditCheckpoint> checkpoints;
    final TestInputTopic<String, dev.patrol.model.event.TokenLifecycleEvent> lifecycle;
    final TestOutputTopic<String, Finding> findings;
    final TestOutputTopic<String, DeadLetter> deadLetters;
    private final java.nio.file.Path stateDir;
    final io.micrometer.core.instrument.simple.SimpleMeterRegistry meters =
            new io.micrometer.core.instrument.simple.SimpleMeterRegistry();

    DetectionHarness(TestNetwork network) {
        this(network, RuleBook.load(Optional.empty()));
    }

    DetectionHarness(TestNetwork network, RuleBook rules) {
        var topology = DetectionTopology.build(new DetectionTopology.Settings(network, rules, "",
                Clock.fixed(DETECTED, ZoneOffset.UTC), new dev.patrol.streams.metrics.StreamsMetrics(meters)));
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "detection-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "dummy:9092");
        // A state dir of its own: the default under /tmp is shared by every JVM running these tests at once.
        try {
            stateDir = java.nio.file.Files.createTempDirectory("detection-test-");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.putAll(DeadLetterExceptionHandler.properties(Topics.DEAD_LETTERS.name()));
        props.put(DeadLetterExceptionHandler.METER_REGISTRY_CONFIG, meters);
        driver = new TopologyTestDriver(topology, props);
        audit = driver.createInputTopic(Topics.AUDIT.name(), Topics.AUDIT.keySerde().serializer(),
                Topics.AUDIT.valueSerde().serializer());
        tokens = driver.createInputTopic(Topics.TOKENS.name(), Topics.TOKENS.keySerde().serializer(),
                Topics.TOKENS.valueSerde().serializer());
        users = driver.createInputTopic(Topics.USERS.name(), Topics.USERS.keySerde().serializer(),
                Topics.USERS.valueSerde().serializer());
        checkpoints = driver.createInputTopic(Topics.INGEST_CHECKPOINTS.name(),
                Topics.INGEST_CHECKPOINTS.keySerde().serializer(), Topics.INGEST_CHECKPOINTS.valueSerde().serializer());
        lifecycle = driver.createInputTopic(Topics.TOKEN_LIFECYCLE.name(),
                Topics.TOKEN_LIFECYCLE.keySerde().serializer(), Topics.TOKEN_LIFECYCLE.valueSerde().serializer());
        findings = driver.createOutputTopic(Topics.FINDINGS.name(), Topics.FINDINGS.keySerde().deserializer(),
                Topics.FINDINGS.valueSerde().deserializer());
        deadLetters = driver.createOutputTopic(Topics.DEAD_LETTERS.name(), Topics.DEAD_LETTERS.keySerde().deserializer(),
                Topics.DEAD_LETTERS.valueSerde().deserializer());
    }

    /** Adds a token to the inventory, stamped like ingest stamps it (its validFrom). */
    DetectionHarness token(PersonalAccessToken token) {
        tokens.pipeInput(token.authorizationId(), token, token.token().validFrom());
        return this;
    }

    /** Puts a token owner in the users table (a global table: visible at once to every task). */
    DetectionHarness owner(String upn, boolean deletedInEntra, Instant observedAt) {
        var user = new dev.patrol.model.ado.GraphUser("aad." + upn, upn, upn, upn, "aad", null, "user", null, "member",
                null, deletedInEntra, null, null, Map.of());
        users.pipeInput(dev.patrol.model.event.OrgUser.key("contoso", user.descriptor()),
                new dev.patrol.model.event.OrgUser("contoso", user, observedAt), observedAt);
        return this;
    }

    /** The audit poller of {@code contoso} read up to {@code windowEnd}; {@code recent} are entry times in the overlap. */
    DetectionHarness checkpoint(Instant windowEnd, Instant... recent) {
        var ids = new java.util.HashMap<String, Instant>();
        for (int i = 0; i < recent.length; i++) {
            ids.put("entry-" + recent[i].toEpochMilli() + "-" + i, recent[i]);
        }
        checkpoints.pipeInput("contoso", new dev.patrol.model.event.AuditCheckpoint("contoso", windowEnd, ids), windowEnd);
        return this;
    }

    DetectionHarness use(Entry entry) {
        audit.pipeInput(entry.id, entry.build(), entry.at);
        return this;
    }

    /** Lets processing time pass, so waits measured in it (grace periods) run out. */
    DetectionHarness after(Duration processingTime) {
        // In steps, as a real clock would tick: each wall-clock punctuation sees its own time.
        Duration step = Duration.ofMinutes(1);
        for (Duration left = processingTime; !left.isNegative() && !left.isZero(); left = left.minus(step)) {
            driver.advanceWallClockTime(left.compareTo(step) < 0 ? left : step);
        }
        return this;
    }

    /** Findings of one rule, in order; other rules' findings are dropped. */
    List<Finding> findingsOf(String ruleId) {
        return findings.readValuesToList().stream().filter(f -> f.ruleId().equals(ruleId)).toList();
    }

    static PersonalAccessToken pat(String authorizationId, String name, String scope, String ownerUpn) {
        return pat(authorizationId, name, scope, ownerUpn, true, T0.minus(Duration.ofDays(30)),
                T0.plus(Duration.ofDays(60)), T0.minus(Duration.ofDays(1)));
    }

    static PersonalAccessToken pat(String authorizationId, String name, String scope, String ownerUpn, boolean valid,
                                   Instant validFrom, Instant validTo, Instant observedAt) {
        var session = new SessionToken(authorizationId, null, null, null, "user-" + ownerUpn, name, scope,
                List.of("org-1"), validFrom, validTo, valid, false, null, null, null, Map.of());
        return new PersonalAccessToken("contoso", new TokenOwner("aad." + ownerUpn, ownerUpn, ownerUpn), session,
                observedAt);
    }

    static Entry entry(String id) {
        return new Entry(id);
    }

    /** An audit entry under construction; defaults are a PAT-free, corporate, harmless action. */
    static final class Entry {
        final String id;
        String mechanism = "FedAuth";
        String ip = "10.1.2.3";
        String action = "Git.RepositoryCreated";
        String userAgent = "git/2.45.0";
        String upn = "jane@contoso.example";
        String userId = "user-jane";
        Instant at = T0;
        com.fasterxml.jackson.databind.JsonNode data;
        String details = "details";

        Entry(String id) {
            this.id = id;
        }

        Entry pat(String mechanismName, String authorizationId) {
            this.mechanism = mechanismName + " authorizationId: " + authorizationId;
            return this;
        }

        Entry mechanism(String raw) {
            this.mechanism = raw;
            return this;
        }

        Entry from(String ip) {
            this.ip = ip;
            return this;
        }

        Entry action(String action) {
            this.action = action;
            return this;
        }

        Entry userAgent(String userAgent) {
            this.userAgent = userAgent;
            return this;
        }

        Entry by(String upn, String userId) {
            this.upn = upn;
            this.userId = userId;
            return this;
        }

        Entry data(com.fasterxml.jackson.databind.JsonNode data) {
            this.data = data;
            return this;
        }

        Entry details(String details) {
            this.details = details;
            return this;
        }

        Entry at(Instant at) {
            this.at = at;
            return this;
        }

        ReceivedAuditEntry build() {
            var entry = new AdoAuditEntry(id, null, null, null, userId, null, upn, upn, null, mechanism, at,
                    "organization", "contoso (Organization)", null, null, "Payments", ip, userAgent, action, data,
                    details, action.contains(".") ? action.substring(0, action.indexOf('.')) : action, "modify",
                    "Modify", Map.of());
            return new ReceivedAuditEntry("contoso", AuditSource.POLL, at.plusSeconds(60), entry);
        }
    }

    @Override
    public void close() {
        driver.close();
        try (var paths = java.nio.file.Files.walk(stateDir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (java.io.IOException e) {
            // a leftover temp dir is harmless
        }
    }
}
