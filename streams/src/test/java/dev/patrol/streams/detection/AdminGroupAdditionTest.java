package dev.patrol.streams.detection;

import static dev.patrol.streams.detection.DetectionHarness.T0;
import static dev.patrol.streams.detection.DetectionHarness.entry;
import static dev.patrol.streams.detection.TokenUseWorld.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** ADO-ADMINADD-17 on the production topology: which groups, from data or details, raises, missing keys. */
class AdminGroupAdditionTest {

    static final String RULE = AdminGroupAddition.RULE_ID;
    static final String ADD = AdminGroupAddition.ACTION;

    DetectionHarness harness;

    @BeforeEach
    void setUp() {
        harness = TokenUseWorld.harness();
    }

    @AfterEach
    void tearDown() {
        harness.close();
    }

    /** The data shape seen in public samples. */
    private static ObjectNode added(String groupName, String memberId, String memberName) {
        ObjectNode data = JsonNodeFactory.instance.objectNode().put("GroupId", "a1b2c3d4-0000-4000-8000-000000000009")
                .put("GroupName", groupName).put("MemberId", memberId).put("MemberDisplayName", memberName);
        data.putArray("Updates").addObject().put("GroupId", "a1b2c3d4-0000-4000-8000-000000000009")
                .put("MemberId", memberId).put("Active", true);
        return data;
    }

    private static DetectionHarness.Entry addition(String id, int minute) {
        return entry(id).action(ADD).from("10.0.0.1").at(T0.plus(Duration.ofMinutes(minute)));
    }

    @Test
    void shouldReportAdditionsToEachAdminGroupAndRaiseTheOrganizationsAdministrators() {
        harness.use(addition("g1", 0).data(added("[Project_Alpha]\\Project Administrators", "user-eve", "Eve Example")))
                .use(addition("g2", 1).data(added("[contoso]\\Project Collection Administrators", "user-eve", "Eve Example")))
                .use(addition("g3", 2).data(added("[Project_Alpha]\\Build Administrators", "user-eve", "Eve Example")))
                .use(addition("g4", 3).data(added("[contoso]\\Project Collection Build Administrators", "user-eve",
                        "Eve Example")));

        var findings = harness.findingsOf(RULE);

        assertThat(findings).extracting(f -> f.sourceEventIds().get(0) + "=" + f.severity())
                .containsExactly("g1=MEDIUM", "g2=HIGH", "g3=MEDIUM", "g4=MEDIUM");
        assertThat(findings.get(0).summary()).isEqualTo("jane@contoso.example added Eve Example to "
                + "[Project_Alpha]\\Project Administrators from 10.0.0.1");
        assertThat(findings.get(0).evidence()).containsEntry("group", "[Project_Alpha]\\Project Administrators")
                .containsEntry("groupScope", "Project_Alpha").containsEntry("groupFrom", "data GroupName")
                .containsEntry("member", "Eve Example").containsEntry("memberId", "user-eve")
                .doesNotContainKeys("groupLevel", "selfAddition", "raisedBecause");
        assertThat(findings.get(1).evidence()).containsEntry("groupLevel", "organization (raised)");
        assertThat(findings.get(1).summary()).contains("(administrators of the whole organization)");
    }

    @Test
    void shouldMatchGroupNamesAndDataKeysInAnyCase() {
        ObjectNode lowerKeys = JsonNodeFactory.instance.objectNode()
                .put("groupname", "[project_alpha]\\PROJECT administrators").put("memberid", "user-eve");

        harness.use(addition("c1", 0).data(lowerKeys))
                .use(addition("c2", 1).action("group.updategroupmembership.add")
                        .data(added("[contoso]\\project collection administrators", "user-eve", "Eve")));

        assertThat(harness.findingsOf(RULE)).extracting(f -> f.sourceEventIds().get(0) + "=" + f.severity())
                .containsExactly("c1=MEDIUM", "c2=HIGH");
    }

    @Test
    void shouldReadGroupAndMemberFromTheDetailsWhenDataHasNoGroupName() {
        harness.use(addition("d1", 0).data(JsonNodeFactory.instance.objectNode().put("MemberId", "user-eve"))
                .details("Eve Example was added as a member of group [contoso]\\Project Collection Administrators"));

        assertThat(harness.findingsOf(RULE)).singleElement().satisfies(f -> {
            assertThat(f.evidence()).containsEntry("group", "[contoso]\\Project Collection Administrators")
                    .containsEntry("groupFrom", "details text").containsEntry("member", "Eve Example")
                    .containsEntry("memberId", "user-eve");
            assertThat(f.severity()).isEqualTo(dev.patrol.model.event.Severity.HIGH);
        });
    }

    @Test
    void shouldSayWhichMemberKeysAreMissing() {
        harness.use(addition("m1", 0).data(JsonNodeFactory.instance.objectNode()
                .put("GroupName", "[Project_Alpha]\\Build Administrators")));

        assertThat(harness.findingsOf(RULE)).singleElement().satisfies(f -> {
            assertThat(f.evidence()).containsEntry("member", "not in the entry (no MemberDisplayName)")
                    .containsEntry("memberId", "not in the entry (no MemberId)");
            assertThat(f.summary()).startsWith("jane@contoso.example added an unidentified member to ");
        });
    }

    @Test
    void shouldNotReportOtherGroupsNorAnEntryThatNamesNoGroup() {
        harness.use(addition("n1", 0).data(added("[Project_Alpha]\\Contributors", "user-eve", "Eve")))
                .use(addition("n2", 1).data(added("[Project_Alpha]\\Not Project Administrators", "user-eve", "Eve")))
                .use(addition("n3", 2).data(JsonNodeFactory.instance.objectNode().put("MemberId", "user-eve")))
                .use(addition("n4", 3))
                .use(addition("n5", 4).details(null))
                .use(addition("n6", 5).action("Group.UpdateGroupMembership.Remove")
                        .data(added("[contoso]\\Project Collection Administrators", "user-eve", "Eve")));

        assertThat(harness.findingsOf(RULE)).isEmpty();
        assertThat(harness.deadLetters.readValuesToList()).isEmpty();
    }

    @Test
    void shouldRaiseOneStepWithAPatOrFromOffNetworkAndSayWhy() {
        harness.use(addition("r1", 0).pat("PAT", TOKEN).from("203.0.113.9")
                        .data(added("[Project_Alpha]\\Project Administrators", "user-eve", "Eve")))
                .use(addition("r2", 1).from(TokenUseWorld.CLOUD_IP)
                        .data(added("[contoso]\\Project Collection Administrators", "user-eve", "Eve")))
                .use(addition("r3", 2).pat("PAT", TOKEN)
                        .data(added("[Project_Alpha]\\Build Administrators", "user-eve", "Eve")));

        var findings = harness.findingsOf(RULE);

        assertThat(findings).extracting(f -> f.sourceEventIds().get(0) + "=" + f.severity())
                .containsExactly("r1=HIGH", "r2=CRITICAL", "r3=HIGH");
        assertThat(findings.get(0).evidence())
                .containsEntry("raisedBecause", "done with a PAT; from outside the corporate network (public)");
        assertThat(findings.get(0).summary()).endsWith("from 203.0.113.9, done with a PAT and from outside the "
                + "corporate network (public)");
        assertThat(findings.get(1).evidence()).containsEntry("raisedBecause", "from outside the corporate network (hosting)");
        assertThat(findings.get(2).evidence()).containsEntry("raisedBecause", "done with a PAT");
    }

    @Test
    void shouldSayWhenTheActorAddedThemselves() {
        harness.use(addition("s1", 0).by("mallory@contoso.example", "user-mallory")
                .data(added("[contoso]\\Project Collection Administrators", "USER-MALLORY", "Mallory")));

        assertThat(harness.findingsOf(RULE)).singleElement().satisfies(f -> {
            assertThat(f.evidence()).containsEntry("selfAddition", "yes: the actor added themselves");
            assertThat(f.summary()).startsWith("mallory@contoso.example added themselves to ");
            assertThat(f.subject().userPrincipalName()).isEqualTo("mallory@contoso.example");
        });
    }
}
