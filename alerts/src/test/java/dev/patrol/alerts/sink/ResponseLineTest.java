package dev.patrol.alerts.sink;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The revocation playbook's line, and its approval link, in the chat alerts. */
class ResponseLineTest {

    private static final URI APPROVAL = URI.create("https://patrol.contoso.example/approve/abc?sig=xyz");
    private static final Links WITH_RESPONSE = new Links(Optional.empty(),
            finding -> Optional.of(new Links.ResponseLine("Revocation awaits approval until 2026-05-02 10:15 UTC.",
                    Optional.of(APPROVAL))));

    @Test
    void shouldShowTheResponseAndTheApprovalLinkInSlack() {
        JsonNode message = SlackMessage.build(Alert.of(TestFindings.offNetwork()), WITH_RESPONSE);

        assertThat(message.get("blocks").toString())
                .contains("*Response*\\nRevocation awaits approval until 2026-05-02 10:15 UTC.")
                .contains("<" + APPROVAL + "|Review the revocation: approve or deny>");
    }

    @Test
    void shouldShowTheResponseAndAnApprovalActionInTeams() {
        JsonNode card = TeamsCard.build(Alert.of(TestFindings.offNetwork()), WITH_RESPONSE)
                .get("attachments").get(0).get("content");

        assertThat(card.get("body").toString()).contains("Response: Revocation awaits approval");
        assertThat(card.get("actions").toString()).contains("Review the revocation").contains(APPROVAL.toString());
    }

    @Test
    void shouldLeaveTheMessageAloneWithoutAResponse() {
        JsonNode message = SlackMessage.build(Alert.of(TestFindings.offNetwork()), Links.none());

        assertThat(message.toString()).doesNotContain("Response");
    }

    @Test
    void shouldNeverPrintTheApprovalUrl() {
        assertThat(new Links.ResponseLine("text", Optional.of(APPROVAL)).toString()).doesNotContain("sig=xyz");
    }
}
