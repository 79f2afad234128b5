package dev.patrol.streams.detection;

import static dev.patrol.streams.detection.DetectionHarness.DETECTED;
import static dev.patrol.streams.detection.DetectionHarness.T0;
import static dev.patrol.streams.detection.DetectionHarness.entry;
import static dev.patrol.streams.detection.DetectionHarness.pat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.patrol.model.event.Finding;
import dev.patrol.model.event.NetworkClass;
import dev.patrol.model.event.Severity;
import dev.patrol.model.topic.Topics;
import dev.patrol.streams.metrics.StreamsMetrics;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** PAT-OFFNET-01 on the production topology, with explicit timestamps and a fixed clock. */
class OffNetworkPatUseTest {

    static final String FULL = "4ab5764f-4193-4f1d-b995-64144880b7d7";
    static final String SCOPED = "11111111-2222-4333-8444-555555555555";
    static final String WRITER = "22222222-3333-4444-8555-666666666666";
    static final String UNKNOWN = "99999999-0000-4000-8000-000000000000";
    static final String RULE = OffNetworkPatUse.RULE_ID;

    DetectionHarness harness;

    @BeforeEach
    void setUp() {
        harness = new DetectionHarness(new TestNetwork()
                .corporate("10.0.0.0/8", "198.51.100.0/24", "2001:db8:c0::/48")
                .at("192.0.2.10", NetworkClass.VPN_EGRESS, null, null, 0, 0, 0, 64500, "Corp VPN")
                .at("20.1.2.3", NetworkClass.TRUSTED_ASN, "US", null, 0, 0, 0, 8075, "Microsoft"))
                .token(pat(FULL, "ci-deploy", "app_token", "jane@contoso.example"))
                .token(pat(SCOPED, "read-code", "vso.code", "jane@contoso.example"))
                .token(pat(WRITER, "pusher", "vso.code_write", "jane@contoso.example"));
    }

    @AfterEach
    void tearDown() {
        harness.close();
    }

    @Test
    void shouldReportFullScopeTokenAtHighWhenUsedFromOutsideOverIpv4() {
        harness.use(entry("e1").pat("PAT_Unscoped", FULL).from("203.0.113.7").action("Git.RepositoryCreated"));

        // The full-access token also has an inventory-hygiene finding of its own, which is not about this use.
        var output = harness.findings.readKeyValuesToList().stream()
                .filter(kv -> !kv.value.ruleId().equals(TokenHygiene.RULE_ID)).toList();

        assertThat(output).hasSize(1);
        Finding finding = output.get(0).value;
        assertThat(output.get(0).key).isEqualTo(finding.id());
        assertThat(finding.id()).isEqualTo(Finding.stableId(RULE, FULL, "e1"));
        assertThat(finding.ruleId()).isEqualTo(RULE);
        assertThat(finding.title()).isEqualTo("PAT used from outside the corporate network");
        assertThat(finding.severity()).isEqualTo(Severity.HIGH);
        assertThat(finding.mitreAttack()).containsExactly("T1078.004", "T1550.001");
        assertThat(finding.subject().authorizationId()).isEqualTo(FULL);
        assertThat(finding.subject().ipAddress()).isEqualTo("203.0.113.7");
        assertThat(finding.subject().userPrincipalName()).isEqualTo("jane@contoso.example");
        assertThat(finding.eventTime()).isEqualTo(T0);
        assertThat(finding.detectedAt()).isEqualTo(DETECTED);
        assertThat(finding.sourceEventIds()).containsExactly("e1");
        assertThat(finding.evidence()).containsEntry("token", "in inventory").containsEntry("tokenName", "ci-deploy")
                .containsEntry("scope", "app_token").containsEntry("owner", "jane@contoso.example")
                .containsEntry("ip", "203.0.113.7").containsEntry("network", "public")
                .containsEntry("severityRaisedFor", "powerful token scope").doesNotContainKey("sensitiveOperation");
        assertThat(finding.summary()).isEqualTo("PAT 'ci-deploy' (full access) of jane@contoso.example did "
                + "Git.RepositoryCreated from 203.0.113.7, outside the corporate network");
        assertThat(harness.deadLetters.isEmpty()).isTrue();
    }

    @Test
    void shouldKeepBaseSeverityForReadScopeOverIpv6() {
        harness.use(entry("e2").pat("PAT", SCOPED).from("2001:db8:bad::1"));

        assertThat(harness.findingsOf(RULE)).singleElement().satisfies(f -> {
            assertThat(f.severity()).isEqualTo(Severity.MEDIUM);
            assertThat(f.subject().ipAddress()).isEqualTo("2001:db8:bad::1");
        });
    }

    @Test
    void shouldRaiseTwiceForWriteScopeDoingASensitiveOperation() {
        harness.use(entry("e3").pat("PAT", WRITER).from("203.0.113.8").action("Git.RefUpdatePoliciesBypassed"));

        assertThat(harness.findingsOf(RULE)).singleElement().satisfies(f -> {
            assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
            assertThat(f.evidence()).containsEntry("sensitiveOperation", "true");
        });
    }

    @Test
    void shouldStaySilentWhenInsideCorporateVpnOrTrustedAsn() {
        harness.use(entry("e4").pat("PAT_Unscoped", FULL).from("10.20.30.40"))
                .use(entry("e5").pat("PAT", SCOPED).from("2001:db8:c0:12::7"))
                .use(entry("e6").pat("PAT", SCOPED).from("::ffff:198.51.100.9"))
                .use(entry("e7").pat("PAT", SCOPED).from("192.0.2.10"))
                .use(entry("e8").pat("PAT", SCOPED).from("20.1.2.3"));

        assertThat(harness.findingsOf(RULE)).isEmpty();
        assertThat(harness.deadLetters.isEmpty()).isTrue();
    }

    @Test
    void shouldStaySilentWhenEntryHasNoAddress() {
        harness.use(entry("e9").pat("PAT_Unscoped", FULL).from(null));

        assertThat(useFindings()).isEmpty();
        assertThat(harness.deadLetters.isEmpty()).isTrue();
    }

    @Test
    void shouldIgnoreCookieAndServicePrincipalAuthWhenOutside() {
        harness.use(entry("e10").mechanism("AAD_Cookie").from("203.0.113.10"))
                .use(entry("e11").mechanism("S2S_ServicePrincipal").from("203.0.113.11"));

        assertThat(harness.findingsOf(RULE)).isEmpty();
    }

    @Test
    void shouldReportAtHighAndSaySoWhenTokenIsMissingFromInventory() {
        harness.use(entry("e12").pat("PAT", UNKNOWN).from("185.220.101.34"));

        assertThat(harness.findingsOf(RULE)).singleElement().satisfies(f -> {
            assertThat(f.severity()).isEqualTo(Severity.HIGH);
            assertThat(f.subject().authorizationId()).isEqualTo(UNKNOWN);
            assertThat(f.evidence()).containsEntry("token", "not in inventory: deleted, owner removed, or not scanned yet")
                    .containsEntry("severityRaisedFor", "token not in inventory").doesNotContainKey("tokenName");
            assertThat(f.summary()).startsWith("a PAT missing from the inventory of jane@contoso.example");
        });
    }

    @Test
    void shouldReportUnidentifiedPatWhenMechanismNamesNoToken() {
        harness.use(entry("e13").mechanism("PAT_Global").from("203.0.113.13"));

        assertThat(harness.findingsOf(RULE)).singleElement().satisfies(f -> {
            assertThat(f.subject().authorizationId()).isNull();
            assertThat(f.evidence().get("token")).startsWith("not identified");
        });
    }

    @Test
    void shouldSuppressRepeatsInTheSameNetworkAndCountThem() {
        harness.use(entry("e14").pat("PAT", SCOPED).from("203.0.113.14"))
                .use(entry("e15").pat("PAT", SCOPED).from("203.0.113.15").at(T0.plus(Duration.ofMinutes(10))))
                .use(entry("e16").pat("PAT", SCOPED).from("203.0.113.16").at(T0.plus(Duration.ofMinutes(20))))
                .use(entry("e17").pat("PAT", SCOPED).from("203.0.113.17").at(T0.plus(Duration.ofMinutes(70))));

        List<Finding> output = harness.findingsOf(RULE);

        assertThat(output).extracting(f -> f.sourceEventIds().get(0)).containsExactly("e14", "e17");
        assertThat(output.get(1).evidence()).containsEntry("suppressedSincePrevious", "2");
    }

    @Test
    void shouldNotSuppressAnotherNetworkOrAnotherToken() {
        harness.use(entry("e18").pat("PAT", SCOPED).from("203.0.113.18"))
                .use(entry("e19").pat("PAT", SCOPED).from("203.0.114.19").at(T0.plusSeconds(60)))
                .use(entry("e20").pat("PAT", WRITER).from("203.0.113.20").at(T0.plusSeconds(120)));

        assertThat(harness.findingsOf(RULE)).extracting(f -> f.sourceEventIds().get(0)).containsExactly("e18", "e19", "e20");
    }

    @Test
    void shouldSuppressAnExactDuplicateOfAnEntry() {
        var duplicate = entry("e21").pat("PAT", SCOPED).from("203.0.113.21");
        harness.use(duplicate).use(duplicate);

        assertThat(harness.findingsOf(RULE)).hasSize(1);
    }

    @Test
    void shouldReportAnOutOfOrderEventWithinGraceOfItsWindow() {
        harness.use(entry("e22").pat("PAT", SCOPED).from("203.0.113.22").at(T0.plus(Duration.ofHours(2))))
                .use(entry("e23").pat("PAT", SCOPED).from("203.0.113.23").at(T0));

        assertThat(harness.findingsOf(RULE)).extracting(f -> f.sourceEventIds().get(0)).containsExactly("e22", "e23");
    }

    @Test
    void shouldDeadLetterWhenIpAddressIsNotALiteral() {
        harness.use(entry("e24").pat("PAT", SCOPED).from("evil.example.com"));

        assertThat(useFindings()).isEmpty();
        assertThat(harness.deadLetters.readValuesToList()).singleElement().satisfies(d -> {
            assertThat(d.sourceTopic()).isEqualTo(Topics.AUDIT.name());
            assertThat(d.reason()).isEqualTo("ipAddress is not an IP literal");
        });
        assertThat(harness.meters.get(StreamsMetrics.DEAD_LETTERS)
                .tags("topic", Topics.AUDIT.name(), "stage", "invalid").counter().count()).isEqualTo(1);
    }

    @Test
    void shouldDeadLetterAndContinueWhenAuditRecordIsNotJson() {
        var raw = harness.driver.createInputTopic(Topics.AUDIT.name(),
                new org.apache.kafka.common.serialization.StringSerializer(),
                new org.apache.kafka.common.serialization.StringSerializer());
        raw.pipeInput("bad", "{not json", T0);
        harness.use(entry("e25").pat("PAT", SCOPED).from("203.0.113.25"));

        assertThat(harness.deadLetters.readValuesToList()).singleElement().satisfies(d -> {
            assertThat(d.stage()).isEqualTo("streams-deserialize");
            assertThat(new String(d.payload())).isEqualTo("{not json");
            assertThat(d.reason()).doesNotContain("{not json");
        });
        assertThat(harness.meters.get(StreamsMetrics.DEAD_LETTERS)
                .tags("topic", Topics.AUDIT.name(), "stage", "deserialize").counter().count()).isEqualTo(1);
        assertThat(harness.findingsOf(RULE)).hasSize(1);
    }

    @Test
    void shouldSendTheFindingAgainWithTheTokenWhenItArrivesWithinTheGrace() {
        harness.use(entry("e26").pat("PAT", UNKNOWN).from("203.0.113.26"));
        harness.token(pat(UNKNOWN, "created-later", "vso.code", "jane@contoso.example"));

        List<Finding> output = harness.findingsOf(RULE);

        assertThat(output).hasSize(2);
        assertThat(output.get(1).id()).isEqualTo(output.get(0).id());
        assertThat(output.get(0).evidence()).containsEntry("token", "not in inventory: deleted, owner removed, or not scanned yet");
        assertThat(output.get(1).evidence()).containsEntry("token", "in inventory").containsEntry("tokenName", "created-later");
        assertThat(output.get(1).severity()).isEqualTo(Severity.MEDIUM);
    }

    @Test
    void shouldNotCompleteAFindingOnceTheGraceHasPassed() {
        harness.use(entry("e27").pat("PAT", UNKNOWN).from("203.0.113.27")).after(Duration.ofHours(3));
        harness.token(pat(UNKNOWN, "created-later", "vso.code", "jane@contoso.example"));

        assertThat(harness.findingsOf(RULE)).hasSize(1);
    }

    /** Findings about uses: everything but the inventory-hygiene findings the test tokens raise by themselves. */
    private java.util.List<Finding> useFindings() {
        return harness.findings.readValuesToList().stream().filter(f -> !f.ruleId().equals(TokenHygiene.RULE_ID)).toList();
    }
}
