package dev.patrol.streams.detection;

import static dev.patrol.streams.detection.DetectionHarness.T0;
import static dev.patrol.streams.detection.DetectionHarness.pat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.patrol.model.event.NetworkClass;
import dev.patrol.streams.rules.RuleBook;
import dev.patrol.streams.rules.RuleException;
import dev.patrol.streams.rules.RuleSettings;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every shipped rule: loads, matches a detection, has unique id and valid metadata, and fires on its positive
 * fixture but not on its negative one, through the production topology.
 */
class RuleFileTest {

    @TempDir
    Path dir;

    static Map<String, JsonNode> fixtures() throws IOException {
        try (InputStream in = RuleFileTest.class.getResourceAsStream("/dev/patrol/streams/rules/fixtures.yaml")) {
            JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(in);
            Map<String, JsonNode> byRule = new HashMap<>();
            root.get("fixtures").forEach(f -> byRule.put(f.get("rule").asText(), f));
            return byRule;
        }
    }

    static Stream<String> shippedRules() {
        return RuleBook.load(Optional.empty()).all().stream().map(RuleSettings::id);
    }

    @Test
    void shouldPairEveryShippedRuleWithADetectionAndAFixture() throws IOException {
        RuleBook book = RuleBook.load(Optional.empty());
        var detectionIds = Detections.all().stream().map(Detection::id).collect(Collectors.toSet());

        book.requireKnown(detectionIds);

        assertThat(book.all()).extracting(RuleSettings::id).containsExactlyInAnyOrderElementsOf(detectionIds);
        assertThat(fixtures().keySet()).containsExactlyInAnyOrderElementsOf(detectionIds);
        assertThat(book.all()).allSatisfy(rule -> {
            assertThat(rule.mitreAttack()).isNotEmpty();
            assertThat(rule.description()).isNotBlank();
            assertThat(rule.falsePositives()).isNotEmpty();
        });
    }

    @ParameterizedTest
    @MethodSource("shippedRules")
    void shouldFireOnPositiveFixtureOnly(String ruleId) throws IOException {
        JsonNode fixture = fixtures().get(ruleId);

        try (var positive = harness()) {
            useAll(positive, "positive", fixture.get("positive"));
            positive.after(Duration.ofDays(1)); // let processing-time graces run out
            assertThat(positive.findingsOf(ruleId)).as(ruleId + " positive").isNotEmpty();
        }
        try (var negative = harness()) {
            useAll(negative, "negative", fixture.get("negative"));
            negative.after(Duration.ofDays(1));
            assertThat(negative.findingsOf(ruleId)).as(ruleId + " negative").isEmpty();
        }
    }

    @Test
    void shouldRejectADuplicateRuleId() throws IOException {
        Path file = write("""
                rules:
                  - {id: PAT-OFFNET-01, title: a, severity: low, mitre: [T1078]}
                  - {id: PAT-OFFNET-01, title: b, severity: low, mitre: [T1078]}
                """);

        assertThatThrownBy(() -> RuleBook.load(Optional.of(file))).isInstanceOf(RuleException.class)
                .hasMessageContaining("rule id PAT-OFFNET-01 appears twice");
    }

    @Test
    void shouldNameRuleAndKeyWhenSeverityIsInvalid() throws IOException {
        Path file = write("rules:\n  - {id: PAT-GHOST-10, title: x, severity: urgent, mitre: [T1078]}\n");

        assertThatThrownBy(() -> RuleBook.load(Optional.of(file))).isInstanceOf(RuleException.class)
                .hasMessage("rule PAT-GHOST-10 (" + file + "): severity 'urgent' is not one of info, low, medium, high, critical");
    }

    @Test
    void shouldRejectARuleWithoutDetection() throws IOException {
        Path file = write("rules:\n  - {id: PAT-MADEUP-99, title: x, severity: low, mitre: [T1078]}\n");
        RuleBook book = RuleBook.load(Optional.of(file));

        assertThatThrownBy(() -> book.requireKnown(Detections.all().stream().map(Detection::id).collect(Collectors.toSet())))
                .isInstanceOf(RuleException.class).hasMessageContaining("PAT-MADEUP-99").hasMessageContaining("no detection");
    }

    @Test
    void shouldRejectAnUnknownParameterWhenTheTopologyIsBuilt() throws IOException {
        String bundled = new String(RuleBook.class.getResourceAsStream(RuleBook.BUNDLED).readAllBytes());
        Path file = write(bundled.replace("      grace: 1h", "      grace: 1h\n      gracePeriod: 2h"));

        assertThatThrownBy(() -> new DetectionHarness(new TestNetwork(), RuleBook.load(Optional.of(file))))
                .isInstanceOf(RuleException.class)
                .hasMessageContaining("PAT-POSTREVOKE-11").hasMessageContaining("unknown parameter(s) [gracePeriod]");
    }

    @Test
    void shouldNotRunADisabledRule() throws IOException {
        String bundled = new String(RuleBook.class.getResourceAsStream(RuleBook.BUNDLED).readAllBytes());
        Path file = write(bundled.replace("  - id: PAT-GHOST-10\n", "  - id: PAT-GHOST-10\n    enabled: false\n"));

        try (var harness = new DetectionHarness(new TestNetwork().corporate("10.0.0.0/8"), RuleBook.load(Optional.of(file)))) {
            useAll(harness, "g", fixtures().get("PAT-GHOST-10").get("positive"));
            harness.after(Duration.ofDays(1));
            assertThat(harness.findingsOf("PAT-GHOST-10")).isEmpty();
        }
    }

    private Path write(String yaml) throws IOException {
        Path file = dir.resolve("rules.yaml");
        Files.writeString(file, yaml);
        return file;
    }

    private static DetectionHarness harness() {
        return new DetectionHarness(new TestNetwork().corporate("10.0.0.0/8")
                .at("185.220.101.34", NetworkClass.TOR, "DE", null, 51, 9, 100, 60729, "Tor exit")
                .at("203.0.113.7", NetworkClass.PUBLIC, "NL", "Amsterdam", 52.37, 4.89, 20, 1136, "KPN")
                .at("192.0.2.50", NetworkClass.PUBLIC, "AU", "Sydney", -33.87, 151.21, 20, 1221, "Telstra"))
                .token(pat("11111111-2222-4333-8444-555555555555", "read-code", "vso.code", "jane@contoso.example"))
                .token(pat("33333333-2222-4333-8444-555555555555", "old-bot", "vso.code", "bob@contoso.example", false,
                        T0.minus(Duration.ofDays(30)), T0.plus(Duration.ofDays(30)), T0.minus(Duration.ofHours(3))));
    }

    private static void useAll(DetectionHarness harness, String name, JsonNode spec) {
        if (spec.isArray()) {
            for (int i = 0; i < spec.size(); i++) {
                feed(harness, name + "-" + i, spec.get(i));
            }
        } else {
            feed(harness, name, spec);
        }
    }

    /** An audit entry, or with {@code checkpoint:} a poller checkpoint, or with {@code token:} an inventory record. */
    private static void feed(DetectionHarness harness, String name, JsonNode spec) {
        if (spec.has("checkpoint")) {
            JsonNode checkpoint = spec.get("checkpoint");
            Instant windowEnd = DetectionHarness.DETECTED.plus(Duration.ofMinutes(checkpoint.path("endMinutes").asLong()));
            var recent = new java.util.ArrayList<Instant>();
            checkpoint.path("entryMinutes").forEach(m -> recent.add(DetectionHarness.DETECTED.plus(Duration.ofMinutes(m.asLong()))));
            harness.checkpoint(windowEnd, recent.toArray(Instant[]::new));
        } else if (spec.has("token")) {
            JsonNode token = spec.get("token");
            Instant validFrom = DetectionHarness.DETECTED.minus(Duration.ofDays(token.path("ageDays").asLong(30)));
            Instant validTo = DetectionHarness.DETECTED.plus(Duration.ofDays(token.path("daysLeft").asLong(60)));
            var pat = pat(token.get("id").asText(), token.path("name").asText("fixture"), token.path("scope").asText("vso.code"),
                    token.path("owner").asText("jane@contoso.example"), token.path("valid").asBoolean(true), validFrom,
                    validTo, DetectionHarness.DETECTED.minus(Duration.ofHours(1)));
            if (token.path("global").asBoolean(false)) {
                var s = pat.token();
                pat = new dev.patrol.model.event.PersonalAccessToken(pat.organization(), pat.owner(),
                        new dev.patrol.model.ado.SessionToken(s.authorizationId(), s.accessId(), s.clientId(),
                                s.hostAuthorizationId(), s.userId(), s.displayName(), s.scope(), null, s.validFrom(),
                                s.validTo(), s.isValid(), s.isPublic(), s.publicData(), s.source(), s.claims(), Map.of()),
                        pat.observedAt());
            }
            harness.token(pat);
        } else {
            harness.use(entry(name, spec));
        }
    }

    private static DetectionHarness.Entry entry(String id, JsonNode spec) {
        var entry = DetectionHarness.entry(id);
        if (spec.has("mechanism")) {
            entry.mechanism(spec.get("mechanism").asText());
        }
        if (spec.has("ip")) {
            entry.from(spec.get("ip").asText());
        }
        if (spec.has("action")) {
            entry.action(spec.get("action").asText());
        }
        if (spec.has("userAgent")) {
            entry.userAgent(spec.get("userAgent").asText());
        }
        if (spec.has("atMinutes")) {
            entry.at(T0.plus(Duration.ofMinutes(spec.get("atMinutes").asLong())));
        }
        if (spec.has("data")) {
            entry.data(spec.get("data"));
        }
        if (spec.has("by")) {
            String upn = spec.get("by").asText();
            entry.by(upn, "user-" + upn);
        }
        return entry;
    }
}
