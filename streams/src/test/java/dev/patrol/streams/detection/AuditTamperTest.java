package dev.patrol.streams.detection;

import static dev.patrol.streams.detection.DetectionHarness.T0;
import static dev.patrol.streams.detection.DetectionHarness.entry;
import static dev.patrol.streams.detection.TokenUseWorld.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patrol.model.event.Severity;
import dev.patrol.streams.rules.RuleBook;
import dev.patrol.streams.rules.RuleException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ADO-TAMPER-18 on the production topology: audit streams, weakening policies, lenient values, raises. */
class AuditTamperTest {

    static final String RULE = AuditTamper.RULE_ID;
    static final String POLICY = AuditTamper.POLICY_UPDATED;

    @TempDir
    Path dir;

    DetectionHarness harness;

    @BeforeEach
    void setUp() {
        harness = TokenUseWorld.harness();
    }

    @AfterEach
    void tearDown() {
        harness.close();
    }

    private static ObjectNode policy(String name, String value) {
        ObjectNode data = JsonNodeFactory.instance.objectNode();
        if (name != null) {
            data.put("PolicyName", name);
        }
        if (value != null) {
            data.put("PolicyValue", value);
        }
        return data;
    }

    private static DetectionHarness.Entry change(String id, int minute) {
        return entry(id).from("10.0.0.1").at(T0.plus(Duration.ofMinutes(minute)));
    }

    @Test
    void shouldReportStreamsStoppedByAPersonAtBaseAndBySystemOneStepLower() {
        harness.use(change("a1", 0).action("AuditLog.StreamDeleted")
                        .details("Deleted stream Splunk HEC (id 7)"))
                .use(change("a2", 1).action("AuditLog.StreamDisabledByUser"))
                .use(change("a3", 2).action("AuditLog.StreamModified"))
                .use(change("a4", 3).action("AuditLog.StreamDisabledBySystem").mechanism("").from(null)
                        .by("Azure DevOps Service", "00000002-0000-8888-8000-000000000000"));

        var findings = harness.findingsOf(RULE);

        assertThat(findings).extracting(f -> f.sourceEventIds().get(0) + "=" + f.severity())
                .containsExactly("a1=HIGH", "a2=HIGH", "a3=HIGH", "a4=MEDIUM");
        assertThat(findings.get(0).summary()).isEqualTo("jane@contoso.example deleted an audit stream: audit events no "
                + "longer reach the SIEM it fed (from 10.0.0.1)");
        assertThat(findings.get(0).evidence()).containsEntry("details", "Deleted stream Splunk HEC (id 7)")
                .doesNotContainKey("raisedBecause");
        assertThat(findings.get(3).summary()).startsWith("ADO disabled an audit stream by itself");
    }

    @Test
    void shouldReportEachWeakeningPolicyAndSayWhatItMeans() {
        harness.use(change("p1", 0).action(POLICY).data(policy("Policy.LogAuditEvents", "OFF")))
                .use(change("p2", 1).action(POLICY).data(policy("Policy.EnforceAADConditionalAccess", "false")))
                .use(change("p3", 2).action(POLICY).data(policy("Policy.DisallowAadGuestUserAccess", "0")))
                .use(change("p4", 3).action(POLICY).data(policy("Policy.AllowAnonymousAccess", "enabled")));

        var findings = harness.findingsOf(RULE);

        assertThat(findings).extracting(f -> f.sourceEventIds().get(0) + "=" + f.severity())
                .containsExactly("p1=CRITICAL", "p2=HIGH", "p3=HIGH", "p4=HIGH");
        assertThat(findings).extracting(f -> f.evidence().get("meaning")).satisfiesExactly(
                m -> assertThat(m).startsWith("audit logging turned off"),
                m -> assertThat(m).startsWith("IP Conditional Access policy validation on non-interactive flows turned off"),
                m -> assertThat(m).startsWith("guest access allowed"),
                m -> assertThat(m).startsWith("public projects allowed"));
        assertThat(findings.get(0).summary()).isEqualTo("jane@contoso.example set organization policy "
                + "Policy.LogAuditEvents to OFF: audit logging turned off: the organization stops recording audit events, "
                + "so this and every other monitor of the audit log go blind (from 10.0.0.1)");
        assertThat(findings.get(0).evidence()).containsEntry("policy", "Policy.LogAuditEvents")
                .containsEntry("policyValue", "OFF");
    }

    @Test
    void shouldReadPolicyKeysNamesAndValuesInAnyCase() {
        ObjectNode lowerKeys = JsonNodeFactory.instance.objectNode().put("policyname", "policy.logauditevents")
                .put("POLICYVALUE", "Disabled");
        ObjectNode booleanValue = JsonNodeFactory.instance.objectNode().put("PolicyName", "AllowAnonymousAccess")
                .put("PolicyValue", true);

        harness.use(change("c1", 0).action(POLICY).data(lowerKeys))
                .use(change("c2", 1).action("organizationpolicy.policyvalueupdated").data(booleanValue));

        assertThat(harness.findingsOf(RULE)).extracting(f -> f.sourceEventIds().get(0) + "=" + f.severity())
                .containsExactly("c1=CRITICAL", "c2=HIGH");
    }

    @Test
    void shouldStaySilentWhenAPolicyIsStrengthenedUnlistedOrUnnamed() {
        harness.use(change("n1", 0).action(POLICY).data(policy("Policy.LogAuditEvents", "ON")))
                .use(change("n2", 1).action(POLICY).data(policy("Policy.AllowAnonymousAccess", "OFF")))
                .use(change("n3", 2).action(POLICY).data(policy("Policy.AllowTeamAdminsInvitationsAccessToken", "OFF")))
                .use(change("n4", 3).action(POLICY).data(policy(null, "OFF")))
                .use(change("n5", 4).action(POLICY))
                .use(change("n6", 5).action("AuditLog.StreamCreated"))
                .use(change("n7", 6).action("AuditLog.DownloadLog"));

        assertThat(harness.findingsOf(RULE)).isEmpty();
        assertThat(harness.deadLetters.readValuesToList()).isEmpty();
    }

    @Test
    void shouldReportAListedPolicyWithAnUnreadableValueOneStepLowerAndSaySo() {
        harness.use(change("u1", 0).action(POLICY).data(policy("Policy.LogAuditEvents", null)))
                .use(change("u2", 1).action(POLICY).data(policy("Policy.EnforceAADConditionalAccess", "maybe")));

        var findings = harness.findingsOf(RULE);

        assertThat(findings).extracting(f -> f.sourceEventIds().get(0) + "=" + f.severity())
                .containsExactly("u1=HIGH", "u2=MEDIUM");
        assertThat(findings.get(0).evidence()).containsEntry("policyValue", "not in the entry (no PolicyValue)");
        assertThat(findings.get(0).evidence().get("meaning")).startsWith("if set to OFF: audit logging turned off");
        assertThat(findings.get(1).evidence()).containsEntry("policyValue", "'maybe': read as neither on nor off");
    }

    @Test
    void shouldRaiseOneStepWithAPatOrFromOffNetworkAndSayWhy() {
        harness.use(change("r1", 0).action("AuditLog.StreamDisabledByUser").pat("PAT", TOKEN).from("203.0.113.9"))
                .use(change("r2", 1).action("AuditLog.StreamModified").from("203.0.113.9"))
                .use(change("r3", 2).action(POLICY).pat("PAT", TOKEN).data(policy("Policy.LogAuditEvents", "OFF")))
                .use(change("r4", 3).action("AuditLog.StreamDisabledBySystem").from(TokenUseWorld.TOR_IP));

        var findings = harness.findingsOf(RULE);

        assertThat(findings).extracting(f -> f.sourceEventIds().get(0) + "=" + f.severity())
                .containsExactly("r1=CRITICAL", "r2=CRITICAL", "r3=CRITICAL", "r4=HIGH");
        assertThat(findings.get(0).evidence())
                .containsEntry("raisedBecause", "done with a PAT; from outside the corporate network (public)")
                .containsEntry("authorizationId", TOKEN);
        assertThat(findings.get(0).subject().authorizationId()).isEqualTo(TOKEN);
        assertThat(findings.get(1).evidence()).containsEntry("raisedBecause", "from outside the corporate network (public)");
        assertThat(findings.get(2).evidence()).containsEntry("raisedBecause", "done with a PAT");
    }

    @Test
    void shouldDropAllowlistedAdministrators() throws IOException {
        harness.close();
        harness = new DetectionHarness(new TestNetwork().corporate("10.0.0.0/8"),
                rules("  - id: ADO-TAMPER-18\n", "  - id: ADO-TAMPER-18\n    allowlist: {users: [JANE@contoso.example]}\n"));

        harness.use(change("l1", 0).action("AuditLog.StreamDeleted"))
                .use(change("l2", 1).action("AuditLog.StreamDeleted").by("bob@contoso.example", "user-bob"));

        assertThat(harness.findingsOf(RULE)).extracting(f -> f.sourceEventIds().get(0)).containsExactly("l2");
    }

    @Test
    void shouldTakeTheWeakeningTableFromTheRuleFile() throws IOException {
        harness.close();
        harness = new DetectionHarness(new TestNetwork().corporate("10.0.0.0/8"), rules(
                "      weakening: [Policy.LogAuditEvents=off, Policy.EnforceAADConditionalAccess=off,\n"
                        + "                  Policy.DisallowAadGuestUserAccess=off, Policy.AllowAnonymousAccess=on]\n",
                "      weakening: [Policy.ArtifactsExternalPackageProtectionToken=off]\n"));

        harness.use(change("t1", 0).action(POLICY).data(policy("Policy.ArtifactsExternalPackageProtectionToken", "off")))
                .use(change("t2", 1).action(POLICY).data(policy("Policy.LogAuditEvents", "OFF")));

        assertThat(harness.findingsOf(RULE)).singleElement().satisfies(f -> {
            assertThat(f.sourceEventIds()).containsExactly("t1");
            assertThat(f.severity()).isEqualTo(Severity.HIGH);
            assertThat(f.evidence()).containsEntry("meaning", "Policy.ArtifactsExternalPackageProtectionToken set to "
                    + "OFF, a weakening listed in the rule's weakening parameter");
        });
    }

    @Test
    void shouldRejectAWeakeningEntryWithoutItsWeakValue() throws IOException {
        RuleBook rules = rules(
                "      weakening: [Policy.LogAuditEvents=off, Policy.EnforceAADConditionalAccess=off,\n"
                        + "                  Policy.DisallowAadGuestUserAccess=off, Policy.AllowAnonymousAccess=on]\n",
                "      weakening: [Policy.LogAuditEvents]\n");

        assertThatThrownBy(() -> new DetectionHarness(new TestNetwork(), rules)).isInstanceOf(RuleException.class)
                .hasMessageContaining("rule ADO-TAMPER-18").hasMessageContaining("parameter weakening: "
                        + "'Policy.LogAuditEvents' is not <PolicyName>=on or <PolicyName>=off");
    }

    private RuleBook rules(String bundledText, String replacement) throws IOException {
        String bundled = new String(RuleBook.class.getResourceAsStream(RuleBook.BUNDLED).readAllBytes());
        assertThat(bundled).contains(bundledText);
        Path file = dir.resolve("rules.yaml");
        Files.writeString(file, bundled.replace(bundledText, replacement));
        return RuleBook.load(Optional.of(file));
    }
}
