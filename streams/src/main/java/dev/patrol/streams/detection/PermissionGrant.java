package dev.patrol.streams.detection;

import com.fasterxml.jackson.databind.JsonNode;
import dev.patrol.model.event.EnrichedAuditEvent;
import dev.patrol.model.event.Finding;
import dev.patrol.model.event.Severity;
import dev.patrol.streams.permissions.GitPermission;
import dev.patrol.streams.permissions.GitSecurityToken;
import dev.patrol.streams.rules.RuleSettings;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;

/**
 * ADO-PERMGRANT-24: a permission change ({@code Security.ModifyPermission}, {@code Security.ModifyAccessControlLists})
 * that grants, in the Git Repositories namespace, one of the rights that let someone rewrite history, skip review or
 * hand out more rights ({@link GitPermission#risky()}: ForcePush, PolicyExempt, PullRequestBypassPolicy,
 * ManagePermissions, EditPolicies) on a repository (or every repository of a project or the organization) or on a
 * protected branch. Raised one step when done with a PAT or from off the corporate network.
 *
 * <p>The entry's {@code data} is not documented by Microsoft. Public samples show {@code NamespaceId},
 * {@code NamespaceName}, {@code Token} (the security token, e.g. {@code repoV2/<project>/<repo>/refs/heads/<hex>}),
 * {@code Permissions[]} (access control entries with {@code allow} / {@code deny} bit masks, sometimes inside
 * {@code baseEntry}), {@code EventSummary[]} ({@code PermissionNames}, {@code Change}) and {@code SubjectDisplayName}.
 * The masks are read first, the summary's names second; when an entry has neither (or no namespace), the finding
 * says what is missing at INFO instead of guessing whether it mattered.
 */
public final class PermissionGrant implements Detection {

    public static final String RULE_ID = "ADO-PERMGRANT-24";
    static final Set<String> ACTIONS = Set.of("Security.ModifyPermission", "Security.ModifyAccessControlLists");
    static final String GIT_NAMESPACE_NAME = "Git Repositories";

    /** What an entry says was granted, as far as it can be read. */
    record Decoded(Optional<GitSecurityToken> scope, String rawToken, long allow, long deny, List<GitPermission> granted,
                   String source, List<String> missing) {
    }

    @Override
    public String id() {
        return RULE_ID;
    }

    @Override
    public String prefix() {
        return "permgrant";
    }

    @Override
    public KStream<String, Finding> build(DetectionInputs inputs, RuleSettings rule) {
        List<Pattern> protectedBranches = rule.list("protectedBranches", List.of("main", "master", "release/*")).stream()
                .map(PermissionGrant::glob).toList();
        Clock clock = inputs.clock();
        KStream<String, EnrichedAuditEvent> changes = inputs.audit()
                .filter((id, enriched) -> ACTIONS.contains(enriched.event().actionId())
                        && !ActorRisk.allowlisted(rule, enriched), Named.as(prefix() + "-permission-changes"));
        // Suppression is per actor: each actor's changes to one partition, as for the other posture rules.
        return ActorRisk.byActor(changes, prefix())
                .mapValues(enriched -> evaluate(rule, enriched, protectedBranches, clock), Named.as(prefix() + "-evaluate"))
                .filter((actor, finding) -> finding != null, Named.as(prefix() + "-findings-only"));
    }

    /** The finding for one permission change, or null when it is not in the Git namespace or grants nothing risky. */
    static Finding evaluate(RuleSettings rule, EnrichedAuditEvent enriched, List<Pattern> protectedBranches, Clock clock) {
        var event = enriched.event();
        AuditData data = AuditData.of(event);
        Optional<String> namespaceId = data.text("NamespaceId");
        Optional<String> namespaceName = data.text("NamespaceName");
        boolean git = namespaceId.map(GitPermission.NAMESPACE_ID::equalsIgnoreCase).orElse(false)
                || namespaceName.map(GIT_NAMESPACE_NAME::equalsIgnoreCase).orElse(false);
        if (!git && (namespaceId.isPresent() || namespaceName.isPresent())) {
            return null; // another namespace: its bits mean other things, and only Git is decoded so far
        }
        Decoded decoded = decode(data);
        List<String> missing = new ArrayList<>(decoded.missing());
        if (!git) {
            missing.add(0, "NamespaceId/NamespaceName (cannot tell which namespace changed)");
        }
        Evidence evidence = new Evidence().network(enriched.network()).action(event)
                .put("namespace", git ? GIT_NAMESPACE_NAME + " (" + GitPermission.NAMESPACE_ID + ")" : null)
                .put("securityToken", decoded.rawToken())
                .put("scope", decoded.scope().map(GitSecurityToken::describe).orElse(null))
                .put("subject", data.text("SubjectDisplayName").orElse(null));
        String actor = event.actor().userPrincipalName() != null ? event.actor().userPrincipalName() : "an unknown user";
        String to = data.text("SubjectDisplayName").map(s -> " to " + s).orElse("");
        if (!git || decoded.source() == null) {
            evidence.put("undecoded", "the entry's data lacks " + String.join(", ", missing));
            return Findings.of(rule, Severity.INFO, event, Findings.actor(enriched), "user:" + event.actor().userId(),
                    event.id(), actor + " changed permissions" + to + "; PATrol cannot tell what was granted: the entry's"
                            + " data lacks " + String.join(", ", missing), evidence, clock.instant());
        }
        List<GitPermission> risky = decoded.granted().stream().filter(GitPermission::risky).toList();
        Optional<GitSecurityToken> scope = decoded.scope();
        boolean branchLevel = scope.map(s -> s.refNamespace().isPresent()).orElse(false);
        boolean protectedBranch = scope.filter(GitSecurityToken::isBranch).flatMap(GitSecurityToken::refName)
                .map(name -> protectedBranches.stream().anyMatch(p -> p.matcher(name).matches())).orElse(false);
        if (risky.isEmpty() || (branchLevel && !protectedBranch)) {
            return null;
        }
        List<String> raisedBecause = ActorRisk.raiseReasons(enriched);
        Severity severity = ActorRisk.severity(rule.severity(), raisedBecause);
        evidence.put("granted", String.join(", ", risky.stream().map(GitPermission::displayName).toList()))
                .put("allowMask", decoded.source().equals("masks") ? Long.toString(decoded.allow()) : null)
                .put("denyMask", decoded.source().equals("masks") ? Long.toString(decoded.deny()) : null)
                .put("decodedFrom", decoded.source().equals("masks") ? "Permissions[].allow bit masks"
                        : "EventSummary permission names (no bit masks in the entry)")
                .put("unknownBits", GitPermission.unknownBits(decoded.allow()) == 0 ? null
                        : Long.toString(GitPermission.unknownBits(decoded.allow())))
                .put("scopeUndecoded", scope.isEmpty() ? (decoded.rawToken() == null ? "the entry's data has no Token"
                        : "the Token is not a repoV2 token PATrol can decode; shown raw") : null);
        evidence.put("raisedBecause", raisedBecause.isEmpty() ? null : String.join("; ", raisedBecause));
        String where = scope.map(GitSecurityToken::describe).orElse("security token " + decoded.rawToken());
        String summary = actor + " granted " + String.join(", ", risky.stream().map(GitPermission::displayName).toList())
                + to + " on " + where + (protectedBranch ? " (a protected branch)" : "")
                + ActorRisk.suffix(raisedBecause);
        return Findings.of(rule, severity, event, Findings.actor(enriched), "user:" + event.actor().userId(), event.id(),
                summary, evidence, clock.instant());
    }

    /** Reads token and granted permissions: masks from {@code Permissions[]}, else names from {@code EventSummary[]}. */
    static Decoded decode(AuditData data) {
        String rawToken = data.text("Token").orElse(null);
        Optional<GitSecurityToken> scope = GitSecurityToken.parse(rawToken);
        List<String> missing = new ArrayList<>();
        if (rawToken == null) {
            missing.add("Token");
        }
        long allow = 0;
        long deny = 0;
        boolean masks = false;
        JsonNode entries = data.node("Permissions").orElse(null);
        if (entries != null && entries.isArray()) {
            for (JsonNode entry : entries) {
                JsonNode base = AuditData.node(entry, "baseEntry").orElse(entry);
                Optional<JsonNode> allowNode = AuditData.node(entry, "allow").or(() -> AuditData.node(base, "allow"));
                Optional<JsonNode> denyNode = AuditData.node(entry, "deny").or(() -> AuditData.node(base, "deny"));
                if (allowNode.filter(JsonNode::canConvertToLong).isPresent()) {
                    allow |= allowNode.get().asLong();
                    masks = true;
                }
                if (denyNode.filter(JsonNode::canConvertToLong).isPresent()) {
                    deny |= denyNode.get().asLong();
                }
            }
        }
        if (masks) {
            // A bit both allowed and denied on one ACE is denied: deny wins in ADO's evaluation.
            return new Decoded(scope, rawToken, allow, deny, GitPermission.of(allow & ~deny), "masks", missing);
        }
        Set<GitPermission> named = new LinkedHashSet<>();
        boolean summary = false;
        JsonNode changes = data.node("EventSummary").orElse(null);
        if (changes != null && changes.isArray()) {
            for (JsonNode change : changes) {
                String names = AuditData.node(change, "PermissionNames").map(JsonNode::asText).orElse("");
                String kind = AuditData.node(change, "Change").map(JsonNode::asText).orElse("");
                if (names.isBlank()) {
                    continue;
                }
                summary = true;
                if (kind.toLowerCase(Locale.ROOT).contains("allow")) {
                    named.addAll(byNames(names));
                }
            }
        }
        if (summary) {
            return new Decoded(scope, rawToken, 0, 0, List.copyOf(named), "names", missing);
        }
        missing.add("Permissions[].allow and EventSummary[].PermissionNames");
        return new Decoded(scope, rawToken, 0, 0, List.of(), null, missing);
    }

    /** Permissions whose display name (or its start, before a parenthesis) appears in a comma-separated list. */
    static List<GitPermission> byNames(String names) {
        List<GitPermission> out = new ArrayList<>();
        for (String raw : names.split(",")) {
            String name = raw.trim().toLowerCase(Locale.ROOT);
            for (GitPermission permission : GitPermission.values()) {
                String display = permission.displayName().toLowerCase(Locale.ROOT);
                String shortName = display.contains(" (") ? display.substring(0, display.indexOf(" (")) : display;
                if (!name.isEmpty() && (name.equals(display) || name.equals(shortName)
                        || name.equals(permission.name().toLowerCase(Locale.ROOT).replace("_", "")))) {
                    out.add(permission);
                }
            }
        }
        return out;
    }

    /** {@code release/*} style patterns: {@code *} matches within and across segments. */
    static Pattern glob(String pattern) {
        StringBuilder regex = new StringBuilder();
        for (String part : pattern.split("\\*", -1)) {
            if (!regex.isEmpty()) {
                regex.append(".*");
            }
            regex.append(Pattern.quote(part));
        }
        return Pattern.compile(regex.toString(), Pattern.CASE_INSENSITIVE);
    }
}
