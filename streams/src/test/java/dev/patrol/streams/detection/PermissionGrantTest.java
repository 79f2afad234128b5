package dev.patrol.streams.detection;

import static dev.patrol.streams.detection.DetectionHarness.entry;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patrol.model.event.NetworkClass;
import dev.patrol.model.event.Severity;
import dev.patrol.streams.permissions.GitPermission;
import dev.patrol.streams.permissions.GitSecurityToken;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** ADO-PERMGRANT-24 on the production topology: decoded grants, scopes, and entries that say too little. */
class PermissionGrantTest {

    static final String RULE = PermissionGrant.RULE_ID;
    static final String PROJECT = "b87f0d76-bb83-4274-a865-5ebdc6fe0500";
    static final String REPO = "5a0d7a40-46f2-4b8e-9b6e-0c1f2d3e4f50";

    final DetectionHarness harness = new DetectionHarness(new TestNetwork().corporate("10.0.0.0/8")
            .at("203.0.113.7", NetworkClass.PUBLIC, "NL", "Amsterdam", 52.37, 4.89, 20, 1136, "KPN"));

    @AfterEach
    void tearDown() {
        harness.close();
    }

    @Test
    void shouldDecodeAForcePushGrantOnARepositoryFromTheBitMasks() {
        harness.use(change("m1", git("repoV2/" + PROJECT + "/" + REPO, 8 | 4, 0)));

        assertThat(harness.findingsOf(RULE)).singleElement().satisfies(f -> {
            assertThat(f.summary()).isEqualTo("jane@contoso.example granted Force push (rewrite history, delete branches"
                    + " and tags) to [Payments]\\Contributors on repository " + REPO + " in project " + PROJECT);
            assertThat(f.severity()).isEqualTo(Severity.MEDIUM);
            assertThat(f.evidence()).containsEntry("allowMask", "12").containsEntry("decodedFrom", "Permissions[].allow bit masks")
                    .containsEntry("namespace", "Git Repositories (" + GitPermission.NAMESPACE_ID + ")");
        });
    }

    @Test
    void shouldShowAProtectedBranchWithSlashesAndNonAsciiByNameAndIgnoreAPersonalBranch() {
        String release = GitSecurityToken.encode(PROJECT, REPO, "refs/heads", "release/2026-ü");
        String personal = GitSecurityToken.encode(PROJECT, REPO, "refs/heads", "users/jane/straße");
        harness.use(change("m2", git(release, 32768, 0))).use(change("m3", git(personal, 8, 0)));

        assertThat(harness.findingsOf(RULE)).singleElement().satisfies(f -> {
            assertThat(f.sourceEventIds()).containsExactly("m2");
            assertThat(f.summary()).contains("Bypass policies when completing pull requests",
                    "on branch release/2026-ü of repository " + REPO, "(a protected branch)");
        });
    }

    @Test
    void shouldIgnoreHarmlessGrantsDeniedBitsAndOtherNamespaces() {
        ObjectNode library = git("Library/Collection/VariableGroup/4693", 8, 0);
        library.put("NamespaceId", "b7e84409-6553-448a-bbb2-af228e07cbeb").put("NamespaceName", "Library");
        harness.use(change("m4", git("repoV2/" + PROJECT + "/" + REPO, 2 | 4 | 16384, 0)))
                .use(change("m5", git("repoV2/" + PROJECT + "/" + REPO, 8, 8)))
                .use(change("m6", library));

        assertThat(harness.findingsOf(RULE)).isEmpty();
    }

    @Test
    void shouldRaiseAGrantMadeWithAPatFromOutside() {
        harness.use(change("m7", git("repoV2/" + PROJECT, 8192, 0))
                .mechanism("PAT authorizationId: 11111111-2222-4333-8444-555555555555").from("203.0.113.7"));

        assertThat(harness.findingsOf(RULE)).singleElement().satisfies(f -> {
            assertThat(f.severity()).isEqualTo(Severity.HIGH);
            assertThat(f.summary()).contains("Manage permissions", "every Git repository of project " + PROJECT,
                    ", done with a PAT and from outside the corporate network (public)");
            assertThat(f.evidence()).containsEntry("raisedBecause", "done with a PAT; from outside the corporate network (public)");
        });
    }

    @Test
    void shouldFallBackToTheSummaryNamesWhenThereAreNoMasks() {
        ObjectNode data = JsonNodeFactory.instance.objectNode().put("NamespaceName", "Git Repositories")
                .put("Token", "repoV2/" + PROJECT + "/" + REPO).put("SubjectDisplayName", "[Payments]\\Contributors");
        data.putArray("EventSummary").addObject().put("PermissionNames", "Bypass policies when pushing, Read")
                .put("Change", "allow");
        harness.use(change("m8", data));

        assertThat(harness.findingsOf(RULE)).singleElement().satisfies(f -> {
            assertThat(f.summary()).contains("granted Bypass policies when pushing to");
            assertThat(f.evidence()).containsEntry("decodedFrom", "EventSummary permission names (no bit masks in the entry)")
                    .doesNotContainKey("allowMask");
        });
    }

    @Test
    void shouldSayWhatIsMissingInsteadOfGuessing() {
        harness.use(change("m9", JsonNodeFactory.instance.objectNode().put("SubjectDisplayName", "[Payments]\\Contributors")));

        assertThat(harness.findingsOf(RULE)).singleElement().satisfies(f -> {
            assertThat(f.severity()).isEqualTo(Severity.INFO);
            assertThat(f.summary()).contains("cannot tell what was granted", "NamespaceId/NamespaceName", "Token",
                    "Permissions[].allow and EventSummary[].PermissionNames");
        });
    }

    @Test
    void shouldShowAnUndecodableTokenRawAndSaySo() {
        harness.use(change("m10", git("repoV2/" + PROJECT + "/" + REPO + "/refs/heads/zz", 8, 0)));

        assertThat(harness.findingsOf(RULE)).singleElement().satisfies(f -> {
            assertThat(f.summary()).contains("on security token repoV2/");
            assertThat(f.evidence().get("scopeUndecoded")).contains("shown raw");
        });
    }

    private static DetectionHarness.Entry change(String id, ObjectNode data) {
        return entry(id).action("Security.ModifyPermission").data(data);
    }

    private static ObjectNode git(String token, long allow, long deny) {
        ObjectNode data = JsonNodeFactory.instance.objectNode().put("NamespaceId", GitPermission.NAMESPACE_ID)
                .put("NamespaceName", "Git Repositories").put("Token", token)
                .put("SubjectDisplayName", "[Payments]\\Contributors");
        ArrayNode permissions = data.putArray("Permissions");
        ObjectNode ace = permissions.addObject();
        ace.putObject("baseEntry").put("descriptor", "Microsoft.TeamFoundation.Identity;S-1-9-1").put("allow", allow)
                .put("deny", deny);
        ace.put("descriptor", "Microsoft.TeamFoundation.Identity;S-1-9-1").put("allow", allow).put("deny", deny);
        return data;
    }
}
