package dev.patrol.alerts.sink;

import static dev.patrol.alerts.sink.JsonAssert.assertJsonEquals;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.patrol.model.Secret;
import dev.patrol.model.event.Severity;
import java.net.URI;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PagerDutyEventTest {

    private static final Secret KEY = Secret.of("R0UTINGKEY0000000000000000000000");

    @Test
    void shouldBuildTriggerWithFindingIdAsDedupKeyWhenFindingIsNew() {
        Alert alert = Alert.of(TestFindings.offNetwork());

        JsonNode event = PagerDutyEvent.build(alert, KEY, new Links(Optional.of(URI.create("https://patrol.contoso.example"))));

        assertJsonEquals(event, """
                {
                  "routing_key": "R0UTINGKEY0000000000000000000000",
                  "event_action": "trigger",
                  "dedup_key": "3f2a9c1e5b7d4f60a1b2c3d4e5f60718",
                  "client": "PATrol",
                  "client_url": "https://patrol.contoso.example/findings/3f2a9c1e5b7d4f60a1b2c3d4e5f60718",
                  "payload": {
                    "summary": "[HIGH] PAT used from outside the corporate network: token ci-deploy from 203.0.113.7 (contoso)",
                    "source": "dev.azure.com/contoso",
                    "severity": "error",
                    "timestamp": "2026-05-01T10:15:30Z",
                    "component": "pat:6c1e7b3a-0d2f-4e58-9a71-2b8c4d5e6f70",
                    "group": "contoso",
                    "class": "PAT-OFFNET-01",
                    "custom_details": {
                      "finding_id": "3f2a9c1e5b7d4f60a1b2c3d4e5f60718",
                      "rule": "PAT-OFFNET-01",
                      "title": "PAT used from outside the corporate network",
                      "severity": "HIGH",
                      "summary": "Token ci-deploy of dana@contoso.example was used from 203.0.113.7 (hosting, DE), outside the corporate network.",
                      "token": "ci-deploy (6c1e7b3a-0d2f-4e58-9a71-2b8c4d5e6f70)",
                      "owner": "dana@contoso.example",
                      "from": "203.0.113.7 (hosting) · Berlin, DE · AS3320 Deutsche Telekom AG",
                      "detected_at": "2026-05-01T10:16:02Z",
                      "mitre_attack": ["T1078.004"],
                      "evidence": {
                        "ip": "203.0.113.7", "network": "hosting", "country": "DE", "city": "Berlin", "asn": "AS3320",
                        "asOrganization": "Deutsche Telekom AG", "action": "Git.RepositoryCloned", "project": "Fabrikam",
                        "userAgent": "git/2.45.1", "mechanism": "PAT", "actor": "dana@contoso.example",
                        "authorizationId": "6c1e7b3a-0d2f-4e58-9a71-2b8c4d5e6f70", "token": "in inventory",
                        "tokenName": "ci-deploy", "scope": "vso.code_full", "global": "false",
                        "owner": "dana@contoso.example", "validTo": "2026-08-01T00:00:00Z", "tokenValid": "true"
                      }
                    }
                  },
                  "links": [
                    {"href": "https://patrol.contoso.example/findings/3f2a9c1e5b7d4f60a1b2c3d4e5f60718", "text": "Open in PATrol"},
                    {"href": "https://dev.azure.com/contoso/_settings/audit", "text": "Audit log in Azure DevOps"}
                  ]
                }
                """);
    }

    @Test
    void shouldUseFirstFindingIdAsDedupKeyWhenAlertIsAnUpdate() {
        Alert update = Alert.update(TestFindings.offNetwork(), "0123456789abcdef0123456789abcdef", 4,
                Instant.parse("2026-05-01T10:01:00Z"));

        JsonNode event = PagerDutyEvent.build(update, KEY, Links.none());

        assertThat(event.get("dedup_key").asText()).isEqualTo("0123456789abcdef0123456789abcdef");
        assertThat(event.at("/payload/summary").asText()).startsWith("[HIGH] Update: 4 more — ");
        assertThat(event.at("/payload/custom_details/repeats").asInt()).isEqualTo(4);
        assertThat(event.at("/payload/custom_details/repeats_since").asText()).isEqualTo("2026-05-01T10:01:00Z");
    }

    @Test
    void shouldMapSeveritiesToPagerDutysFourWhenBuilding() {
        assertThat(PagerDutyEvent.severity(Severity.CRITICAL)).isEqualTo("critical");
        assertThat(PagerDutyEvent.severity(Severity.HIGH)).isEqualTo("error");
        assertThat(PagerDutyEvent.severity(Severity.MEDIUM)).isEqualTo("warning");
        assertThat(PagerDutyEvent.severity(Severity.LOW)).isEqualTo("info");
        assertThat(PagerDutyEvent.severity(Severity.INFO)).isEqualTo("info");
    }

    @Test
    void shouldKeepSummaryWithinPagerDutyLimitWhenFindingIsWordy() {
        var f = TestFindings.offNetwork();
        var wordy = new dev.patrol.model.event.Finding(f.id(), f.ruleId(), "t".repeat(2000), f.severity(),
                f.mitreAttack(), f.organization(), f.subject(), f.summary(), f.evidence(), f.eventTime(),
                f.detectedAt(), f.sourceEventIds());

        JsonNode event = PagerDutyEvent.build(Alert.of(wordy), KEY, Links.none());

        assertThat(event.at("/payload/summary").asText()).hasSize(1024);
    }
}
