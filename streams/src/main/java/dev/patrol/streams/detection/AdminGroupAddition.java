package dev.patrol.streams.detection;

import com.fasterxml.jackson.databind.JsonNode;
import dev.patrol.model.event.AuditEvent;
import dev.patrol.model.event.EnrichedAuditEvent;
import dev.patrol.model.event.Finding;
import dev.patrol.model.event.Severity;
import dev.patrol.streams.rules.RuleSettings;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;

/**
 * ADO-ADMINADD-17: someone was added to an administrators group ({@code Group.UpdateGroupMembership.Add}). Sentinel's
 * rule looks only at Project and Project Collection Administrators, skips project admins by default and misspells
 * "Build Administrator" (X-Force, detections.md B1); here the groups are the rule's {@code groups} list, matched
 * case-insensitively on the name after the scope ({@code [Project_Alpha]\Project Administrators} matches
 * {@code Project Administrators}) in every project. Groups in {@code raisedGroups} (by default Project Collection
 * Administrators: the whole organization) are one step higher, and so is an addition done with a PAT or from outside
 * the corporate network.
 *
 * <p>The entry's {@code data} is not documented; seen in public samples: {@code GroupName} (e.g.
 * {@code [Project_Alpha]\Project Administrators}, org-level groups {@code [OrgName]\Project Collection Administrators}),
 * {@code GroupId}, {@code MemberId} (the member's user id, as {@code actorUserId} elsewhere), {@code MemberDisplayName}
 * and {@code Updates: [{GroupId, MemberId, Active}]}; and the details text {@code <Member> was added as a member of
 * group <group>}. The group comes from {@code GroupName}, else from the details; when neither names it, whether the
 * group is an admin group cannot be told, and nothing is reported.
 */
public final class AdminGroupAddition implements Detection {

    public static final String RULE_ID = "ADO-ADMINADD-17";
    static final String ACTION = "Group.UpdateGroupMembership.Add";
    static final List<String> DEFAULT_GROUPS = List.of("Project Administrators", "Project Collection Administrators",
            "Build Administrators", "Project Collection Build Administrators");
    static final List<String> DEFAULT_RAISED = List.of("Project Collection Administrators");
    private static final Pattern DETAILS = Pattern.compile("^\\s*(.*?)\\s+was added as a member of group\\s+(.+?)\\s*\\.?\\s*$",
            Pattern.CASE_INSENSITIVE | Pattern.DOTALL);

    /**
     * A group as the entry names it.
     *
     * @param full   as written, e.g. {@code [Project_Alpha]\Project Administrators}
     * @param scope  the project or organization in brackets, or null
     * @param name   the part after the last backslash
     * @param source {@code data GroupName} or {@code details text}
     */
    record Group(String full, String scope, String name, String source) {
    }

    @Override
    public String id() {
        return RULE_ID;
    }

    @Override
    public String prefix() {
        return "adminadd";
    }

    @Override
    public KStream<String, Finding> build(DetectionInputs inputs, RuleSettings rule) {
        Set<String> admins = lowerCase(rule.list("groups", DEFAULT_GROUPS));
        Set<String> raised = lowerCase(rule.list("raisedGroups", DEFAULT_RAISED));
        Clock clock = inputs.clock();
        KStream<String, EnrichedAuditEvent> additions = inputs.audit()
                .filter((id, enriched) -> ACTION.equalsIgnoreCase(enriched.event().actionId())
                        && group(enriched.event()).filter(g -> admins.contains(key(g.name()))).isPresent()
                        && !ActorRisk.allowlisted(rule, enriched), Named.as(prefix() + "-admin-groups-only"));
        return ActorRisk.byActor(additions, prefix())
                .mapValues(enriched -> finding(rule, enriched, group(enriched.event()).orElseThrow(), raised, clock),
                        Named.as(prefix() + "-finding"));
    }

    /** The group an addition names: data {@code GroupName}, else the details text; empty when neither does. */
    static Optional<Group> group(AuditEvent event) {
        Optional<String> fromData = AuditData.of(event).text("GroupName");
        if (fromData.isPresent()) {
            return Optional.of(parse(fromData.get(), "data GroupName"));
        }
        if (event.details() == null) {
            return Optional.empty();
        }
        Matcher matcher = DETAILS.matcher(event.details());
        return matcher.matches() ? Optional.of(parse(matcher.group(2), "details text")) : Optional.empty();
    }

    /** The added member's user id: data {@code MemberId}, else the only entry of {@code Updates}. */
    static Optional<String> memberId(AuditEvent event) {
        AuditData data = AuditData.of(event);
        return data.text("MemberId").or(() -> firstUpdate(data, "MemberId"));
    }

    /** Whether an entry adds someone to one of the named groups (compared by name, ignoring case and scope). */
    static Optional<Group> adminGroup(AuditEvent event, List<String> groups) {
        if (!ACTION.equalsIgnoreCase(event.actionId())) {
            return Optional.empty();
        }
        Set<String> names = lowerCase(groups);
        return group(event).filter(g -> names.contains(key(g.name())));
    }

    static Group parse(String written, String source) {
        String full = written.strip();
        String scope = null;
        if (full.startsWith("[") && full.indexOf(']') > 0) {
            scope = full.substring(1, full.indexOf(']'));
        }
        int slash = full.lastIndexOf('\\');
        String name = (slash < 0 ? full : full.substring(slash + 1)).strip();
        return new Group(full, scope, name, source);
    }

    private static String key(String groupName) {
        return groupName.strip().toLowerCase(Locale.ROOT);
    }

    private static Set<String> lowerCase(List<String> names) {
        return names.stream().map(AdminGroupAddition::key).collect(Collectors.toUnmodifiableSet());
    }

    private static Finding finding(RuleSettings rule, EnrichedAuditEvent enriched, Group group, Set<String> raised,
                                   Clock clock) {
        AuditEvent event = enriched.event();
        AuditData data = AuditData.of(event);
        Optional<String> memberId = memberId(event);
        Optional<String> memberName = data.text("MemberDisplayName").or(() -> memberFromDetails(event));
        boolean orgLevel = raised.contains(key(group.name()));
        boolean self = memberId.isPresent() && memberId.get().equalsIgnoreCase(event.actor().userId());

        List<String> reasons = ActorRisk.raiseReasons(enriched);
        Severity base = orgLevel ? Findings.raise(rule.severity()) : rule.severity();
        String member = memberName.orElse(memberId.map(id -> "member " + id).orElse("an unidentified member"));
        String summary = ActorRisk.who(enriched) + " added " + (self ? "themselves" : member) + " to " + group.full()
                + (orgLevel ? " (administrators of the whole organization)" : "") + " from " + ActorRisk.where(enriched)
                + ActorRisk.suffix(reasons);
        Evidence evidence = ActorRisk.evidence(enriched, reasons)
                .put("group", group.full())
                .put("groupScope", group.scope())
                .put("groupFrom", group.source())
                .put("groupLevel", orgLevel ? "organization (raised)" : null)
                .put("groupId", data.text("GroupId").orElse(null))
                .put("member", memberName.orElse("not in the entry (no MemberDisplayName)"))
                .put("memberId", memberId.orElse("not in the entry (no MemberId)"))
                .put("selfAddition", self ? "yes: the actor added themselves" : null);
        return Findings.of(rule, ActorRisk.severity(base, reasons), event, Findings.actor(enriched),
                ActorRisk.subjectKey(enriched), event.id(), summary, evidence, clock.instant());
    }

    private static Optional<String> firstUpdate(AuditData data, String key) {
        return data.node("Updates").filter(JsonNode::isArray).filter(updates -> updates.size() == 1)
                .flatMap(updates -> AuditData.node(updates.get(0), key))
                .filter(JsonNode::isValueNode).map(JsonNode::asText).filter(v -> !v.isBlank());
    }

    private static Optional<String> memberFromDetails(AuditEvent event) {
        if (event.details() == null) {
            return Optional.empty();
        }
        Matcher matcher = DETAILS.matcher(event.details());
        return matcher.matches() && !matcher.group(1).isBlank() ? Optional.of(matcher.group(1)) : Optional.empty();
    }
}
