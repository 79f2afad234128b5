package dev.patrol.alerts.sink;

import static dev.patrol.alerts.sink.JsonAssert.assertJsonEquals;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.patrol.model.event.Finding;
import dev.patrol.model.event.Severity;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class OcsfFindingTest {

    @Test
    void shouldBuildOcsfDetectionFindingWhenGivenFullFinding() {
        JsonNode event = OcsfFinding.build(TestFindings.offNetwork(),
                new Links(Optional.of(URI.create("https://patrol.contoso.example"))));

        assertJsonEquals(event, """
                {
                  "activity_id": 1, "activity_name": "Create",
                  "category_uid": 2, "category_name": "Findings",
                  "class_uid": 2004, "class_name": "Detection Finding",
                  "type_uid": 200401, "type_name": "Detection Finding: Create",
                  "severity_id": 4, "severity": "High",
                  "status_id": 1, "status": "New",
                  "time": 1777630562000,
                  "message": "Token ci-deploy of dana@contoso.example was used from 203.0.113.7 (hosting, DE), outside the corporate network.",
                  "metadata": {"version": "1.3.0", "product": {"name": "PATrol", "vendor_name": "PATrol"}},
                  "finding_info": {
                    "uid": "3f2a9c1e5b7d4f60a1b2c3d4e5f60718",
                    "title": "PAT used from outside the corporate network",
                    "desc": "Token ci-deploy of dana@contoso.example was used from 203.0.113.7 (hosting, DE), outside the corporate network.",
                    "created_time": 1777630562000,
                    "first_seen_time": 1777630530000,
                    "last_seen_time": 1777630530000,
                    "src_url": "https://patrol.contoso.example/findings/3f2a9c1e5b7d4f60a1b2c3d4e5f60718",
                    "types": ["PAT-OFFNET-01"],
                    "analytic": {"uid": "PAT-OFFNET-01", "name": "PAT used from outside the corporate network", "type_id": 1, "type": "Rule"},
                    "related_events": [{"uid": "entry-1"}],
                    "attacks": [{"technique": {"uid": "T1078"}, "sub_technique": {"uid": "T1078.004"}}]
                  },
                  "attacks": [{"technique": {"uid": "T1078"}, "sub_technique": {"uid": "T1078.004"}}],
                  "evidences": [{
                    "actor": {"user": {"name": "dana@contoso.example", "credential_uid": "6c1e7b3a-0d2f-4e58-9a71-2b8c4d5e6f70"}},
                    "src_endpoint": {
                      "ip": "203.0.113.7",
                      "location": {"city": "Berlin", "country": "DE"},
                      "autonomous_system": {"number": 3320, "name": "Deutsche Telekom AG"}
                    },
                    "api": {"operation": "Git.RepositoryCloned"},
                    "http_request": {"user_agent": "git/2.45.1"},
                    "data": {
                      "ip": "203.0.113.7", "network": "hosting", "country": "DE", "city": "Berlin", "asn": "AS3320",
                      "asOrganization": "Deutsche Telekom AG", "action": "Git.RepositoryCloned", "project": "Fabrikam",
                      "userAgent": "git/2.45.1", "mechanism": "PAT", "actor": "dana@contoso.example",
                      "authorizationId": "6c1e7b3a-0d2f-4e58-9a71-2b8c4d5e6f70", "token": "in inventory",
                      "tokenName": "ci-deploy", "scope": "vso.code_full", "global": "false",
                      "owner": "dana@contoso.example", "validTo": "2026-08-01T00:00:00Z", "tokenValid": "true"
                    }
                  }],
                  "resources": [{
                    "uid": "6c1e7b3a-0d2f-4e58-9a71-2b8c4d5e6f70",
                    "type": "Azure DevOps personal access token",
                    "name": "ci-deploy",
                    "owner": {"name": "dana@contoso.example"}
                  }],
                  "observables": [
                    {"name": "evidences.src_endpoint.ip", "type_id": 2, "value": "203.0.113.7"},
                    {"name": "evidences.actor.user.name", "type_id": 4, "value": "dana@contoso.example"},
                    {"name": "evidences.actor.user.credential_uid", "type_id": 19, "value": "6c1e7b3a-0d2f-4e58-9a71-2b8c4d5e6f70"}
                  ],
                  "unmapped": {"organization": "contoso", "rule_id": "PAT-OFFNET-01"}
                }
                """);
    }

    @Test
    void shouldKeepTechniqueWholeWhenItHasNoSubTechnique() {
        Finding f = TestFindings.offNetwork();
        Finding plain = new Finding(f.id(), f.ruleId(), f.title(), Severity.CRITICAL, List.of("T1552"), f.organization(),
                f.subject(), f.summary(), f.evidence(), f.eventTime(), f.detectedAt(), f.sourceEventIds());

        JsonNode event = OcsfFinding.build(plain, Links.none());

        assertJsonEquals(event.get("attacks"), "[{\"technique\": {\"uid\": \"T1552\"}}]");
        assertThat(event.get("severity_id").asInt()).isEqualTo(5);
        assertThat(event.at("/finding_info/src_url").isMissingNode()).isTrue();
    }

    @Test
    void shouldMapEverySeverityToOcsfIdWhenBuilding() {
        assertThat(List.of(Severity.values()).stream().map(OcsfFinding::severityId)).containsExactly(1, 2, 3, 4, 5);
    }
}
