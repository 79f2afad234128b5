package dev.patrol.alerts.sink;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patrol.model.event.Finding;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A Slack Block Kit message for an alert: a header (severity, title), for an update what it counts, the facts as
 * fields (rule, organization, token, owner, where from, action, token scope, time), why it matters (the summary and
 * the ATT&CK techniques), and a context line with links and the finding id. {@code text} is the notification
 * fallback.
 *
 * <p>Values from the audit log are escaped ({@code & < >}), so nothing in a finding can mention a channel or
 * forge a link; lengths are cut to Block Kit's limits (header 150, field 2000, section 3000).
 */
final class SlackMessage {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final int HEADER_MAX = 150;
    private static final int FIELD_MAX = 2000;
    private static final int SECTION_MAX = 3000;

    private SlackMessage() {
    }

    static ObjectNode build(Alert alert, Links links) {
        Finding f = alert.finding();
        ObjectNode message = JSON.objectNode();
        message.put("text", FindingText.truncate(FindingText.headline(alert) + ": " + FindingText.subject(f) + " ("
                + f.organization() + ")", SECTION_MAX));
        ArrayNode blocks = message.putArray("blocks");

        ObjectNode header = blocks.addObject().put("type", "header");
        header.putObject("text").put("type", "plain_text")
                .put("text", FindingText.truncate(FindingText.headline(alert), HEADER_MAX));

        FindingText.updateLine(alert).ifPresent(line -> section(blocks, "*" + escape(line) + "*"));

        ArrayNode fields = blocks.addObject().put("type", "section").putArray("fields");
        field(fields, "Rule", "`" + escape(f.ruleId()) + "`");
        field(fields, "Organization", escape(f.organization()));
        field(fields, "Token", escape(FindingText.token(f)));
        field(fields, "Owner", escape(FindingText.owner(f)));
        field(fields, "From", escape(FindingText.from(f)));
        FindingText.action(f).ifPresent(action -> field(fields, "Action", escape(action)));
        FindingText.tokenDetails(f).ifPresent(details -> field(fields, "Token scope", escape(details)));
        field(fields, "When", escape(FindingText.time(f.eventTime())));

        StringBuilder why = new StringBuilder("*Why it matters*\n").append(escape(f.summary()));
        if (!f.mitreAttack().isEmpty()) {
            why.append("\nATT&amp;CK: ").append(String.join(", ", f.mitreAttack().stream().map(SlackMessage::technique).toList()));
        }
        section(blocks, FindingText.truncate(why.toString(), SECTION_MAX));
        links.responseFor(f).ifPresent(line -> section(blocks, FindingText.truncate("*Response*\n" + escape(line.text())
                + line.approvalUrl().map(url -> "\n" + link(url, "Review the revocation: approve or deny")).orElse(""),
                SECTION_MAX)));

        List<String> context = new ArrayList<>();
        links.finding(f.id()).ifPresent(url -> context.add(link(url, "Open in PATrol")));
        Links.adoAuditLog(f.organization()).ifPresent(url -> context.add(link(url, "Audit log in Azure DevOps")));
        context.add("Finding `" + escape(f.id()) + "` · detected " + escape(FindingText.time(f.detectedAt())));
        blocks.addObject().put("type", "context").putArray("elements").addObject()
                .put("type", "mrkdwn").put("text", String.join(" · ", context));
        return message;
    }

    /** Slack's three control characters; everything else shows as typed. */
    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static String technique(String id) {
        Optional<URI> url = Links.attack(id);
        return url.map(u -> link(u, escape(id))).orElse(escape(id));
    }

    private static String link(URI url, String label) {
        return "<" + url + "|" + label + ">";
    }

    private static void section(ArrayNode blocks, String mrkdwn) {
        blocks.addObject().put("type", "section").putObject("text").put("type", "mrkdwn").put("text", mrkdwn);
    }

    private static void field(ArrayNode fields, String label, String value) {
        fields.addObject().put("type", "mrkdwn").put("text", FindingText.truncate("*" + label + "*\n" + value, FIELD_MAX));
    }
}
