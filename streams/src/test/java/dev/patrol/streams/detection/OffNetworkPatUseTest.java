package dev.patrol.streams.detection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patrol.model.ado.AdoAuditEntry;
import dev.patrol.model.ado.SessionToken;
import dev.patrol.model.event.AuditSource;
import dev.patrol.model.event.DeadLetter;
import dev.patrol.model.event.Finding;
import dev.patrol.model.event.PersonalAccessToken;
import dev.patrol.model.event.ReceivedAuditEntry;
import dev.patrol.model.event.Severity;
import dev.patrol.model.event.TokenOwner;
import dev.patrol.model.net.Cidr;
import dev.patrol.model.topic.Topics;
import dev.patrol.streams.DetectionTopology;
import dev.patrol.streams.errors.DeadLetterExceptionHandler;
import dev.patrol.streams.network.NetworkModel;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** PAT-OFFNET-01 on the production topology, with explicit timestamps and a fixed clock. */
class OffNetworkPatUseTest {

    static final Instant T0 = Instant.parse("2026-05-01T10:00:00Z");
    static final Instant DETECTED = Instant.parse("2026-05-01T12:00:00Z");
    static final String FULL_TOKEN = "4ab5764f-4193-4f1d-b995-64144880b7d7";
    static final String SCOPED_TOKEN = "11111111-2222-4333-8444-555555555555";
    static final String UNKNOWN_TOKEN = "99999999-0000-4000-8000-000000000000";

    TopologyTestDriver driver;
    TestInputTopic<String, ReceivedAuditEntry> audit;
    TestInputTopic<String, PersonalAccessToken> tokens;
    TestOutputTopic<String, Finding> findings;
    TestOutputTopic<String, DeadLetter> deadLetters;

    @BeforeEach
    void setUp() {
        var network = new NetworkModel(List.of(Cidr.parse("10.0.0.0/8"), Cidr.parse("198.51.100.0/24"),
                Cidr.parse("2001:db8:c0::/48")));
        var topology = DetectionTopology.build(new DetectionTopology.Settings(network, "",
                Clock.fixed(DETECTED, ZoneOffset.UTC)));
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "offnet-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "dummy:9092");
        props.putAll(DeadLetterExceptionHandler.properties(Topics.DEAD_LETTERS.name()));
        driver = new TopologyTestDriver(topology, props);
        audit = driver.createInputTopic(Topics.AUDIT.name(), Topics.AUDIT.keySerde().serializer(),
                Topics.AUDIT.valueSerde().serializer());
        tokens = driver.createInputTopic(Topics.TOKENS.name(), Topics.TOKENS.keySerde().serializer(),
                Topics.TOKENS.valueSerde().serializer());
        findings = driver.createOutputTopic(Topics.FINDINGS.name(), Topics.FINDINGS.keySerde().deserializer(),
                Topics.FINDINGS.valueSerde().deserializer());
        deadLetters = driver.createOutputTopic(Topics.DEAD_LETTERS.name(), Topics.DEAD_LETTERS.keySerde().deserializer(),
                Topics.DEAD_LETTERS.valueSerde().deserializer());
        tokens.pipeInput(FULL_TOKEN, token(FULL_TOKEN, "ci-deploy", "app_token"), T0.minusSeconds(86400));
        tokens.pipeInput(SCOPED_TOKEN, token(SCOPED_TOKEN, "read-code", "vso.code"), T0.minusSeconds(86400));
    }

    @AfterEach
    void tearDown() {
        driver.close();
    }

    @Test
    void shouldReportFullScopeTokenAtHighSeverityWhenUsedFromOutsideIpv4() {
        audit.pipeInput("e1", entry("e1", "PAT_Unscoped authorizationId: " + FULL_TOKEN, "203.0.113.7"), T0);

        var output = findings.readKeyValuesToList();

        assertThat(output).hasSize(1);
        Finding finding = output.get(0).value;
        assertThat(output.get(0).key).isEqualTo(finding.id());
        assertThat(finding.id()).isEqualTo(Finding.stableId(OffNetworkPatUse.RULE_ID, FULL_TOKEN, "e1"));
        assertThat(finding.ruleId()).isEqualTo("PAT-OFFNET-01");
        assertThat(finding.severity()).isEqualTo(Severity.HIGH);
        assertThat(finding.mitreAttack()).containsExactly("T1078.004", "T1550.001");
        assertThat(finding.subject().authorizationId()).isEqualTo(FULL_TOKEN);
        assertThat(finding.subject().ipAddress()).isEqualTo("203.0.113.7");
        assertThat(finding.subject().userPrincipalName()).isEqualTo("jane@contoso.example");
        assertThat(finding.eventTime()).isEqualTo(T0);
        assertThat(finding.detectedAt()).isEqualTo(DETECTED);
        assertThat(finding.sourceEventIds()).containsExactly("e1");
        assertThat(finding.evidence()).containsEntry("token", "in inventory").containsEntry("tokenName", "ci-deploy")
                .containsEntry("scope", "app_token").containsEntry("owner", "jane@contoso.example")
                .containsEntry("ip", "203.0.113.7").containsEntry("action", "Git.RefUpdatePoliciesBypassed");
        assertThat(finding.summary()).isEqualTo("PAT 'ci-deploy' (full access) of jane@contoso.example did "
                + "Git.RefUpdatePoliciesBypassed from 203.0.113.7, outside the corporate network");
        assertThat(deadLetters.isEmpty()).isTrue();
    }

    @Test
    void shouldReportScopedTokenAtMediumWhenUsedFromOutsideIpv6() {
        audit.pipeInput("e2", entry("e2", "PAT authorizationId: " + SCOPED_TOKEN, "2001:db8:bad::1"), T0);

        List<Finding> output = findings.readValuesToList();

        assertThat(output).singleElement().satisfies(f -> {
            assertThat(f.severity()).isEqualTo(Severity.MEDIUM);
            assertThat(f.subject().ipAddress()).isEqualTo("2001:db8:bad::1");
            assertThat(f.subject().authorizationId()).isEqualTo(SCOPED_TOKEN);
        });
    }

    @Test
    void shouldStaySilentWhenPatIsUsedInsideCorporateIpv4OrIpv6() {
        audit.pipeInput("e3", entry("e3", "PAT_Unscoped authorizationId: " + FULL_TOKEN, "10.20.30.40"), T0);
        audit.pipeInput("e4", entry("e4", "PAT authorizationId: " + SCOPED_TOKEN, "2001:db8:c0:12::7"), T0);
        audit.pipeInput("e5", entry("e5", "PAT authorizationId: " + SCOPED_TOKEN, "::ffff:198.51.100.9"), T0);

        assertThat(findings.isEmpty()).isTrue();
        assertThat(deadLetters.isEmpty()).isTrue();
    }

    @Test
    void shouldStaySilentWhenEntryHasNoIpAddress() {
        audit.pipeInput("e6", entry("e6", "PAT_Unscoped authorizationId: " + FULL_TOKEN, null), T0);
        audit.pipeInput("e7", entry("e7", "PAT_Unscoped authorizationId: " + FULL_TOKEN, "  "), T0);

        assertThat(findings.isEmpty()).isTrue();
        assertThat(deadLetters.isEmpty()).isTrue();
    }

    @Test
    void shouldIgnoreCookieAndServicePrincipalAuthWhenOutside() {
        audit.pipeInput("e8", entry("e8", "AAD_Cookie", "203.0.113.8"), T0);
        audit.pipeInput("e9", entry("e9", "UserAuthToken", "203.0.113.9"), T0);
        audit.pipeInput("e10", entry("e10", "S2S_ServicePrincipal", "203.0.113.10"), T0);

        assertThat(findings.isEmpty()).isTrue();
    }

    @Test
    void shouldReportAndSaySoWhenTokenIsMissingFromInventory() {
        audit.pipeInput("e11", entry("e11", "PAT authorizationId: " + UNKNOWN_TOKEN, "185.220.101.34"), T0);

        assertThat(findings.readValuesToList()).singleElement().satisfies(f -> {
            assertThat(f.severity()).isEqualTo(Severity.HIGH);
            assertThat(f.subject().authorizationId()).isEqualTo(UNKNOWN_TOKEN);
            assertThat(f.evidence()).containsEntry("token", "not in inventory: deleted, owner removed, or not scanned yet")
                    .doesNotContainKey("tokenName");
            assertThat(f.summary()).startsWith("a PAT missing from the inventory of jane@contoso.example");
        });
    }

    @Test
    void shouldReportUnidentifiedPatWhenMechanismNamesNoToken() {
        audit.pipeInput("e12", entry("e12", "PAT_Global", "203.0.113.12"), T0);

        assertThat(findings.readValuesToList()).singleElement().satisfies(f -> {
            assertThat(f.subject().authorizationId()).isNull();
            assertThat(f.severity()).isEqualTo(Severity.HIGH);
            assertThat(f.evidence().get("token")).startsWith("not identified");
        });
    }

    @Test
    void shouldProduceTheSameFindingIdWhenTheSameEntryIsReplayed() {
        var e = entry("e13", "PAT authorizationId: " + SCOPED_TOKEN, "203.0.113.13");
        audit.pipeInput("e13", e, T0);
        audit.pipeInput("e13", e, T0);

        var output = findings.readValuesToList();

        assertThat(output).hasSize(2);
        assertThat(output.get(0).id()).isEqualTo(output.get(1).id());
    }

    @Test
    void shouldDeadLetterWhenIpAddressIsNotALiteral() {
        audit.pipeInput("e14", entry("e14", "PAT authorizationId: " + SCOPED_TOKEN, "evil.example.com"), T0);

        assertThat(findings.isEmpty()).isTrue();
        assertThat(deadLetters.readValuesToList()).singleElement().satisfies(d -> {
            assertThat(d.sourceTopic()).isEqualTo(Topics.AUDIT.name());
            assertThat(d.offset()).isZero();
            assertThat(d.reason()).isEqualTo("ipAddress is not an IP literal");
        });
    }

    @Test
    void shouldDeadLetterAndContinueWhenAuditRecordIsNotJson() {
        var raw = driver.createInputTopic(Topics.AUDIT.name(), new org.apache.kafka.common.serialization.StringSerializer(),
                new org.apache.kafka.common.serialization.StringSerializer());
        raw.pipeInput("bad", "{not json", T0);
        audit.pipeInput("e15", entry("e15", "PAT authorizationId: " + SCOPED_TOKEN, "203.0.113.15"), T0);

        assertThat(deadLetters.readValuesToList()).singleElement().satisfies(d -> {
            assertThat(d.stage()).isEqualTo("streams-deserialize");
            assertThat(d.offset()).isZero();
            assertThat(new String(d.payload())).isEqualTo("{not json");
            assertThat(d.reason()).doesNotContain("{not json");
        });
        assertThat(findings.readValuesToList()).hasSize(1);
    }

    static PersonalAccessToken token(String id, String name, String scope) {
        var session = new SessionToken(id, null, null, null, "user-1", name, scope, List.of("org-1"),
                T0.minusSeconds(86400 * 30), T0.plusSeconds(86400 * 60), true, false, null, null, null, Map.of());
        return new PersonalAccessToken("contoso", new TokenOwner("aad.jane", "jane@contoso.example", "Jane Doe"),
                session, T0.minusSeconds(3600));
    }

    static ReceivedAuditEntry entry(String id, String mechanism, String ip) {
        var entry = new AdoAuditEntry(id, null, null, null, "user-1", null, "jane@contoso.example", "Jane Doe", null,
                mechanism, T0, "organization", "contoso (Organization)", null, null, "Payments", ip, "curl/8.5.0",
                "Git.RefUpdatePoliciesBypassed", null, "Policies bypassed", "Git", "modify", "Modify", Map.of());
        return new ReceivedAuditEntry("contoso", AuditSource.POLL, T0.plusSeconds(60), entry);
    }
}
