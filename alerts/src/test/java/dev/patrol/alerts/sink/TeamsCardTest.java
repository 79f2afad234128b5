package dev.patrol.alerts.sink;

import static dev.patrol.alerts.sink.JsonAssert.assertJsonEquals;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.patrol.model.event.Finding;
import dev.patrol.model.event.Severity;
import java.net.URI;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TeamsCardTest {

    @Test
    void shouldWrapAdaptiveCardInWorkflowsEnvelopeWhenFindingIsNew() {
        Alert alert = Alert.of(TestFindings.offNetwork());

        JsonNode message = TeamsCard.build(alert, new Links(Optional.of(URI.create("https://patrol.contoso.example"))));

        assertJsonEquals(message, """
                {
                  "type": "message",
                  "attachments": [{
                    "contentType": "application/vnd.microsoft.card.adaptive",
                    "content": {
                      "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
                      "type": "AdaptiveCard",
                      "version": "1.4",
                      "msteams": {"width": "Full"},
                      "body": [
                        {"type": "TextBlock", "text": "[HIGH] PAT used from outside the corporate network",
                         "size": "Large", "weight": "Bolder", "color": "Attention", "wrap": true},
                        {"type": "TextBlock", "text": "Token ci-deploy of dana@contoso.example was used from 203.0.113.7 (hosting, DE), outside the corporate network.", "wrap": true},
                        {"type": "FactSet", "facts": [
                          {"title": "Rule", "value": "PAT-OFFNET-01"},
                          {"title": "Organization", "value": "contoso"},
                          {"title": "Token", "value": "ci-deploy (6c1e7b3a-0d2f-4e58-9a71-2b8c4d5e6f70)"},
                          {"title": "Owner", "value": "dana@contoso.example"},
                          {"title": "From", "value": "203.0.113.7 (hosting) · Berlin, DE · AS3320 Deutsche Telekom AG"},
                          {"title": "Action", "value": "Git.RepositoryCloned in project Fabrikam"},
                          {"title": "Token scope", "value": "vso.code_full · valid to 2026-08-01T00:00:00Z"},
                          {"title": "ATT&CK", "value": "T1078.004"},
                          {"title": "When", "value": "2026-05-01 10:15 UTC"},
                          {"title": "Finding", "value": "3f2a9c1e5b7d4f60a1b2c3d4e5f60718"}
                        ]}
                      ],
                      "actions": [
                        {"type": "Action.OpenUrl", "title": "Open in PATrol", "url": "https://patrol.contoso.example/findings/3f2a9c1e5b7d4f60a1b2c3d4e5f60718"},
                        {"type": "Action.OpenUrl", "title": "Audit log in Azure DevOps", "url": "https://dev.azure.com/contoso/_settings/audit"},
                        {"type": "Action.OpenUrl", "title": "ATT&CK T1078.004", "url": "https://attack.mitre.org/techniques/T1078/004/"}
                      ]
                    }
                  }]
                }
                """);
    }

    @Test
    void shouldAddUpdateLineWhenAlertIsAnUpdate() {
        Alert update = Alert.update(TestFindings.offNetwork(), "0123456789abcdef0123456789abcdef", 2,
                Instant.parse("2026-05-01T10:01:00Z"));

        JsonNode card = TeamsCard.build(update, Links.none()).at("/attachments/0/content");

        assertThat(card.at("/body/0/text").asText()).isEqualTo("[HIGH] Update: 2 more — PAT used from outside the corporate network");
        assertThat(card.at("/body/1/text").asText()).startsWith("2 more findings of rule PAT-OFFNET-01");
    }

    @Test
    void shouldBreakMarkdownLinkWhenFindingTextCarriesOne() {
        Finding f = TestFindings.offNetwork();
        Finding hostile = new Finding(f.id(), f.ruleId(), f.title(), f.severity(), f.mitreAttack(), f.organization(),
                f.subject(), "[verify your token](https://evil.example)", f.evidence(), f.eventTime(), f.detectedAt(),
                f.sourceEventIds());

        JsonNode card = TeamsCard.build(Alert.of(hostile), Links.none()).at("/attachments/0/content");

        assertThat(card.at("/body/1/text").asText()).isEqualTo("[verify your token] (https://evil.example)");
    }

    @Test
    void shouldColourBySeverityWhenBuildingHeadline() {
        assertThat(TeamsCard.color(Severity.CRITICAL)).isEqualTo("Attention");
        assertThat(TeamsCard.color(Severity.MEDIUM)).isEqualTo("Warning");
        assertThat(TeamsCard.color(Severity.LOW)).isEqualTo("Default");
    }
}
