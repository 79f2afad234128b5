package dev.patrol.simulator;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Random;
import java.util.UUID;

/**
 * The audit actions the generator emits, with the {@code area}, {@code category}, {@code data} and {@code details}
 * ADO writes for them. Action ids and areas follow the auditing-events reference (Group.* actions report area
 * "Security", AuditLog.* report "Auditing", as the spec examples show); the {@code data} keys follow the
 * placeholders of each action's details template.
 */
enum AuditAction {

    GIT_REF_UPDATE_POLICIES_BYPASSED("Git.RefUpdatePoliciesBypassed", "Git", "modify", true) {
        @Override
        Rendered render(ActionContext context) {
            String repo = context.pick(context.project().repositories());
            ObjectNode data = data()
                    .put("ProjectName", context.project().name())
                    .put("RepoId", stableId(context.project().name() + "/" + repo))
                    .put("RepoName", repo)
                    .put("FriendlyName", "main")
                    .put("PushId", 1000 + context.random().nextInt(9000));
            return new Rendered(data, "Policies on \"main\" were bypassed in Git repository \"" + repo
                    + "\" in project " + context.project().name());
        }
    },
    GIT_REPOSITORY_CREATED("Git.RepositoryCreated", "Git", "create", true) {
        @Override
        Rendered render(ActionContext context) {
            String repo = context.pick(context.project().repositories()) + "-" + context.pick(List.of("poc", "fork", "tmp", "v2"));
            ObjectNode data = data()
                    .put("ProjectName", context.project().name())
                    .put("RepoId", stableId(context.project().name() + "/" + repo))
                    .put("RepoName", repo);
            return new Rendered(data, "Created Git repository \"" + repo + "\" in project " + context.project().name() + ".");
        }
    },
    SERVICE_CONNECTION_EXECUTED("Library.ServiceConnectionExecuted", "Library", "execute", true) {
        @Override
        Rendered render(ActionContext context) {
            String connection = context.project().name().toLowerCase(Locale.ROOT) + "-" + context.pick(List.of("azure-prod", "azure-staging", "acr"));
            String pipeline = context.pick(context.project().pipelines());
            ObjectNode data = data()
                    .put("ConnectionId", stableId(context.project().name() + "/sc/" + connection))
                    .put("ConnectionName", connection)
                    .put("ConnectionType", "azurerm")
                    .put("PlanType", "Build")
                    .put("DefinitionId", pipelineId(context.project(), pipeline))
                    .put("DefinitionName", pipeline);
            return new Rendered(data, "Service connection \"" + connection + "\" of type azurerm was used by pipeline \""
                    + pipeline + "\" in project " + context.project().name() + ".");
        }
    },
    PIPELINE_MODIFIED("Pipelines.PipelineModified", "Pipelines", "modify", true) {
        @Override
        Rendered render(ActionContext context) {
            String pipeline = context.pick(context.project().pipelines());
            ObjectNode data = data()
                    .put("ProjectName", context.project().name())
                    .put("PipelineId", pipelineId(context.project(), pipeline))
                    .put("PipelineName", pipeline)
                    .put("PipelineRevision", 2 + context.random().nextInt(40));
            return new Rendered(data, "Pipeline \"" + pipeline + "\" was modified in project " + context.project().name() + ".");
        }
    },
    MODIFY_PERMISSION("Security.ModifyPermission", "Security", "modify", true) {
        /**
         * The shape public samples of real entries show (Microsoft does not document it): namespace, the security
         * token ({@code repoV2/<project>/<repo>[/refs/heads/<UTF-16LE hex per segment>/]}), the access control
         * entries with allow/deny bit masks, and an event summary naming the permissions.
         */
        @Override
        Rendered render(ActionContext context) {
            String group = "[" + context.project().name() + "]\\" + context.pick(List.of("Contributors", "Readers", "Build Administrators"));
            int[] bits = {4, 8, 8192, 128};
            String[] names = {"Contribute", "Force push (rewrite history, delete branches and tags)", "Manage permissions",
                    "Bypass policies when pushing"};
            int which = context.random().nextInt(bits.length);
            String repo = context.pick(context.project().repositories());
            String token = "repoV2/" + context.project().id() + "/" + stableId(context.project().name() + "/" + repo);
            String branch = context.pick(List.of("", "main", "release/2026.11", "users/dev/wip"));
            if (!branch.isEmpty()) {
                StringBuilder ref = new StringBuilder(token).append("/refs/heads/");
                for (String part : branch.split("/")) {
                    ref.append(java.util.HexFormat.of().formatHex(part.getBytes(StandardCharsets.UTF_16LE))).append('/');
                }
                token = ref.toString();
            }
            String descriptor = "Microsoft.TeamFoundation.Identity;S-1-9-1551374245-" + stableId(group).hashCode();
            ObjectNode data = data()
                    .put("NamespaceId", "2e9eb7ed-3c0a-47d4-87c1-0ffdd275fd87")
                    .put("NamespaceName", "Git Repositories")
                    .put("Token", token);
            ObjectNode ace = data.putArray("Permissions").addObject();
            ace.putObject("baseEntry").put("descriptor", descriptor).put("allow", bits[which]).put("deny", 0).put("isEmpty", false);
            ace.put("descriptor", descriptor).put("allow", bits[which]).put("deny", 0).put("isEmpty", false);
            data.putArray("EventSummary").addObject().put("PermissionNames", names[which]).put("Change", "allow")
                    .put("SubjectDescriptor", descriptor).put("SubjectDisplayName", group);
            data.put("EventSummaryType", "ChangedPermission").put("SubjectDisplayName", group);
            return new Rendered(data, "1 permission was modified for " + group);
        }
    },
    GROUP_MEMBERSHIP_ADD("Group.UpdateGroupMembership.Add", "Security", "modify", true) {
        @Override
        Rendered render(ActionContext context) {
            String group = "[" + context.project().name() + "]\\" + context.pick(List.of("Project Administrators", "Contributors", "Release Approvers"));
            String groupId = stableId("group/" + group);
            // MemberId is the member's user id, the same id their own entries carry as actorUserId.
            ObjectNode data = data()
                    .put("GroupId", groupId)
                    .put("GroupName", group)
                    .put("MemberId", context.subject().userId())
                    .put("MemberDisplayName", context.subject().user().displayName())
                    .put("MemberDescriptor", context.subject().descriptor());
            data.putArray("Updates").addObject().put("GroupId", groupId.toUpperCase(Locale.ROOT))
                    .put("MemberId", context.subject().userId().toUpperCase(Locale.ROOT)).put("Active", true);
            return new Rendered(data, context.subject().user().displayName() + " was added as a member of group " + group);
        }
    },
    POLICY_CONFIG_MODIFIED("Policy.PolicyConfigModified", "Policy", "modify", true) {
        @Override
        Rendered render(ActionContext context) {
            String repo = context.pick(context.project().repositories());
            String policy = context.pick(List.of("Minimum number of reviewers", "Build", "Required reviewers", "Comment requirements"));
            ObjectNode data = data()
                    .put("ProjectName", context.project().name())
                    .put("PolicyTypeDisplayName", policy)
                    .put("RepoName", repo)
                    .put("RefName", "refs/heads/main")
                    .put("IsEnabled", context.random().nextInt(4) != 0);
            return new Rendered(data, "\"" + policy + "\" policy was modified on branch main of repository " + repo
                    + " in project " + context.project().name() + ".");
        }
    },
    RELEASE_PIPELINE_MODIFIED("Release.ReleasePipelineModified", "Release", "modify", true) {
        @Override
        Rendered render(ActionContext context) {
            String pipeline = context.project().name().toLowerCase(Locale.ROOT) + "-release";
            ObjectNode data = data()
                    .put("ProjectName", context.project().name())
                    .put("PipelineId", pipelineId(context.project(), pipeline))
                    .put("PipelineName", pipeline);
            return new Rendered(data, "Release pipeline \"" + pipeline + "\" was modified in project " + context.project().name() + ".");
        }
    },
    DEPLOYMENT_COMPLETED("Release.DeploymentCompleted", "Release", "execute", true) {
        @Override
        Rendered render(ActionContext context) {
            String pipeline = context.project().name().toLowerCase(Locale.ROOT) + "-release";
            String release = "Release-" + (10 + context.random().nextInt(300));
            String stage = context.pick(List.of("staging", "production"));
            ObjectNode data = data()
                    .put("ProjectName", context.project().name())
                    .put("PipelineName", pipeline)
                    .put("ReleaseName", release)
                    .put("StageName", stage)
                    .put("DeploymentResult", "Succeeded");
            return new Rendered(data, "Deployment of " + release + " of release pipeline \"" + pipeline + "\" to stage \""
                    + stage + "\" succeeded in project " + context.project().name() + ".");
        }
    },
    VARIABLE_GROUP_MODIFIED("Library.VariableGroupModified", "Library", "modify", true) {
        @Override
        Rendered render(ActionContext context) {
            String group = context.project().name().toLowerCase(Locale.ROOT) + "-" + context.pick(List.of("secrets", "settings", "deploy-vars"));
            ObjectNode data = data()
                    .put("VariableGroupId", 1 + context.random().nextInt(60))
                    .put("VariableGroupName", group);
            return new Rendered(data, "Variable group \"" + group + "\" was modified in project " + context.project().name() + ".");
        }
    },
    AUDIT_LOG_DOWNLOADED("AuditLog.DownloadLog", "Auditing", "access", false) {
        @Override
        Rendered render(ActionContext context) {
            ObjectNode data = data()
                    .put("Format", "json")
                    .put("StartTime", AdoTime.vsspsDate(context.timestamp().minus(Duration.ofDays(7))))
                    .put("EndTime", AdoTime.vsspsDate(context.timestamp()));
            return new Rendered(data, "Downloaded the audit log as JSON.");
        }
    },
    PAT_CREATED("Token.PatCreateEvent", "Token", "create", false) {
        @Override
        Rendered render(ActionContext context) {
            return tokenEvent(context, "Create", "Created personal access token \"" + context.token().displayName() + "\".");
        }
    },
    PAT_REVOKED("Token.PatRevokeEvent", "Token", "remove", false) {
        @Override
        Rendered render(ActionContext context) {
            return tokenEvent(context, "Revoke", "Revoked personal access token \"" + context.token().displayName() + "\".");
        }
    },
    PAT_EXPIRED("Token.PatExpiredEvent", "Token", "modify", false) {
        @Override
        Rendered render(ActionContext context) {
            ObjectNode data = data()
                    .put("DisplayName", context.token().displayName())
                    .put("OwnerName", context.tokenOwner().user().displayName());
            return new Rendered(data, "Personal access token \"" + context.token().displayName() + "\" of "
                    + context.tokenOwner().user().displayName() + " expired.");
        }
    },
    LICENSE_MODIFIED("Licensing.Modified", "Licensing", "modify", false) {
        @Override
        Rendered render(ActionContext context) {
            ObjectNode data = data()
                    .put("UserDisplayName", context.subject().user().displayName())
                    .put("PreviousAccessLevel", "Stakeholder")
                    .put("AccessLevel", "Basic")
                    .put("Reason", "Group rule");
            return new Rendered(data, "Access level of " + context.subject().user().displayName()
                    + " changed from Stakeholder to Basic by a group rule.");
        }
    };

    /** What a PAT is used for in the log: the high-value actions a PAT misuse rule watches and everyday ones. */
    static final List<AuditAction> PAT_ACTIONS = List.of(
            GIT_REF_UPDATE_POLICIES_BYPASSED, GIT_REPOSITORY_CREATED, SERVICE_CONNECTION_EXECUTED, PIPELINE_MODIFIED,
            PIPELINE_MODIFIED, MODIFY_PERMISSION, GROUP_MEMBERSHIP_ADD, POLICY_CONFIG_MODIFIED,
            RELEASE_PIPELINE_MODIFIED, VARIABLE_GROUP_MODIFIED, AUDIT_LOG_DOWNLOADED);
    /** What people do in the browser; PATs are created here because a PAT cannot mint one. */
    static final List<AuditAction> INTERACTIVE_ACTIONS = List.of(
            PAT_CREATED, PAT_CREATED, PAT_REVOKED, MODIFY_PERMISSION, GROUP_MEMBERSHIP_ADD, POLICY_CONFIG_MODIFIED,
            PIPELINE_MODIFIED, RELEASE_PIPELINE_MODIFIED, VARIABLE_GROUP_MODIFIED, GIT_REPOSITORY_CREATED);
    static final List<AuditAction> SERVICE_PRINCIPAL_ACTIONS = List.of(
            SERVICE_CONNECTION_EXECUTED, DEPLOYMENT_COMPLETED, PIPELINE_MODIFIED);
    static final List<AuditAction> SYSTEM_ACTIONS = List.of(PAT_EXPIRED, LICENSE_MODIFIED);

    private final String actionId;
    private final String area;
    private final String category;
    private final boolean projectScoped;

    AuditAction(String actionId, String area, String category, boolean projectScoped) {
        this.actionId = actionId;
        this.area = area;
        this.category = category;
        this.projectScoped = projectScoped;
    }

    String actionId() {
        return actionId;
    }

    String area() {
        return area;
    }

    /** The lower-case enum value ADO puts in {@code category}. */
    String category() {
        return category;
    }

    String categoryDisplayName() {
        return Character.toUpperCase(category.charAt(0)) + category.substring(1);
    }

    /** Whether the entry carries {@code projectId}/{@code projectName}; org-level actions leave them null. */
    boolean projectScoped() {
        return projectScoped;
    }

    abstract Rendered render(ActionContext context);

    /** The action-specific part of an entry. */
    record Rendered(ObjectNode data, String details) {
    }

    /** What an action may mention. {@code subject} is another member (the one added to a group, say). */
    record ActionContext(Random random, Project project, Member subject, SimToken token, Member tokenOwner,
                         Instant timestamp) {

        ActionContext {
            Objects.requireNonNull(random, "random");
            Objects.requireNonNull(project, "project");
            Objects.requireNonNull(subject, "subject");
            Objects.requireNonNull(token, "token");
            Objects.requireNonNull(tokenOwner, "tokenOwner");
            Objects.requireNonNull(timestamp, "timestamp");
        }

        <T> T pick(List<T> options) {
            return options.get(random.nextInt(options.size()));
        }
    }

    /** A project with the repositories and pipelines actions refer to. */
    record Project(String id, String name, List<String> repositories, List<String> pipelines) {

        Project {
            repositories = List.copyOf(repositories);
            pipelines = List.copyOf(pipelines);
        }
    }

    private static ObjectNode data() {
        return SimJson.NODES.objectNode();
    }

    private static Rendered tokenEvent(ActionContext context, String operation, String details) {
        SimToken token = context.token();
        ArrayNode scopes = SimJson.NODES.arrayNode();
        List.of(token.scope().split(" ")).forEach(scopes::add);
        ObjectNode data = data().put("OperationType", operation).put("TokenType", "PersonalAccessToken");
        data.set("Scopes", scopes);
        data.put("ValidFrom", AdoTime.vsspsDate(token.validFrom()))
                .put("ValidTo", AdoTime.vsspsDate(token.validTo()))
                .put("DisplayName", token.displayName());
        return new Rendered(data, details);
    }

    /** Ids of things that exist once per org (a repository, a connection) stay the same in every entry. */
    private static String stableId(String name) {
        return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString();
    }

    private static int pipelineId(Project project, String pipeline) {
        return 10 + Math.floorMod((project.name() + "/" + pipeline).hashCode(), 500);
    }
}
