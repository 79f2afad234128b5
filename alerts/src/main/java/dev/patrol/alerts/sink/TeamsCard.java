package dev.patrol.alerts.sink;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patrol.model.event.Finding;
import dev.patrol.model.event.Severity;

/**
 * A Microsoft Teams message carrying an Adaptive Card (1.4, which Teams and Workflows render), in the envelope a
 * Workflows "post to a channel when a webhook request is received" flow and the classic incoming webhook both take:
 * {@code {"type":"message","attachments":[{"contentType":"application/vnd.microsoft.card.adaptive","content":card}]}}.
 *
 * <p>The card says the same as the Slack message: headline, what an update counts, summary, a fact set (rule,
 * organization, token, owner, from, action, token scope, ATT&CK, when, finding), and links as {@code Action.OpenUrl}.
 * Text from the audit log cannot form a Markdown link: {@code ](} is broken apart.
 */
final class TeamsCard {

    static final String CONTENT_TYPE = "application/vnd.microsoft.card.adaptive";
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private TeamsCard() {
    }

    static ObjectNode build(Alert alert, Links links) {
        Finding f = alert.finding();
        ObjectNode message = JSON.objectNode().put("type", "message");
        ObjectNode attachment = message.putArray("attachments").addObject().put("contentType", CONTENT_TYPE);
        ObjectNode card = attachment.putObject("content")
                .put("$schema", "http://adaptivecards.io/schemas/adaptive-card.json")
                .put("type", "AdaptiveCard")
                .put("version", "1.4");
        card.putObject("msteams").put("width", "Full");
        ArrayNode body = card.putArray("body");
        body.addObject().put("type", "TextBlock").put("text", plain(FindingText.headline(alert)))
                .put("size", "Large").put("weight", "Bolder").put("color", color(f.severity())).put("wrap", true);
        FindingText.updateLine(alert).ifPresent(line ->
                body.addObject().put("type", "TextBlock").put("text", plain(line)).put("weight", "Bolder").put("wrap", true));
        body.addObject().put("type", "TextBlock").put("text", plain(f.summary())).put("wrap", true);

        ArrayNode facts = body.addObject().put("type", "FactSet").putArray("facts");
        fact(facts, "Rule", f.ruleId());
        fact(facts, "Organization", f.organization());
        fact(facts, "Token", FindingText.token(f));
        fact(facts, "Owner", FindingText.owner(f));
        fact(facts, "From", FindingText.from(f));
        FindingText.action(f).ifPresent(action -> fact(facts, "Action", action));
        FindingText.tokenDetails(f).ifPresent(details -> fact(facts, "Token scope", details));
        if (!f.mitreAttack().isEmpty()) {
            fact(facts, "ATT&CK", String.join(", ", f.mitreAttack()));
        }
        fact(facts, "When", FindingText.time(f.eventTime()));
        fact(facts, "Finding", f.id());

        links.responseFor(f).ifPresent(line -> body.addObject().put("type", "TextBlock")
                .put("text", plain("Response: " + line.text())).put("wrap", true));
        ArrayNode actions = JSON.arrayNode();
        links.responseFor(f).flatMap(Links.ResponseLine::approvalUrl)
                .ifPresent(url -> openUrl(actions, "Review the revocation", url.toString()));
        links.finding(f.id()).ifPresent(url -> openUrl(actions, "Open in PATrol", url.toString()));
        Links.adoAuditLog(f.organization()).ifPresent(url -> openUrl(actions, "Audit log in Azure DevOps", url.toString()));
        f.mitreAttack().stream().findFirst().flatMap(Links::attack)
                .ifPresent(url -> openUrl(actions, "ATT&CK " + f.mitreAttack().get(0), url.toString()));
        if (!actions.isEmpty()) {
            card.set("actions", actions);
        }
        return message;
    }

    /** Adaptive Card colours: red for what needs someone now, amber for medium, default otherwise. */
    static String color(Severity severity) {
        return switch (severity) {
            case CRITICAL, HIGH -> "Attention";
            case MEDIUM -> "Warning";
            case LOW, INFO -> "Default";
        };
    }

    /** Keeps text from forming a Markdown link (TextBlock and FactSet render a Markdown subset). */
    static String plain(String text) {
        return text.replace("](", "] (");
    }

    private static void fact(ArrayNode facts, String title, String value) {
        facts.addObject().put("title", title).put("value", plain(value));
    }

    private static void openUrl(ArrayNode actions, String title, String url) {
        actions.addObject().put("type", "Action.OpenUrl").put("title", title).put("url", url);
    }
}
