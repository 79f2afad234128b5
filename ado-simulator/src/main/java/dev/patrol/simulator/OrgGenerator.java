package dev.patrol.simulator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patrol.simulator.AuditAction.ActionContext;
import dev.patrol.simulator.AuditAction.Project;
import dev.patrol.simulator.AuditAction.Rendered;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;

/**
 * Builds a {@link SimulatedOrg} from a {@link SimulatorConfig}: users, their PATs and an audit log with planted
 * off-network PAT uses. Pure function of the config: one seeded {@link Random}, consumed in a fixed order, and one
 * reading of the clock, so the same seed and clock give identical data.
 *
 * <p>What the log contains, so tests can rely on it:
 * <ul>
 *   <li>PAT uses (most entries) name their token as ADO does, {@code <Name> authorizationId: <guid>}, with the
 *       name consistent with the token: {@code PAT_Unscoped} for {@code app_token}, {@code PAT_Global} for
 *       {@code targetAccounts == null}, {@code PAT_UnscopedGlobal} for both, {@code PAT} otherwise. A PAT is only
 *       used while it is valid (not revoked, between validFrom and validTo).</li>
 *   <li>Exactly one PAT use is written without the space after the colon, as a real sample showed.</li>
 *   <li>Everything else is cookie/web sign-in ({@code AAD_Cookie}, {@code FedAuth}, {@code UserAuthToken}),
 *       {@code S2S_ServicePrincipal} (no IP, a service principal actor) or system ({@code ""}, "Azure DevOps
 *       Service", no IP).</li>
 *   <li>Every address is from {@link #CORPORATE_CIDRS} except the ground truth (4-6 PAT uses from off-network:
 *       at least one IPv6, one 203.0.113.0/24, one 185.220.101.0/24, one 45.83.64.0/22; exactly one of them with a
 *       token the inventory does not list) and one {@code AAD_Cookie} sign-in from off-network, which a PAT rule
 *       must ignore.</li>
 * </ul>
 */
final class OrgGenerator {

    static final List<String> CORPORATE_CIDRS = List.of("10.20.0.0/16", "198.51.100.0/24", "2001:db8:c0::/48");
    /** The second segment of decorated audit ids: the audit service's type id. */
    static final String AUDIT_SERVICE_TYPE = "00000064-0000-8888-8000-000000000000";
    static final String ZERO_GUID = "00000000-0000-0000-0000-000000000000";
    /** The actor id the spec example shows for events the service raises itself. */
    static final String SERVICE_IDENTITY_ID = "00000002-0000-8888-8000-000000000000";
    static final String SERVICE_DISPLAY_NAME = "Azure DevOps Service";

    private static final int MIN_OFF_NETWORK_USES = 4;
    private static final int MAX_OFF_NETWORK_USES = 6;

    private static final List<String> FIRST_NAMES = List.of("Jane", "Omar", "Priya", "Lukas", "Mei", "Carlos", "Aisha",
            "Tom", "Sofia", "Kenji", "Fatima", "Noah", "Elena", "Ravi", "Chloe", "Diego", "Hannah", "Yusuf", "Ingrid",
            "Mateo");
    private static final List<String> LAST_NAMES = List.of("Doe", "Haddad", "Raman", "Becker", "Chen", "Alvarez",
            "Bello", "Nguyen", "Rossi", "Tanaka", "Khan", "Smith", "Petrova", "Iyer", "Martin", "Silva", "Olsen", "Kaya",
            "Larsen", "Moreau");
    /** app_token twice: full-access PATs are common in real orgs, which is why PATrol cares. */
    private static final List<String> SCOPES = List.of("app_token", "app_token", "vso.code", "vso.code_write vso.build_execute",
            "vso.packaging", "vso.work_write", "vso.build_execute vso.release_execute", "vso.code_manage vso.project",
            "vso.packaging_write", "vso.variablegroups_read vso.build");
    private static final List<String> TOKEN_NAMES = List.of("git-push", "nuget-feed", "local-dev", "release-bot",
            "terraform", "backup-script", "vscode", "boards-sync", "build-agent", "ado-cli", "renovate", "pipeline-admin");
    private static final List<String> PAT_AGENTS = List.of("git/2.45.1", "curl/8.5.0", "python-requests/2.32.3",
            "Go-http-client/1.1", "VSServices/19.249.35209.1 (NetStandard; Microsoft Windows 10.0.22631)",
            "Terraform/1.8.5 terraform-provider-azuredevops/1.1.1");
    private static final List<String> BROWSER_AGENTS = List.of(
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.0.0",
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15",
            "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0");
    private static final List<String> OFF_NETWORK_PAT_AGENTS = List.of("python-requests/2.31.0", "curl/8.4.0",
            "Go-http-client/1.1", BROWSER_AGENTS.get(2));
    private static final String SERVICE_PRINCIPAL_AGENT = "VSServices/19.249.35209.1 (w3wp.exe)";

    private final SimulatorConfig config;
    private final Random random;
    private final Instant now;
    private final Instant windowStart;
    private final String organizationId;
    private final String tenantId;
    private final List<Project> projects;
    private final List<ServicePrincipal> servicePrincipals;
    private final List<Member> members = new ArrayList<>();
    private final List<SimToken> tokens = new ArrayList<>();
    /** Filled once the tokens are final, so writing each entry does not scan every token. */
    private final Map<String, Member> membersByDescriptor = new HashMap<>();
    private final Map<String, List<SimToken>> tokensByOwner = new HashMap<>();
    private UsableTokens usable;

    private OrgGenerator(SimulatorConfig config) {
        this.config = config;
        this.random = new Random(config.seed());
        this.now = AdoTime.truncateToTick(config.clock().instant());
        this.windowStart = AdoTime.truncateToTick(now.minus(config.history()));
        this.organizationId = guid();
        this.tenantId = guid();
        this.projects = List.of(
                new Project(guid(), "Payments", List.of("payments-api", "payments-web"), List.of("payments-ci", "payments-nightly")),
                new Project(guid(), "Platform", List.of("infra-terraform", "platform-charts"), List.of("infra-plan", "charts-publish")),
                new Project(guid(), "Mobile", List.of("mobile-app", "mobile-sdk"), List.of("mobile-ci", "sdk-release")),
                new Project(guid(), "DataLake", List.of("ingest-jobs", "lake-schemas"), List.of("ingest-ci", "schema-check")));
        this.servicePrincipals = List.of(
                new ServicePrincipal(guid(), "sp-deploy-prod"),
                new ServicePrincipal(guid(), "sp-terraform-platform"));
    }

    static SimulatedOrg generate(SimulatorConfig config) {
        return new OrgGenerator(config).build();
    }

    private SimulatedOrg build() {
        generateUsers();
        generateTokens();
        members.forEach(member -> membersByDescriptor.put(member.descriptor(), member));
        tokens.forEach(token -> tokensByOwner.computeIfAbsent(token.ownerDescriptor(), owner -> new ArrayList<>()).add(token));
        usable = new UsableTokens(tokens, windowStart, now);
        List<ObjectNode> entries = new ArrayList<>();
        List<OffNetworkUse> groundTruth = new ArrayList<>();
        if (config.auditEntries() > 0) {
            generateAuditLog(entries, groundTruth);
        }
        return new SimulatedOrg(config.organization(), organizationId, tenantId, CORPORATE_CIDRS, members, tokens,
                entries, groundTruth);
    }

    // ---- users and tokens ----

    private void generateUsers() {
        String domain = config.organization().toLowerCase(Locale.ROOT) + ".example";
        Set<String> takenNames = new HashSet<>();
        for (int i = 0; i < config.users(); i++) {
            String first;
            String last;
            String localPart;
            int attempts = 0;
            do {
                first = pick(FIRST_NAMES);
                last = pick(LAST_NAMES);
                localPart = (first + "." + last).toLowerCase(Locale.ROOT);
                attempts++;
            } while (takenNames.contains(localPart) && attempts < 20);
            if (takenNames.contains(localPart)) {
                // Names are letters only, so a numeric suffix cannot collide with another base name.
                localPart = localPart + (i + 1);
            }
            takenNames.add(localPart);
            String descriptor = "aad." + Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(guid().getBytes(StandardCharsets.US_ASCII));
            SimUser user = new SimUser(descriptor, localPart + "@" + domain, first + " " + last, guid());
            members.add(new Member(user, guid(), guid()));
        }
    }

    private void generateTokens() {
        for (int m = 0; m < members.size(); m++) {
            Member owner = members.get(m);
            int count = config.patsPerUser() == SimulatorConfig.RANDOM_PATS_PER_USER
                    ? 1 + random.nextInt(3) : config.patsPerUser();
            Set<String> names = new HashSet<>();
            for (int t = 0; t < count; t++) {
                if (m == 0 && t == 0) {
                    tokens.add(anchorToken(owner));
                    names.add("ci-deploy");
                    continue;
                }
                String name = pick(TOKEN_NAMES);
                for (int attempt = 0; attempt < 5 && names.contains(name); attempt++) {
                    name = pick(TOKEN_NAMES);
                }
                names.add(name);
                tokens.add(randomToken(owner, name));
            }
        }
        revokeAFew();
    }

    /**
     * The first user's first token is a valid, full-access, org-scoped PAT whose lifetime covers the whole history,
     * so there is always a token to plant PAT uses with (including the no-space {@code PAT_Unscoped} variant).
     */
    private SimToken anchorToken(Member owner) {
        Instant validFrom = windowStart.minus(randomDuration(Duration.ofDays(1), Duration.ofDays(90)));
        return new SimToken(guid(), owner.descriptor(), "ci-deploy", "app_token", List.of(organizationId),
                validFrom, validFrom.plus(Duration.ofDays(365)), true);
    }

    private SimToken randomToken(Member owner, String displayName) {
        String scope = pick(SCOPES);
        boolean global = random.nextDouble() < 0.2;
        Duration lifetime = randomDuration(Duration.ofDays(7), Duration.ofDays(365));
        boolean expiredBeforeHistory = random.nextDouble() < 0.15;
        Duration age;
        if (expiredBeforeHistory) {
            age = lifetime.plus(randomDuration(Duration.ofHours(1), Duration.ofDays(60)));
        } else {
            // Created before the history starts and, where the lifetime allows, still valid a day after now.
            Duration maxAge = lifetime.minus(config.history()).minus(Duration.ofDays(1));
            age = maxAge.compareTo(Duration.ofHours(2)) > 0
                    ? randomDuration(Duration.ofHours(1), maxAge)
                    : randomDuration(Duration.ofHours(1), Duration.ofHours(2));
        }
        Instant validFrom = windowStart.minus(age);
        return new SimToken(guid(), owner.descriptor(), displayName, scope, global ? null : List.of(organizationId),
                validFrom, validFrom.plus(lifetime), true);
    }

    /** A couple of tokens arrive already revoked, never the anchor (index 0). */
    private void revokeAFew() {
        int revoked = tokens.size() >= 6 ? 2 : tokens.size() >= 3 ? 1 : 0;
        Set<Integer> chosen = new HashSet<>();
        while (chosen.size() < revoked) {
            chosen.add(1 + random.nextInt(tokens.size() - 1));
        }
        chosen.stream().sorted().forEach(index -> tokens.set(index, tokens.get(index).withValid(false)));
    }

    // ---- audit log ----

    private void generateAuditLog(List<ObjectNode> entries, List<OffNetworkUse> groundTruth) {
        int offNetworkUses = MIN_OFF_NETWORK_USES + random.nextInt(MAX_OFF_NETWORK_USES - MIN_OFF_NETWORK_USES + 1);
        int deletedTokenUse = random.nextInt(offNetworkUses);
        for (int k = 0; k < offNetworkUses; k++) {
            Instant timestamp = randomTimestamp();
            String ip = offNetworkIp(k);
            String authorizationId;
            String mechanismName;
            Member actor;
            if (k == deletedTokenUse) {
                // A token deleted after its owner leaked it: the audit log still names it, tokenadmin no longer does.
                authorizationId = guid();
                mechanismName = pick(List.of("PAT", "PAT_Unscoped", "PAT_Global", "PAT_UnscopedGlobal"));
                actor = pick(members);
            } else {
                SimToken token = pickUsableToken(timestamp);
                authorizationId = token.authorizationId();
                mechanismName = patMechanismName(token);
                actor = owner(token);
            }
            ObjectNode entry = memberEntry(timestamp, actor, mechanismName + " authorizationId: " + authorizationId, ip,
                    pick(OFF_NETWORK_PAT_AGENTS), pick(AuditAction.PAT_ACTIONS));
            entries.add(entry);
            groundTruth.add(new OffNetworkUse(entry.get("id").asText(), authorizationId, ip, k != deletedTokenUse));
        }

        // A browser sign-in from a hostile network: suspicious, but not a PAT use, so PAT rules must ignore it.
        entries.add(memberEntry(randomTimestamp(), pick(members), "AAD_Cookie", "185.220.101." + (1 + random.nextInt(254)),
                pick(BROWSER_AGENTS), pick(AuditAction.INTERACTIVE_ACTIONS)));

        // The no-space spelling seen in a scrubbed real sample; parsers must accept both.
        SimToken anchor = tokens.get(0);
        entries.add(memberEntry(randomTimestamp(), owner(anchor),
                patMechanismName(anchor) + " authorizationId:" + anchor.authorizationId(), corporateIp(),
                pick(PAT_AGENTS), pick(AuditAction.PAT_ACTIONS)));

        while (entries.size() < config.auditEntries()) {
            entries.add(ordinaryEntry(randomTimestamp()));
        }
    }

    private ObjectNode ordinaryEntry(Instant timestamp) {
        int roll = random.nextInt(100);
        if (roll < 60) {
            SimToken token = pickUsableToken(timestamp);
            return memberEntry(timestamp, owner(token), patMechanismName(token) + " authorizationId: " + token.authorizationId(),
                    corporateIp(), pick(PAT_AGENTS), pick(AuditAction.PAT_ACTIONS));
        }
        if (roll < 86) {
            String mechanism = roll < 72 ? "AAD_Cookie" : roll < 80 ? "FedAuth" : "UserAuthToken";
            return memberEntry(timestamp, pick(members), mechanism, corporateIp(), pick(BROWSER_AGENTS),
                    pick(AuditAction.INTERACTIVE_ACTIONS));
        }
        if (roll < 93) {
            ServicePrincipal principal = pick(servicePrincipals);
            Actor actor = new Actor(ZERO_GUID, ZERO_GUID, principal.applicationId(), null, principal.displayName(), null);
            return entry(timestamp, actor, null, "S2S_ServicePrincipal", null, SERVICE_PRINCIPAL_AGENT,
                    pick(AuditAction.SERVICE_PRINCIPAL_ACTIONS));
        }
        Actor service = new Actor(ZERO_GUID, SERVICE_IDENTITY_ID, ZERO_GUID, null, SERVICE_DISPLAY_NAME, null);
        return entry(timestamp, service, null, "", null, "", pick(AuditAction.SYSTEM_ACTIONS));
    }

    private ObjectNode memberEntry(Instant timestamp, Member member, String mechanism, String ip, String userAgent,
                                   AuditAction action) {
        Actor actor = new Actor(member.cuid(), member.userId(), ZERO_GUID, member.user().principalName(),
                member.user().displayName(),
                "https://dev.azure.com/" + config.organization() + "/_apis/GraphProfile/MemberAvatars/" + member.descriptor());
        return entry(timestamp, actor, member, mechanism, ip, userAgent, action);
    }

    /** One DecoratedAuditLogEntry, fields in the order of the spec's definition. */
    private ObjectNode entry(Instant timestamp, Actor actor, Member actingMember, String mechanism, String ip,
                             String userAgent, AuditAction action) {
        String rawId = guid();
        Project project = pick(projects);
        List<SimToken> actorTokens = actingMember == null ? List.of()
                : tokensByOwner.getOrDefault(actingMember.descriptor(), List.of());
        SimToken token = actorTokens.isEmpty() ? pick(tokens) : pick(actorTokens);
        Rendered rendered = action.render(new ActionContext(random, project, pick(members), token, owner(token), timestamp));

        ObjectNode entry = SimJson.NODES.objectNode();
        entry.put("id", AdoTime.reverseTicks(timestamp) + ";" + AUDIT_SERVICE_TYPE + ";" + rawId);
        // A generated event is always an original, not part of a cascade, so it correlates with itself.
        entry.put("correlationId", rawId);
        entry.put("activityId", guid());
        entry.put("actorCUID", actor.cuid());
        entry.put("actorUserId", actor.userId());
        entry.put("actorClientId", actor.clientId());
        entry.put("actorUPN", actor.upn());
        entry.put("actorDisplayName", actor.displayName());
        entry.put("actorImageUrl", actor.imageUrl());
        entry.put("authenticationMechanism", mechanism);
        entry.put("timestamp", AdoTime.auditTimestamp(timestamp));
        entry.put("scopeType", "organization");
        entry.put("scopeDisplayName", config.organization() + " (Organization)");
        entry.put("scopeId", organizationId);
        entry.put("projectId", action.projectScoped() ? project.id() : null);
        entry.put("projectName", action.projectScoped() ? project.name() : null);
        entry.put("ipAddress", ip);
        entry.put("userAgent", userAgent);
        entry.put("actionId", action.actionId());
        entry.set("data", rendered.data());
        entry.put("details", rendered.details());
        entry.put("area", action.area());
        entry.put("category", action.category());
        entry.put("categoryDisplayName", action.categoryDisplayName());
        return entry;
    }

    /**
     * A token a PAT use at {@code timestamp} can name, drawn uniformly from those valid then (the anchor token always
     * qualifies). Draws exactly what {@code pick(<valid tokens in generation order>)} would, one {@code nextInt}, so
     * the data for a seed does not depend on how the candidates are found.
     */
    private SimToken pickUsableToken(Instant timestamp) {
        return usable.pick(timestamp, random);
    }

    private Member owner(SimToken token) {
        return membersByDescriptor.get(token.ownerDescriptor());
    }

    /** The mechanism name ADO derives from the token: {@code _Unscoped} for app_token, {@code _Global} for all orgs. */
    static String patMechanismName(SimToken token) {
        return "PAT" + (token.fullAccess() && token.global() ? "_UnscopedGlobal"
                : token.fullAccess() ? "_Unscoped"
                : token.global() ? "_Global" : "");
    }

    // ---- addresses ----

    /** Mostly the office range, some from the public egress NAT, a few over IPv6. */
    private String corporateIp() {
        int roll = random.nextInt(100);
        if (roll < 70) {
            return "10.20." + random.nextInt(256) + "." + (1 + random.nextInt(254));
        }
        if (roll < 90) {
            return "198.51.100." + (1 + random.nextInt(254));
        }
        return "2001:db8:c0:" + Integer.toHexString(1 + random.nextInt(0xffff)) + "::" + Integer.toHexString(1 + random.nextInt(0xffff));
    }

    /** The first four cover IPv6, the documentation range and two real-world-looking public networks. */
    private String offNetworkIp(int index) {
        int kind = index < 4 ? index : random.nextInt(4);
        return switch (kind) {
            case 0 -> "2001:db8:bad:" + Integer.toHexString(1 + random.nextInt(0xffff)) + "::" + Integer.toHexString(1 + random.nextInt(0xffff));
            case 1 -> "203.0.113." + (1 + random.nextInt(254));
            case 2 -> "185.220.101." + (1 + random.nextInt(254));
            default -> "45.83." + (64 + random.nextInt(4)) + "." + (1 + random.nextInt(254));
        };
    }

    // ---- randomness ----

    /** A tick-aligned instant in {@code [now - history, now)}. */
    private Instant randomTimestamp() {
        long ticks = config.history().toNanos() / 100;
        return windowStart.plusNanos(random.nextLong(ticks) * 100);
    }

    private Duration randomDuration(Duration min, Duration max) {
        long spanTicks = max.minus(min).toNanos() / 100;
        return min.plusNanos((spanTicks <= 0 ? 0 : random.nextLong(spanTicks)) * 100);
    }

    /** A lower-case version-4 GUID drawn from the seeded random. */
    private String guid() {
        long most = (random.nextLong() & ~0xF000L) | 0x4000L;
        long least = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(most, least).toString();
    }

    private <T> T pick(List<T> options) {
        return options.get(random.nextInt(options.size()));
    }

    /**
     * The valid tokens at an instant, in generation order, found without scanning every token. Most tokens are valid
     * over the whole history ({@code always}); the history is cut into {@value #BUCKETS} buckets, and per bucket the
     * other tokens are valid throughout it ({@code full}), invalid throughout, or change inside it
     * ({@code boundary}, the only ones checked per entry). At benchmark scale (a hundred thousand tokens and entries)
     * this is the difference between seconds and minutes.
     */
    private static final class UsableTokens {
        private static final int BUCKETS = 64;

        private final List<SimToken> tokens;
        private final Instant windowStart;
        private final long historyNanos;
        private final int[] always;
        private final int[][] full = new int[BUCKETS][];
        private final int[][] boundary = new int[BUCKETS][];

        UsableTokens(List<SimToken> tokens, Instant windowStart, Instant now) {
            this.tokens = List.copyOf(tokens);
            this.windowStart = windowStart;
            this.historyNanos = Math.max(1, Duration.between(windowStart, now).toNanos());
            List<Integer> whole = new ArrayList<>();
            List<List<Integer>> fullLists = new ArrayList<>();
            List<List<Integer>> boundaryLists = new ArrayList<>();
            for (int bucket = 0; bucket < BUCKETS; bucket++) {
                fullLists.add(new ArrayList<>());
                boundaryLists.add(new ArrayList<>());
            }
            for (int i = 0; i < tokens.size(); i++) {
                SimToken token = tokens.get(i);
                if (!token.isValid() || token.validFrom().isAfter(now) || !token.validTo().isAfter(windowStart)) {
                    continue; // never usable inside [windowStart, now)
                }
                if (!token.validFrom().isAfter(windowStart) && !token.validTo().isBefore(now)) {
                    whole.add(i);
                    continue;
                }
                for (int bucket = 0; bucket < BUCKETS; bucket++) {
                    // Every instant t of the bucket has low <= t < high.
                    Instant low = windowStart.plusNanos(bucket * historyNanos / BUCKETS);
                    Instant high = windowStart.plusNanos(((bucket + 1) * historyNanos + BUCKETS - 1) / BUCKETS);
                    if (!token.validFrom().isAfter(low) && !token.validTo().isBefore(high)) {
                        fullLists.get(bucket).add(i);
                    } else if (token.validFrom().isBefore(high) && token.validTo().isAfter(low)) {
                        boundaryLists.get(bucket).add(i);
                    }
                }
            }
            this.always = toArray(whole);
            for (int bucket = 0; bucket < BUCKETS; bucket++) {
                full[bucket] = toArray(fullLists.get(bucket));
                boundary[bucket] = toArray(boundaryLists.get(bucket));
            }
        }

        /** What {@code pick(<tokens valid at timestamp, in generation order>)} would draw, with one {@code nextInt}. */
        SimToken pick(Instant timestamp, Random random) {
            int bucket = (int) Math.min(BUCKETS - 1, Math.max(0,
                    Duration.between(windowStart, timestamp).toNanos() * BUCKETS / historyNanos));
            int[] fullHere = full[bucket];
            int[] changing = boundary[bucket];
            int[] valid = new int[changing.length];
            int count = 0;
            for (int index : changing) {
                SimToken token = tokens.get(index);
                if (!token.validFrom().isAfter(timestamp) && token.validTo().isAfter(timestamp)) {
                    valid[count++] = index;
                }
            }
            int k = random.nextInt(always.length + fullHere.length + count);
            // The k-th (0-based) of three disjoint sorted index lists: the smallest index with more than k at or below it.
            int low = 0;
            int high = tokens.size() - 1;
            while (low < high) {
                int mid = (low + high) >>> 1;
                long atOrBelow = upperBound(always, always.length, mid) + upperBound(fullHere, fullHere.length, mid)
                        + upperBound(valid, count, mid);
                if (atOrBelow > k) {
                    high = mid;
                } else {
                    low = mid + 1;
                }
            }
            return tokens.get(low);
        }

        /** How many of the first {@code length} (sorted) values are at most {@code value}. */
        private static int upperBound(int[] sorted, int length, int value) {
            int low = 0;
            int high = length;
            while (low < high) {
                int mid = (low + high) >>> 1;
                if (sorted[mid] <= value) {
                    low = mid + 1;
                } else {
                    high = mid;
                }
            }
            return low;
        }

        private static int[] toArray(List<Integer> values) {
            return values.stream().mapToInt(Integer::intValue).toArray();
        }
    }

    /** Who an entry names as its actor; a service principal has no UPN or avatar, the service has neither either. */
    private record Actor(String cuid, String userId, String clientId, String upn, String displayName, String imageUrl) {
    }

    private record ServicePrincipal(String applicationId, String displayName) {
    }
}
