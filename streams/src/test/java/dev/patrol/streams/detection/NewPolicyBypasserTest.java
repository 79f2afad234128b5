package dev.patrol.streams.detection;

import static dev.patrol.streams.detection.DetectionHarness.T0;
import static dev.patrol.streams.detection.DetectionHarness.entry;
import static dev.patrol.streams.detection.TokenUseWorld.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patrol.model.event.Severity;
import dev.patrol.streams.rules.RuleBook;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ADO-PRBYPASS-19 on the production topology: first bypass per actor, history expiry, allowlist, raises. */
class NewPolicyBypasserTest {

    static final String RULE = NewPolicyBypasser.RULE_ID;
    static final String BYPASS = NewPolicyBypasser.ACTION;

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

    private static ObjectNode pushed(String repo, String ref) {
        return JsonNodeFactory.instance.objectNode().put("RepoName", repo).put("RefName", ref);
    }

    private static DetectionHarness.Entry bypass(String id, Duration after) {
        return entry(id).action(BYPASS).from("10.0.0.1").at(T0.plus(after)).data(pushed("payments-api", "refs/heads/main"));
    }

    @Test
    void shouldReportAFirstBypassAtOnceAndNotTheNextWithinTheHistory() {
        harness.use(bypass("b1", Duration.ZERO))
                .use(bypass("b2", Duration.ofDays(1)))
                .use(bypass("b3", Duration.ofDays(13)));

        assertThat(harness.findingsOf(RULE)).singleElement().satisfies(f -> {
            assertThat(f.sourceEventIds()).containsExactly("b1");
            assertThat(f.severity()).isEqualTo(Severity.MEDIUM);
            assertThat(f.summary()).isEqualTo("jane@contoso.example, who had not bypassed a branch policy before, "
                    + "bypassed branch policies in payments-api on refs/heads/main from 10.0.0.1");
            assertThat(f.evidence()).containsEntry("repository", "payments-api").containsEntry("ref", "refs/heads/main")
                    .containsEntry("bypassHistory", "none: no bypass by this actor in the last 14d")
                    .doesNotContainKey("raisedBecause");
        });
    }

    @Test
    void shouldReportAgainOnceTheHistoryHasForgottenTheLastBypass() {
        harness.use(bypass("f1", Duration.ZERO))
                .use(bypass("f2", Duration.ofDays(15)));

        var findings = harness.findingsOf(RULE);

        assertThat(findings).extracting(f -> f.sourceEventIds().get(0)).containsExactly("f1", "f2");
        assertThat(findings.get(1).evidence()).containsEntry("bypassHistory",
                "none in the last 14d (previous bypass " + T0 + ")");
    }

    @Test
    void shouldKeepOneHistoryPerActor() {
        harness.use(bypass("p1", Duration.ZERO))
                .use(bypass("p2", Duration.ofMinutes(5)).by("bob@contoso.example", "user-bob"))
                .use(bypass("p3", Duration.ofMinutes(10)).by("bob@contoso.example", "user-bob"));

        assertThat(harness.findingsOf(RULE)).extracting(f -> f.sourceEventIds().get(0) + "=" + f.subject().userId())
                .containsExactly("p1=user-jane", "p2=user-bob");
    }

    @Test
    void shouldNotCountALateOlderBypassAsNew() {
        harness.use(bypass("o1", Duration.ofDays(2)))
                .use(bypass("o2", Duration.ZERO));

        assertThat(harness.findingsOf(RULE)).extracting(f -> f.sourceEventIds().get(0)).containsExactly("o1");
    }

    @Test
    void shouldNotReportAnAuthorisedBypasser() throws IOException {
        harness.close();
        String bundled = new String(RuleBook.class.getResourceAsStream(RuleBook.BUNDLED).readAllBytes());
        Path file = dir.resolve("rules.yaml");
        Files.writeString(file, bundled.replace("  - id: ADO-PRBYPASS-19\n",
                "  - id: ADO-PRBYPASS-19\n    allowlist: {users: [Release.Manager@contoso.example]}\n"));
        harness = new DetectionHarness(new TestNetwork().corporate("10.0.0.0/8"), RuleBook.load(Optional.of(file)));

        harness.use(bypass("a1", Duration.ZERO).by("release.manager@contoso.example", "user-rm"))
                .use(bypass("a2", Duration.ofMinutes(1)));

        assertThat(harness.findingsOf(RULE)).extracting(f -> f.sourceEventIds().get(0)).containsExactly("a2");
    }

    @Test
    void shouldSayWhenRepositoryOrBranchAreMissingAndReadKeysInAnyCase() {
        harness.use(bypass("k1", Duration.ZERO).data(null))
                .use(bypass("k2", Duration.ZERO).by("bob@contoso.example", "user-bob")
                        .data(JsonNodeFactory.instance.objectNode().put("repositoryname", "infra").put("REFNAME", "refs/heads/prod")));

        var findings = harness.findingsOf(RULE);

        assertThat(findings).hasSize(2);
        assertThat(findings.get(0).evidence())
                .containsEntry("repository", "not in the entry (no RepoName or RepositoryName)")
                .containsEntry("ref", "not in the entry (no RefName or FriendlyName)");
        assertThat(findings.get(0).summary()).isEqualTo("jane@contoso.example, who had not bypassed a branch policy "
                + "before, bypassed branch policies from 10.0.0.1");
        assertThat(findings.get(1).evidence()).containsEntry("repository", "infra").containsEntry("ref", "refs/heads/prod");
    }

    @Test
    void shouldTakeTheBranchFromTheTemplatesFriendlyNameWhenThereIsNoRefName() {
        harness.use(bypass("t1", Duration.ZERO).data(JsonNodeFactory.instance.objectNode().put("RepoName", "payments-api")
                .put("FriendlyName", "main").put("PushId", 4711)));

        assertThat(harness.findingsOf(RULE)).singleElement().satisfies(f -> assertThat(f.evidence())
                .containsEntry("repository", "payments-api").containsEntry("ref", "main"));
    }

    @Test
    void shouldReportABypassNamingNoActorAndSaySo() {
        harness.use(bypass("u1", Duration.ZERO).by(null, null))
                .use(bypass("u2", Duration.ofHours(2)).by(null, null));

        assertThat(harness.findingsOf(RULE)).extracting(f -> f.sourceEventIds().get(0) + "=" + f.evidence().get("bypassHistory"))
                .containsExactly("u1=unknown: the entry names no actor, so it cannot be compared with a history",
                        "u2=unknown: the entry names no actor, so it cannot be compared with a history");
    }

    @Test
    void shouldRaiseOneStepWithAPatOrFromOffNetworkAndSayWhy() {
        harness.use(bypass("r1", Duration.ZERO).pat("PAT", TOKEN).from("203.0.113.9"))
                .use(bypass("r2", Duration.ZERO).by("bob@contoso.example", "user-bob").from(TokenUseWorld.VPN_IP))
                .use(bypass("r3", Duration.ZERO).by("eve@contoso.example", "user-eve").pat("PAT_Unscoped", TOKEN));

        var findings = harness.findingsOf(RULE);

        assertThat(findings).extracting(f -> f.sourceEventIds().get(0) + "=" + f.severity())
                .containsExactly("r1=HIGH", "r2=HIGH", "r3=HIGH");
        assertThat(findings).extracting(f -> f.evidence().get("raisedBecause")).containsExactly(
                "done with a PAT; from outside the corporate network (public)",
                "from outside the corporate network (anonymizer)", "done with a PAT");
    }
}
