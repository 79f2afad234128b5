package dev.patrol.alerts.sink;

import static dev.patrol.alerts.sink.JsonAssert.assertJsonEquals;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.patrol.model.event.Finding;
import java.net.URI;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SlackMessageTest {

    private static final Links CONSOLE = new Links(Optional.of(URI.create("https://patrol.contoso.example/")));

    @Test
    void shouldBuildBlockKitMessageWhenFindingIsNew() {
        Alert alert = Alert.of(TestFindings.offNetwork());

        JsonNode message = SlackMessage.build(alert, CONSOLE);

        assertJsonEquals(message, """
                {
                  "text": "[HIGH] PAT used from outside the corporate network: token ci-deploy (contoso)",
                  "blocks": [
                    {"type": "header", "text": {"type": "plain_text", "text": "[HIGH] PAT used from outside the corporate network"}},
                    {"type": "section", "fields": [
                      {"type": "mrkdwn", "text": "*Rule*\\n`PAT-OFFNET-01`"},
                      {"type": "mrkdwn", "text": "*Organization*\\ncontoso"},
                      {"type": "mrkdwn", "text": "*Token*\\nci-deploy (6c1e7b3a-0d2f-4e58-9a71-2b8c4d5e6f70)"},
                      {"type": "mrkdwn", "text": "*Owner*\\ndana@contoso.example"},
                      {"type": "mrkdwn", "text": "*From*\\n203.0.113.7 (hosting) · Berlin, DE · AS3320 Deutsche Telekom AG"},
                      {"type": "mrkdwn", "text": "*Action*\\nGit.RepositoryCloned in project Fabrikam"},
                      {"type": "mrkdwn", "text": "*Token scope*\\nvso.code_full · valid to 2026-08-01T00:00:00Z"},
                      {"type": "mrkdwn", "text": "*When*\\n2026-05-01 10:15 UTC"}
                    ]},
                    {"type": "section", "text": {"type": "mrkdwn", "text": "*Why it matters*\\nToken ci-deploy of dana@contoso.example was used from 203.0.113.7 (hosting, DE), outside the corporate network.\\nATT&amp;CK: <https://attack.mitre.org/techniques/T1078/004/|T1078.004>"}},
                    {"type": "context", "elements": [
                      {"type": "mrkdwn", "text": "<https://patrol.contoso.example/findings/3f2a9c1e5b7d4f60a1b2c3d4e5f60718|Open in PATrol> · <https://dev.azure.com/contoso/_settings/audit|Audit log in Azure DevOps> · Finding `3f2a9c1e5b7d4f60a1b2c3d4e5f60718` · detected 2026-05-01 10:16 UTC"}
                    ]}
                  ]
                }
                """);
    }

    @Test
    void shouldSayWhatItCountsWhenAlertIsAnUpdate() {
        Alert update = Alert.update(TestFindings.offNetwork(), "0123456789abcdef0123456789abcdef", 4,
                Instant.parse("2026-05-01T10:01:00Z"));

        JsonNode message = SlackMessage.build(update, Links.none());

        assertThat(message.at("/blocks/0/text/text").asText())
                .isEqualTo("[HIGH] Update: 4 more — PAT used from outside the corporate network");
        assertThat(message.at("/blocks/1/text/text").asText()).isEqualTo("*4 more findings of rule PAT-OFFNET-01 about "
                + "token ci-deploy since 2026-05-01 10:01 UTC (first finding 0123456789abcdef0123456789abcdef). The latest:*");
        assertThat(message.at("/blocks/4/elements/0/text").asText()).doesNotContain("Open in PATrol");
    }

    @Test
    void shouldEscapeMarkupWhenFindingTextCarriesIt() {
        Finding f = TestFindings.offNetwork();
        Finding hostile = new Finding(f.id(), f.ruleId(), f.title(), f.severity(), f.mitreAttack(), f.organization(),
                f.subject(), "<!channel> & <https://evil.example|verify here>", f.evidence(), f.eventTime(),
                f.detectedAt(), f.sourceEventIds());

        JsonNode message = SlackMessage.build(Alert.of(hostile), Links.none());

        assertThat(message.at("/blocks/2/text/text").asText())
                .contains("&lt;!channel&gt; &amp; &lt;https://evil.example|verify here&gt;")
                .doesNotContain("<!channel>");
    }

    @Test
    void shouldKeepHeaderWithinSlackLimitWhenTitleIsLong() {
        Finding f = TestFindings.offNetwork();
        Finding longTitle = new Finding(f.id(), f.ruleId(), "x".repeat(400), f.severity(), f.mitreAttack(),
                f.organization(), f.subject(), f.summary(), f.evidence(), f.eventTime(), f.detectedAt(), f.sourceEventIds());

        JsonNode message = SlackMessage.build(Alert.of(longTitle), Links.none());

        assertThat(message.at("/blocks/0/text/text").asText()).hasSize(150).endsWith("…");
    }
}
