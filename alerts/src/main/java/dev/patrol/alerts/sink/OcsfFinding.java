package dev.patrol.alerts.sink;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patrol.model.event.Finding;
import dev.patrol.model.event.Severity;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A finding as an OCSF 1.3.0 Detection Finding (class_uid 2004, category Findings, activity Create): what SIEMs
 * that speak OCSF (Security Lake, Splunk, Sentinel, Elastic) ingest without a custom parser.
 *
 * <ul>
 *   <li>{@code time} and {@code finding_info.created_time} are when PATrol detected it, first/last seen the ADO event
 *       time (epoch milliseconds, as OCSF's timestamp type);</li>
 *   <li>{@code finding_info}: uid = finding id, the rule as {@code analytic} (type Rule), the rule id in
 *       {@code types}, the source audit entries as {@code related_events};</li>
 *   <li>{@code attacks}: one per ATT&CK id, a sub-technique {@code T1078.004} split into technique {@code T1078} and
 *       sub-technique (also copied into {@code finding_info}, as OCSF asks of detection producers);</li>
 *   <li>{@code evidences}: the actor (user, token as {@code credential_uid}), the source endpoint (IP, city, country,
 *       AS), the API operation (audit action), the user agent, and every evidence fact as {@code data};</li>
 *   <li>{@code resources}: the token; {@code observables}: IP, user name, token id, to pivot on.</li>
 * </ul>
 * Unknown parts are left out rather than sent empty.
 */
final class OcsfFinding {

    static final String SCHEMA_VERSION = "1.3.0";
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final Pattern SUB_TECHNIQUE = Pattern.compile("(T\\d{4})\\.\\d{3}");
    // OCSF observable type ids.
    private static final int IP_ADDRESS = 2;
    private static final int USER_NAME = 4;
    private static final int USER_CREDENTIAL_ID = 19;

    private OcsfFinding() {
    }

    static ObjectNode build(Finding f, Links links) {
        ObjectNode event = JSON.objectNode()
                .put("activity_id", 1).put("activity_name", "Create")
                .put("category_uid", 2).put("category_name", "Findings")
                .put("class_uid", 2004).put("class_name", "Detection Finding")
                .put("type_uid", 200401).put("type_name", "Detection Finding: Create")
                .put("severity_id", severityId(f.severity())).put("severity", severityName(f.severity()))
                .put("status_id", 1).put("status", "New")
                .put("time", f.detectedAt().toEpochMilli())
                .put("message", f.summary());
        ObjectNode metadata = event.putObject("metadata").put("version", SCHEMA_VERSION);
        metadata.putObject("product").put("name", "PATrol").put("vendor_name", "PATrol");

        ObjectNode info = event.putObject("finding_info")
                .put("uid", f.id())
                .put("title", f.title())
                .put("desc", f.summary())
                .put("created_time", f.detectedAt().toEpochMilli())
                .put("first_seen_time", f.eventTime().toEpochMilli())
                .put("last_seen_time", f.eventTime().toEpochMilli());
        links.finding(f.id()).ifPresent(url -> info.put("src_url", url.toString()));
        info.putArray("types").add(f.ruleId());
        info.putObject("analytic").put("uid", f.ruleId()).put("name", f.title()).put("type_id", 1).put("type", "Rule");
        if (!f.sourceEventIds().isEmpty()) {
            ArrayNode related = info.putArray("related_events");
            f.sourceEventIds().forEach(id -> related.addObject().put("uid", id));
        }
        if (!f.mitreAttack().isEmpty()) {
            ArrayNode attacks = event.putArray("attacks");
            f.mitreAttack().forEach(id -> attacks.add(attack(id)));
            info.set("attacks", attacks.deepCopy());
        }

        event.putArray("evidences").add(evidence(f));
        FindingText.authorizationId(f).ifPresent(id -> {
            ObjectNode token = event.putArray("resources").addObject().put("uid", id)
                    .put("type", "Azure DevOps personal access token");
            FindingText.evidence(f, "tokenName").ifPresent(name -> token.put("name", name));
            FindingText.evidence(f, "owner").ifPresent(owner -> token.putObject("owner").put("name", owner));
        });

        ArrayNode observables = JSON.arrayNode();
        FindingText.ip(f).ifPresent(ip -> observable(observables, "evidences.src_endpoint.ip", IP_ADDRESS, ip));
        user(f).ifPresent(user -> observable(observables, "evidences.actor.user.name", USER_NAME, user));
        FindingText.authorizationId(f).ifPresent(id ->
                observable(observables, "evidences.actor.user.credential_uid", USER_CREDENTIAL_ID, id));
        if (!observables.isEmpty()) {
            event.set("observables", observables);
        }
        event.putObject("unmapped").put("organization", f.organization()).put("rule_id", f.ruleId());
        return event;
    }

    static int severityId(Severity severity) {
        return switch (severity) {
            case INFO -> 1;
            case LOW -> 2;
            case MEDIUM -> 3;
            case HIGH -> 4;
            case CRITICAL -> 5;
        };
    }

    static String severityName(Severity severity) {
        return switch (severity) {
            case INFO -> "Informational";
            case LOW -> "Low";
            case MEDIUM -> "Medium";
            case HIGH -> "High";
            case CRITICAL -> "Critical";
        };
    }

    private static ObjectNode attack(String id) {
        ObjectNode attack = JSON.objectNode();
        Matcher sub = SUB_TECHNIQUE.matcher(id);
        if (sub.matches()) {
            attack.putObject("technique").put("uid", sub.group(1));
            attack.putObject("sub_technique").put("uid", id);
        } else {
            attack.putObject("technique").put("uid", id);
        }
        return attack;
    }

    private static ObjectNode evidence(Finding f) {
        ObjectNode evidence = JSON.objectNode();
        Optional<String> user = user(f);
        Optional<String> token = FindingText.authorizationId(f);
        if (user.isPresent() || token.isPresent()) {
            ObjectNode u = evidence.putObject("actor").putObject("user");
            user.ifPresent(name -> u.put("name", name));
            Optional.ofNullable(f.subject().userId()).ifPresent(uid -> u.put("uid", uid));
            token.ifPresent(id -> u.put("credential_uid", id));
        }
        FindingText.ip(f).ifPresent(ip -> {
            ObjectNode src = evidence.putObject("src_endpoint").put("ip", ip);
            Optional<String> city = FindingText.evidence(f, "city");
            Optional<String> country = FindingText.evidence(f, "country");
            if (city.isPresent() || country.isPresent()) {
                ObjectNode location = src.putObject("location");
                city.ifPresent(c -> location.put("city", c));
                country.ifPresent(c -> location.put("country", c));
            }
            Optional<Long> asn = FindingText.evidence(f, "asn").flatMap(OcsfFinding::asNumber);
            if (asn.isPresent()) {
                ObjectNode as = src.putObject("autonomous_system").put("number", asn.get());
                FindingText.evidence(f, "asOrganization").ifPresent(name -> as.put("name", name));
            }
        });
        FindingText.evidence(f, "action").ifPresent(action -> evidence.putObject("api").put("operation", action));
        FindingText.evidence(f, "userAgent").ifPresent(ua -> evidence.putObject("http_request").put("user_agent", ua));
        ObjectNode data = evidence.putObject("data");
        f.evidence().forEach(data::put);
        return evidence;
    }

    private static Optional<String> user(Finding f) {
        return Optional.ofNullable(f.subject().userPrincipalName()).or(() -> FindingText.evidence(f, "actor"));
    }

    private static Optional<Long> asNumber(String asn) {
        try {
            return Optional.of(Long.parseLong(asn.regionMatches(true, 0, "AS", 0, 2) ? asn.substring(2) : asn));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static void observable(ArrayNode observables, String name, int typeId, String value) {
        observables.addObject().put("name", name).put("type_id", typeId).put("value", value);
    }
}
