package dev.patrol.streams.detection;

import dev.patrol.streams.rules.RuleSettings;
import java.util.List;
import java.util.Set;

/**
 * Audited actions a PAT or a session cookie should rarely perform: Sentinel's "PAT misuse" list (any
 * {@code Security.}, {@code Project.}, {@code AuditLog.} or {@code Extension.} action; group-membership adds,
 * service-connection execution, pipeline and release-pipeline edits, PR-policy bypass) plus X-Force's additions
 * (build pipelines, not only release ones; policy and check removal; service-connection and variable-group changes).
 * The lists are rule parameters of {@code PAT-SENSITIVE-08}, so a site can extend them without a release.
 */
public record SensitiveOperations(Set<String> actions, List<String> prefixes) {

    static final List<String> DEFAULT_PREFIXES = List.of("Security.", "Project.", "AuditLog.", "Extension.",
            "OrganizationPolicy.", "Organization.");
    static final List<String> DEFAULT_ACTIONS = List.of(
            "Group.UpdateGroupMembership.Add", "Group.CreateGroups",
            "Library.ServiceConnectionExecuted", "Library.ServiceConnectionCreated", "Library.ServiceConnectionModified",
            "Library.ServiceConnectionShared", "Library.VariableGroupModified", "Library.AgentPoolCreated",
            "Library.AgentAdded",
            "Pipelines.PipelineModified", "Pipelines.ResourceAuthorizedForPipeline", "Pipelines.ResourceAuthorizedForProject",
            "Pipelines.PipelineRetentionSettingChanged", "Pipelines.OrganizationSettings", "Pipelines.ProjectSettings",
            "Release.ReleasePipelineModified",
            "Git.RefUpdatePoliciesBypassed", "Git.RepositoryDeleted", "Git.RepositoryDestroyed",
            "Git.RepositoryDefaultBranchChanged",
            "Policy.PolicyConfigModified", "Policy.PolicyConfigRemoved",
            "CheckConfiguration.Deleted", "CheckConfiguration.Updated",
            "Token.PatCreateEvent", "Token.SshCreateEvent");

    public SensitiveOperations {
        actions = Set.copyOf(actions);
        prefixes = List.copyOf(prefixes);
    }

    static SensitiveOperations from(RuleSettings rule) {
        return new SensitiveOperations(Set.copyOf(rule.list("actions", DEFAULT_ACTIONS)),
                rule.list("actionPrefixes", DEFAULT_PREFIXES));
    }

    public boolean contains(String actionId) {
        if (actionId == null) {
            return false;
        }
        return actions.contains(actionId) || prefixes.stream().anyMatch(actionId::startsWith);
    }
}
