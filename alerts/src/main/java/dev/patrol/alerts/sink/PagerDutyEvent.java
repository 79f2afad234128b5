package dev.patrol.alerts.sink;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patrol.model.Secret;
import dev.patrol.model.event.Finding;
import dev.patrol.model.event.Severity;

/**
 * A PagerDuty Events API v2 {@code trigger} event for an alert.
 *
 * <ul>
 *   <li>{@code dedup_key} is the alert's dedup key: the finding id, or for a grouped update the group's first finding
 *       id, so PagerDuty folds the update into the open alert instead of paging again;</li>
 *   <li>{@code payload.summary} (at most 1024 characters) is severity, title, subject and organization;
 *       {@code source} the organization's ADO host, {@code severity} mapped from {@link Severity},
 *       {@code timestamp} the event time, {@code component} the token or user, {@code group} the organization,
 *       {@code class} the rule id; {@code custom_details} the finding's facts;</li>
 *   <li>{@code links}: the console (when configured) and the ADO audit log.</li>
 * </ul>
 */
final class PagerDutyEvent {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final int SUMMARY_MAX = 1024;

    private PagerDutyEvent() {
    }

    static ObjectNode build(Alert alert, Secret routingKey, Links links) {
        Finding f = alert.finding();
        ObjectNode event = JSON.objectNode()
                .put("routing_key", routingKey.reveal())
                .put("event_action", "trigger")
                .put("dedup_key", alert.dedupKey())
                .put("client", "PATrol");
        links.finding(f.id()).ifPresent(url -> event.put("client_url", url.toString()));

        ObjectNode payload = event.putObject("payload")
                .put("summary", FindingText.truncate(FindingText.headline(alert) + ": " + FindingText.subject(f)
                        + FindingText.ip(f).map(ip -> " from " + ip).orElse("") + " (" + f.organization() + ")", SUMMARY_MAX))
                .put("source", "dev.azure.com/" + f.organization())
                .put("severity", severity(f.severity()))
                .put("timestamp", f.eventTime().toString())
                .put("component", FindingText.authorizationId(f).map(id -> "pat:" + id)
                        .or(() -> java.util.Optional.ofNullable(f.subject().userPrincipalName()).map(u -> "user:" + u))
                        .orElse("organization"))
                .put("group", f.organization())
                .put("class", f.ruleId());

        ObjectNode details = payload.putObject("custom_details")
                .put("finding_id", f.id())
                .put("rule", f.ruleId())
                .put("title", f.title())
                .put("severity", f.severity().name())
                .put("summary", f.summary())
                .put("token", FindingText.token(f))
                .put("owner", FindingText.owner(f))
                .put("from", FindingText.from(f))
                .put("detected_at", f.detectedAt().toString());
        if (alert.isUpdate()) {
            details.put("repeats", alert.repeats()).put("repeats_since", alert.since().toString())
                    .put("first_finding_id", alert.dedupKey());
        }
        ArrayNode attack = details.putArray("mitre_attack");
        f.mitreAttack().forEach(attack::add);
        ObjectNode evidence = details.putObject("evidence");
        f.evidence().forEach(evidence::put);

        ArrayNode linkArray = JSON.arrayNode();
        links.finding(f.id()).ifPresent(url -> linkArray.addObject().put("href", url.toString()).put("text", "Open in PATrol"));
        Links.adoAuditLog(f.organization()).ifPresent(url ->
                linkArray.addObject().put("href", url.toString()).put("text", "Audit log in Azure DevOps"));
        if (!linkArray.isEmpty()) {
            event.set("links", linkArray);
        }
        return event;
    }

    /** PagerDuty has four severities; LOW and INFO both page as info (if routed to PagerDuty at all). */
    static String severity(Severity severity) {
        return switch (severity) {
            case CRITICAL -> "critical";
            case HIGH -> "error";
            case MEDIUM -> "warning";
            case LOW, INFO -> "info";
        };
    }
}
