package dev.patrol.alerts.response;

import static dev.patrol.alerts.response.Fixtures.finding;
import static dev.patrol.alerts.response.Fixtures.policy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.patrol.alerts.response.PolicyDecision.Outcome;
import dev.patrol.model.config.ConfigException;
import dev.patrol.model.event.Finding;
import dev.patrol.model.event.Severity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResponsePolicyTest {

    private static final String TOKEN = "4ab5764f-4193-4f1d-b995-64144880b7d7";
    private static final String POLICY = """
            dryRun: false
            capPerHour: 3
            notifyOwner: after
            allowlist:
              users: [Build.Robot@contoso.example]
              tokens: [11111111-2222-3333-4444-555555555555]
              serviceAccounts: ["svc-*@contoso.example"]
            rules:
              - rule: PAT-LEAKED-12
                minSeverity: high
                mode: automatic
              - rule: PAT-ANON-06
                minSeverity: high
                mode: automatic
                when: { fullScope: true, network: [tor, anonymizer] }
              - rule: PAT-ANON-06
                mode: approval
            """;

    @Test
    void shouldBeDryRunWhenTheBundledPolicyIsLoaded() {
        ResponsePolicy bundled = ResponsePolicy.load(Optional.empty());

        assertThat(bundled.dryRun()).isTrue();
        assertThat(bundled.rules()).extracting(PolicyRule::ruleId).contains("PAT-LEAKED-12", "PAT-ANON-06");
        assertThat(bundled.needsApprovalLinks()).isTrue();
        assertThat(bundled.source()).isEqualTo("bundled policy.yaml");
    }

    @Test
    void shouldDefaultToDryRunWhenTheFileDoesNotSayOtherwise() {
        ResponsePolicy policy = policy("rules: []\n");

        assertThat(policy.dryRun()).isTrue();
        assertThat(policy.capPerHour()).isEqualTo(5);
        assertThat(policy.notifyOwner()).isEqualTo(OwnerNoticeTiming.NEVER);
        assertThat(policy.allowlist()).isEqualTo(Allowlist.EMPTY);
    }

    @Test
    void shouldReadEveryKeyWhenThePolicyIsComplete() {
        ResponsePolicy policy = policy(POLICY);

        assertThat(policy.dryRun()).isFalse();
        assertThat(policy.capPerHour()).isEqualTo(3);
        assertThat(policy.notifyOwner()).isEqualTo(OwnerNoticeTiming.AFTER);
        assertThat(policy.rules()).hasSize(3);
        assertThat(policy.rules().get(1).fullScope()).contains(true);
        assertThat(policy.rules().get(2).minSeverity()).isEqualTo(Severity.HIGH);
        assertThat(policy.rules().get(2).mode()).isEqualTo(RevocationMode.APPROVAL);
    }

    @Test
    void shouldLoadTheOperatorsFileWhenOneIsGiven(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("policy.yaml"), POLICY);

        ResponsePolicy policy = ResponsePolicy.load(Optional.of(file));

        assertThat(policy.source()).isEqualTo(file.toString());
        assertThat(policy.dryRun()).isFalse();
    }

    @Test
    void shouldNameFileRuleAndKeyWhenAKeyIsMisspelt() {
        assertThatThrownBy(() -> policy("rules:\n  - rule: PAT-LEAKED-12\n    mode: automatic\n    minSeverty: high\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("response policy test.yaml, rule #1: unknown key 'minSeverty' (known: minSeverity, mode, "
                        + "rule, when)");
    }

    @Test
    void shouldRefuseWhenModeIsNotAutomaticOrApproval() {
        assertThatThrownBy(() -> policy("rules:\n  - rule: PAT-LEAKED-12\n    mode: auto\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("response policy test.yaml, rule #1 (PAT-LEAKED-12): mode 'auto' is not automatic or approval");
    }

    @Test
    void shouldRefuseWhenModeIsMissing() {
        assertThatThrownBy(() -> policy("rules:\n  - rule: PAT-LEAKED-12\n"))
                .hasMessage("response policy test.yaml, rule #1 (PAT-LEAKED-12): mode is required (automatic or approval)");
    }

    @Test
    void shouldRefuseWhenRuleIdIsNotADetectionId() {
        assertThatThrownBy(() -> policy("rules:\n  - rule: leaked\n    mode: automatic\n"))
                .hasMessage("response policy test.yaml, rule #1: rule 'leaked' is not a detection rule id such as PAT-LEAKED-12");
    }

    @Test
    void shouldRefuseWhenAnAllowlistedTokenIsNotAGuid() {
        assertThatThrownBy(() -> policy("allowlist:\n  tokens: [ci-token]\nrules: []\n"))
                .hasMessage("response policy test.yaml: allowlist.tokens: 'ci-token' is not an authorizationId (a GUID)");
    }

    @Test
    void shouldRefuseWhenAServiceAccountPatternMatchesEveryone() {
        assertThatThrownBy(() -> policy("allowlist:\n  serviceAccounts: ['*']\nrules: []\n"))
                .hasMessageStartingWith("response policy test.yaml: allowlist.serviceAccounts: '*' matches everyone");
    }

    @Test
    void shouldRefuseWhenTheCapIsNotAPositiveWholeNumber() {
        assertThatThrownBy(() -> policy("capPerHour: 0\nrules: []\n"))
                .hasMessageStartingWith("response policy test.yaml: capPerHour '0' must be a whole number from 1 to 10000");
        assertThatThrownBy(() -> policy("capPerHour: lots\nrules: []\n"))
                .hasMessageStartingWith("response policy test.yaml: capPerHour 'lots'");
    }

    @Test
    void shouldRefuseWhenDryRunIsNotABoolean() {
        assertThatThrownBy(() -> policy("dryRun: maybe\nrules: []\n"))
                .hasMessage("response policy test.yaml: dryRun 'maybe' is not true or false");
    }

    @Test
    void shouldRefuseWhenANetworkClassIsUnknown() {
        assertThatThrownBy(() -> policy("rules:\n  - rule: PAT-ANON-06\n    mode: automatic\n    when: { network: [darknet] }\n"))
                .hasMessageStartingWith("response policy test.yaml, rule #1 (PAT-ANON-06): when.network 'darknet' is not one of");
    }

    @Test
    void shouldRefuseWhenRulesAreMissing() {
        assertThatThrownBy(() -> policy("dryRun: true\n"))
                .hasMessage("response policy test.yaml: rules is required (a list; empty means nothing is ever revoked)");
    }

    @Test
    void shouldNameTheLineWhenTheFileIsNotYaml() {
        assertThatThrownBy(() -> policy("rules: [\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("response policy test.yaml: not valid YAML")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void shouldRevokeAutomaticallyWhenALeakedTokenIsUsed() {
        Finding finding = Fixtures.leakedUse(TOKEN, "alice@contoso.example", "w1");

        PolicyDecision decision = policy(POLICY).evaluate(finding, facts(finding));

        assertThat(decision.outcome()).isEqualTo(Outcome.AUTOMATIC);
        assertThat(decision.reason()).contains("rule #1 (PAT-LEAKED-12)");
    }

    @Test
    void shouldAskForApprovalWhenAnAnonymizedUseIsNotFullScope() {
        Finding finding = finding("PAT-ANON-06", Severity.HIGH, TOKEN, "alice@contoso.example", "vso.code", "tor", "w1");

        PolicyDecision decision = policy(POLICY).evaluate(finding, facts(finding));

        assertThat(decision.outcome()).isEqualTo(Outcome.APPROVAL);
        assertThat(decision.rule().orElseThrow().position()).isEqualTo("rule #3 (PAT-ANON-06)");
    }

    @Test
    void shouldRevokeAutomaticallyWhenAFullScopeTokenActsFromTor() {
        Finding finding = finding("PAT-ANON-06", Severity.HIGH, TOKEN, "alice@contoso.example", "app_token", "tor", "w1");

        assertThat(policy(POLICY).evaluate(finding, facts(finding)).outcome()).isEqualTo(Outcome.AUTOMATIC);
    }

    @Test
    void shouldNotTreatATokenAsFullScopeWhenItsScopeIsUnknown() {
        Finding finding = finding("PAT-ANON-06", Severity.HIGH, TOKEN, "alice@contoso.example", null, "tor", "w1");

        assertThat(policy(POLICY).evaluate(finding, facts(finding)).outcome()).isEqualTo(Outcome.APPROVAL);
    }

    @Test
    void shouldLeaveFindingsToPeopleWhenBelowTheMinimumSeverity() {
        Finding finding = finding("PAT-ANON-06", Severity.MEDIUM, TOKEN, "alice@contoso.example", "app_token", "tor", "w1");

        assertThat(policy(POLICY).evaluate(finding, facts(finding)).outcome()).isEqualTo(Outcome.NOT_ELIGIBLE);
    }

    @Test
    void shouldLeaveFindingsToPeopleWhenNoRuleNamesTheirDetection() {
        Finding finding = finding("PAT-OFFNET-01", Severity.CRITICAL, TOKEN, "alice@contoso.example", "app_token", "tor", "w1");

        assertThat(policy(POLICY).evaluate(finding, facts(finding)).outcome()).isEqualTo(Outcome.NOT_ELIGIBLE);
    }

    @Test
    void shouldNeverRevokeWhenTheOwnerIsAnAllowlistedUserWhateverTheCase() {
        Finding finding = Fixtures.leakedUse(TOKEN, "build.robot@CONTOSO.example", "w1");

        PolicyDecision decision = policy(POLICY).evaluate(finding, facts(finding));

        assertThat(decision.outcome()).isEqualTo(Outcome.ALLOWLISTED);
        assertThat(decision.reason()).startsWith("user build.robot@contoso.example is on the policy allowlist");
    }

    @Test
    void shouldNeverRevokeWhenTheTokenIsAllowlisted() {
        Finding finding = Fixtures.leakedUse("11111111-2222-3333-4444-555555555555", "alice@contoso.example", "w1");

        assertThat(policy(POLICY).evaluate(finding, facts(finding)).outcome()).isEqualTo(Outcome.ALLOWLISTED);
    }

    @Test
    void shouldNeverRevokeWhenTheOwnerMatchesAServiceAccountPattern() {
        Finding finding = Fixtures.leakedUse(TOKEN, "svc-release@contoso.example", "w1");

        PolicyDecision decision = policy(POLICY).evaluate(finding, facts(finding));

        assertThat(decision.outcome()).isEqualTo(Outcome.ALLOWLISTED);
        assertThat(decision.reason()).startsWith("service account svc-release@contoso.example matches allowlist pattern");
    }

    @Test
    void shouldNotTreatPatternCharactersAsRegexWhenMatchingServiceAccounts() {
        assertThat(Allowlist.glob("svc.+@x").matcher("svcaa@x").matches()).isFalse();
        assertThat(Allowlist.glob("svc-*@x").matcher("svc-a.b@x").matches()).isTrue();
    }

    private static TokenFacts facts(Finding finding) {
        return TokenFacts.of(finding, TokenFacts.authorizationIdOf(finding).orElseThrow(), Optional.empty());
    }
}
