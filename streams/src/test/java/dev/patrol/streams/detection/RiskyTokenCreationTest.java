package dev.patrol.streams.detection;

import static dev.patrol.streams.detection.DetectionHarness.T0;
import static dev.patrol.streams.detection.DetectionHarness.entry;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patrol.model.event.NetworkClass;
import dev.patrol.model.event.Severity;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** PAT-CREATE-13 on the production topology: each risky way of creating a token, and the ordinary ones. */
class RiskyTokenCreationTest {

    static final String RULE = RiskyTokenCreation.RULE_ID;
    static final String JANE_ID = "6f1c9a3e-1111-4222-8333-444455556666";

    final DetectionHarness harness = new DetectionHarness(new TestNetwork().corporate("10.0.0.0/8")
            .at("185.220.101.34", NetworkClass.TOR, "DE", null, 51, 9, 100, 60729, "Tor exit")
            .at("203.0.113.7", NetworkClass.PUBLIC, "NL", "Amsterdam", 52.37, 4.89, 20, 1136, "KPN"));

    @AfterEach
    void tearDown() {
        harness.close();
    }

    @Test
    void shouldReportACreationFromOffTheNetworkWithTheTokenName() {
        harness.use(creation("c1", "203.0.113.7", "FedAuth", 0));

        assertThat(harness.findingsOf(RULE)).singleElement().satisfies(f -> {
            assertThat(f.summary()).isEqualTo("jane@contoso.example created PAT 'deploy' from outside the corporate network");
            assertThat(f.severity()).isEqualTo(Severity.MEDIUM);
            assertThat(f.evidence()).containsEntry("tokenName", "deploy").containsEntry("country", "NL");
        });
    }

    @Test
    void shouldRaiseACreationThroughTorByANonInteractiveMechanism() {
        harness.use(creation("c2", "185.220.101.34", "UserAuthToken", 0));

        assertThat(harness.findingsOf(RULE)).singleElement().satisfies(f -> {
            assertThat(f.summary()).contains("from an anonymizer (tor)", "by a non-interactive mechanism (UserAuthToken)");
            assertThat(f.severity()).isEqualTo(Severity.HIGH);
        });
    }

    @Test
    void shouldReportAServicePrincipalCreation() {
        harness.use(creation("c3", "10.0.0.3", "S2S_ServicePrincipal", 0));

        assertThat(harness.findingsOf(RULE)).singleElement()
                .satisfies(f -> assertThat(f.summary()).contains("non-interactive mechanism (S2S_ServicePrincipal)"));
    }

    @Test
    void shouldStaySilentForAnOrdinaryCreationAtTheOffice() {
        harness.use(creation("c4", "10.0.0.4", "FedAuth", 0))
                .use(entry("c5").action("Token.PatRevokeEvent").from("203.0.113.7").by("jane@contoso.example", JANE_ID));

        assertThat(harness.findingsOf(RULE)).isEmpty();
    }

    @Test
    void shouldReportTheFifthCreationWithinAnHourButNotFourSpreadOut() {
        for (int i = 0; i < 4; i++) {
            harness.use(creation("b" + i, "10.0.0.5", "FedAuth", i * 5));
        }
        assertThat(harness.findingsOf(RULE)).isEmpty();

        harness.use(creation("b4", "10.0.0.5", "FedAuth", 30));

        assertThat(harness.findingsOf(RULE)).singleElement().satisfies(f -> {
            assertThat(f.sourceEventIds()).containsExactly("b4");
            assertThat(f.summary()).contains("as creation 5 by this person within 60 min");
        });
    }

    @Test
    void shouldNotCountCreationsOutsideTheBurstWindow() {
        for (int i = 0; i < 5; i++) {
            harness.use(creation("s" + i, "10.0.0.6", "FedAuth", i * 20));
        }

        assertThat(harness.findingsOf(RULE)).isEmpty();
    }

    @Test
    void shouldReportACreationShortlyAfterTheCreatorBecameAnAdmin() {
        ObjectNode data = JsonNodeFactory.instance.objectNode().put("GroupName", "[contoso]\\Project Collection Administrators")
                .put("MemberId", JANE_ID.toUpperCase()).put("MemberDisplayName", "Jane");
        harness.use(entry("g1").action("Group.UpdateGroupMembership.Add").data(data).by("admin@contoso.example", "admin-id"))
                .use(creation("c6", "10.0.0.7", "FedAuth", 20));

        assertThat(harness.findingsOf(RULE)).singleElement().satisfies(f -> {
            assertThat(f.summary()).contains("20 min after being added to Project Collection Administrators");
            assertThat(f.severity()).isEqualTo(Severity.HIGH);
        });
    }

    @Test
    void shouldReportACreationWhoseEarlierAdminAdditionArrivesAfterIt() {
        // The two meet through a repartition, so the addition may be processed second.
        ObjectNode data = JsonNodeFactory.instance.objectNode().put("GroupName", "[Payments]\\Project Administrators")
                .put("MemberId", JANE_ID);
        harness.use(creation("c10", "10.0.0.7", "FedAuth", 25))
                .use(creation("c11", "10.0.0.7", "FedAuth", 200))
                .use(entry("g4").action("Group.UpdateGroupMembership.Add").data(data).by("admin@contoso.example", "admin-id")
                        .at(T0.plus(Duration.ofMinutes(5))));

        assertThat(harness.findingsOf(RULE)).singleElement().satisfies(f -> {
            assertThat(f.sourceEventIds()).containsExactly("c10");
            assertThat(f.summary()).contains("20 min after being added to Project Administrators");
        });
    }

    @Test
    void shouldReadTheGroupFromTheDetailsWhenTheDataLacksItAndIgnoreOtherGroupsAndLateCreations() {
        var entry = entry("g2").action("Group.UpdateGroupMembership.Add")
                .data(JsonNodeFactory.instance.objectNode().put("MemberId", JANE_ID));
        harness.use(entry.details("Jane was added as a member of group [Payments]\\Build Administrators"))
                .use(creation("c7", "10.0.0.7", "FedAuth", 10));
        var other = entry("g3").action("Group.UpdateGroupMembership.Add")
                .data(JsonNodeFactory.instance.objectNode().put("GroupName", "[Payments]\\Readers").put("MemberId", "bob-id"));
        harness.use(other).use(creation("c8", "10.0.0.7", "FedAuth", 90).by("bob@contoso.example", "bob-id"));

        assertThat(harness.findingsOf(RULE)).singleElement()
                .satisfies(f -> assertThat(f.summary()).contains("after being added to Build Administrators"));
    }

    @Test
    void shouldSayWhenTheEntryDoesNotNameTheToken() {
        harness.use(entry("c9").action("Token.PatUpdateEvent").from("203.0.113.7").by("jane@contoso.example", JANE_ID));

        assertThat(harness.findingsOf(RULE)).singleElement().satisfies(f -> {
            assertThat(f.summary()).contains("updated or regenerated PAT (name not in the entry)");
            assertThat(f.evidence().get("tokenName")).startsWith("not in the entry's data");
        });
    }

    private static DetectionHarness.Entry creation(String id, String ip, String mechanism, int minutes) {
        return entry(id).action("Token.PatCreateEvent").mechanism(mechanism).from(ip)
                .by("jane@contoso.example", JANE_ID).at(T0.plus(Duration.ofMinutes(minutes)))
                .data(JsonNodeFactory.instance.objectNode().put("DisplayName", "deploy"));
    }
}
