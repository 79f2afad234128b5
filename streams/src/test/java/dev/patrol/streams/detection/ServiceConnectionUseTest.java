package dev.patrol.streams.detection;

import static dev.patrol.streams.detection.DetectionHarness.T0;
import static dev.patrol.streams.detection.DetectionHarness.entry;
import static dev.patrol.streams.detection.TokenUseWorld.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patrol.model.event.Severity;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** ADO-SVCCONN-23 on the production topology: creations, new (connection, pipeline) pairs, learning, missing keys. */
class ServiceConnectionUseTest {

    static final String RULE = ServiceConnectionUse.RULE_ID;
    static final String CREATED = ServiceConnectionUse.CREATED;
    static final String EXECUTED = ServiceConnectionUse.EXECUTED;
    static final String PROD = "5d7e0c1a-0000-4000-8000-000000000001";
    static final String BUILD_SERVICE = "Project Collection Build Service (contoso)";

    DetectionHarness harness;

    @BeforeEach
    void setUp() {
        harness = TokenUseWorld.harness();
    }

    @AfterEach
    void tearDown() {
        harness.close();
    }

    private static ObjectNode connection(String id, String name) {
        ObjectNode data = JsonNodeFactory.instance.objectNode();
        if (id != null) {
            data.put("ConnectionId", id);
        }
        if (name != null) {
            data.put("ConnectionName", name);
        }
        return data.put("ConnectionType", "azurerm").put("ProjectName", "Payments");
    }

    private static ObjectNode run(String connectionId, String pipelineId, String pipelineName) {
        ObjectNode data = connection(connectionId, "prod-azure");
        if (pipelineId != null) {
            data.put("PipelineId", pipelineId);
        }
        if (pipelineName != null) {
            data.put("PipelineName", pipelineName);
        }
        return data;
    }

    private static DetectionHarness.Entry created(String id, Duration after) {
        return entry(id).action(CREATED).from("10.0.0.1").at(T0.plus(after)).data(connection(PROD, "prod-azure"));
    }

    private static DetectionHarness.Entry executed(String id, Duration after, ObjectNode data) {
        return entry(id).action(EXECUTED).mechanism("").from(null).by(BUILD_SERVICE, "user-build-service")
                .at(T0.plus(after)).data(data);
    }

    @Test
    void shouldReportACreationAndEveryPipelineThatFirstUsesAConnectionSeenCreated() {
        harness.use(created("c1", Duration.ZERO))
                .use(executed("e1", Duration.ofMinutes(5), run(PROD, "7", "deploy")))
                .use(executed("e2", Duration.ofMinutes(10), run(PROD, "7", "deploy")))
                .use(executed("e3", Duration.ofMinutes(20), run(PROD, "8", "nightly")));

        var findings = harness.findingsOf(RULE);

        assertThat(findings).extracting(f -> f.sourceEventIds().get(0) + "=" + f.severity())
                .containsExactly("c1=LOW", "e1=LOW", "e3=LOW");
        assertThat(findings.get(0).summary()).isEqualTo("jane@contoso.example created service connection 'prod-azure' "
                + "(azurerm) in Payments from 10.0.0.1");
        assertThat(findings.get(0).evidence()).containsEntry("connection", "prod-azure").containsEntry("connectionId", PROD)
                .containsEntry("connectionType", "azurerm").containsEntry("connectionProject", "Payments")
                .containsEntry("workloadIdentityFederationSubject", "sc://contoso/Payments/prod-azure");
        assertThat(findings.get(1).summary()).isEqualTo("Pipeline deploy (id 7) used service connection 'prod-azure"
                + "' for the first time since PATrol saw it created (run as " + BUILD_SERVICE + " from no address)");
        assertThat(findings.get(1).evidence()).containsEntry("pipeline", "deploy (id 7)")
                .containsEntry("learning", "none: PATrol saw this connection being created")
                .containsEntry("knownPipelines", "none").doesNotContainKey("pipelineKey");
        assertThat(findings.get(2).evidence()).containsEntry("knownPipelines", "payments/id:7");
    }

    @Test
    void shouldLearnAConnectionFirstSeenExecutingThenReportOnlyNewPipelines() {
        harness.use(executed("l1", Duration.ZERO, run(PROD, "7", "deploy")))
                .use(executed("l2", Duration.ofDays(1), run(PROD, "8", "nightly")))
                .use(executed("l3", Duration.ofDays(15), run(PROD, "7", "deploy")))
                .use(executed("l4", Duration.ofDays(15).plusMinutes(1), run(PROD, "9", "exfil")))
                .use(executed("l5", Duration.ofDays(16), run(PROD, "8", "nightly")));

        assertThat(harness.findingsOf(RULE)).singleElement().satisfies(f -> {
            assertThat(f.sourceEventIds()).containsExactly("l4");
            assertThat(f.evidence()).containsEntry("pipeline", "exfil (id 9)")
                    .containsEntry("learning", "ended " + T0.plus(Duration.ofDays(14)))
                    .containsEntry("trackedSince", T0.toString())
                    .containsEntry("knownPipelines", "payments/id:7, payments/id:8");
        });
    }

    @Test
    void shouldTrackAConnectionByProjectAndNameWhenItsIdIsMissingAndSaySo() {
        harness.use(entry("n1").action(CREATED).from("10.0.0.1").data(connection(null, "prod-azure")))
                .use(executed("n2", Duration.ofMinutes(1), run(null, null, "deploy")))
                .use(executed("n3", Duration.ofMinutes(2), run(null, null, "DEPLOY")));

        var findings = harness.findingsOf(RULE);

        assertThat(findings).extracting(f -> f.sourceEventIds().get(0)).containsExactly("n1", "n2");
        assertThat(findings.get(1).evidence())
                .containsEntry("connectionId", "not in the entry (no ConnectionId): tracked by project and name")
                .containsEntry("pipeline", "deploy")
                .containsEntry("pipelineKey", "no PipelineId or DefinitionId: tracked by name")
                .containsEntry("learning", "none: PATrol saw this connection being created");
    }

    @Test
    void shouldReportAnUnnamedPipelineOnceAndSayTheKeysWereMissing() {
        harness.use(created("u1", Duration.ZERO))
                .use(executed("u2", Duration.ofMinutes(1), run(PROD, null, null)))
                .use(executed("u3", Duration.ofMinutes(2), run(PROD, null, null)));

        var findings = harness.findingsOf(RULE);

        assertThat(findings).extracting(f -> f.sourceEventIds().get(0)).containsExactly("u1", "u2");
        assertThat(findings.get(1).evidence())
                .containsEntry("pipeline", "not in the entry (no PipelineId, DefinitionId, PipelineName or DefinitionName)");
        assertThat(findings.get(1).summary()).startsWith("A pipeline the entry does not name used service connection");
    }

    @Test
    void shouldUseTheDefinitionIdAndReadDataKeysInAnyCase() {
        ObjectNode odd = JsonNodeFactory.instance.objectNode().put("connectionid", PROD.toUpperCase())
                .put("DEFINITIONID", "12").put("pipelinename", "release");

        harness.use(created("k1", Duration.ZERO))
                .use(executed("k2", Duration.ofMinutes(1), odd))
                .use(executed("k3", Duration.ofMinutes(2), run(PROD, null, null).put("DefinitionId", "12")));

        var findings = harness.findingsOf(RULE);

        assertThat(findings).extracting(f -> f.sourceEventIds().get(0)).containsExactly("k1", "k2");
        assertThat(findings.get(1).evidence()).containsEntry("pipeline", "release (id 12)")
                .containsEntry("connection", "not in the entry (no ConnectionName)")
                .containsEntry("connectionProject", "Payments")
                .containsEntry("workloadIdentityFederationSubject",
                        "cannot be formed: the entry lacks the connection name or project");
    }

    @Test
    void shouldReadTheDetailsTemplateShapeWithDefinitionNameAndTheEntrysProject() {
        ObjectNode template = JsonNodeFactory.instance.objectNode().put("ConnectionId", PROD)
                .put("ConnectionName", "payments-azure-prod").put("ConnectionType", "azurerm").put("PlanType", "Build")
                .put("DefinitionId", 42).put("DefinitionName", "payments-ci");

        harness.use(created("v1", Duration.ZERO))
                .use(executed("v2", Duration.ofMinutes(1), template));

        var findings = harness.findingsOf(RULE);

        assertThat(findings).extracting(f -> f.sourceEventIds().get(0)).containsExactly("v1", "v2");
        assertThat(findings.get(1).evidence()).containsEntry("pipeline", "payments-ci (id 42)")
                .containsEntry("connectionProject", "Payments")
                .containsEntry("workloadIdentityFederationSubject", "sc://contoso/Payments/payments-azure-prod");
    }

    @Test
    void shouldSendAnExecutionNamingNoConnectionToTheDeadLetters() {
        harness.use(executed("x1", Duration.ZERO, JsonNodeFactory.instance.objectNode().put("PipelineId", "7")));

        assertThat(harness.findingsOf(RULE)).isEmpty();
        assertThat(harness.deadLetters.readValuesToList()).singleElement().satisfies(letter -> {
            assertThat(letter.stage()).isEqualTo("svcconn-identify");
            assertThat(letter.reason()).isEqualTo("Library.ServiceConnectionExecuted names no ConnectionId or ConnectionName");
        });
    }

    @Test
    void shouldStaySilentForOtherLibraryActions() {
        harness.use(entry("o1").action("Library.ServiceConnectionModified").data(connection(PROD, "prod-azure")))
                .use(entry("o2").action("Library.ServiceConnectionShared").data(connection(PROD, "prod-azure")))
                .use(entry("o3").action("Library.VariableGroupModified"));

        assertThat(harness.findingsOf(RULE)).isEmpty();
        assertThat(harness.deadLetters.readValuesToList()).isEmpty();
    }

    @Test
    void shouldRaiseOneStepWithAPatOrFromOffNetworkAndSayWhy() {
        harness.use(created("r1", Duration.ZERO).pat("PAT", TOKEN).from("203.0.113.9"))
                .use(created("r2", Duration.ofMinutes(1)).from(TokenUseWorld.TOR_IP)
                        .data(connection("5d7e0c1a-0000-4000-8000-000000000002", "staging")))
                .use(executed("r3", Duration.ofMinutes(2), run(PROD, "7", "deploy")).from(TokenUseWorld.CLOUD_IP));

        var findings = harness.findingsOf(RULE);

        assertThat(findings).extracting(f -> f.sourceEventIds().get(0) + "=" + f.severity())
                .containsExactly("r1=MEDIUM", "r2=MEDIUM", "r3=MEDIUM");
        assertThat(findings).extracting(f -> f.evidence().get("raisedBecause")).containsExactly(
                "done with a PAT; from outside the corporate network (public)",
                "from outside the corporate network (tor)", "from outside the corporate network (hosting)");
        assertThat(findings.get(0).severity()).isEqualTo(Severity.MEDIUM);
    }
}
