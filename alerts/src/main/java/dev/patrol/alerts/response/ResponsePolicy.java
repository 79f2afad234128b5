package dev.patrol.alerts.response;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.patrol.model.config.ConfigException;
import dev.patrol.model.event.Finding;
import dev.patrol.model.event.NetworkClass;
import dev.patrol.model.event.Severity;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The revocation policy: which findings may revoke their token and how, who is never revoked, how many revocations
 * an hour an organization may see, and whether anything is revoked at all ({@code dryRun}, true unless the file says
 * {@code dryRun: false}). Loaded from {@code response.policyFile} or the bundled dry-run policy and validated at start;
 * every problem is a one-line {@link ConfigException} naming the file and the key.
 *
 * <p>Rules are tried in file order and the first that matches a finding decides; a finding no rule matches is left to
 * people.
 *
 * @param source     the file the policy came from, for messages
 * @param capPerHour most revocations per organization in any sliding hour (dry-run "would revoke"s count too, so a
 *                   dry run shows what the cap would do)
 */
public record ResponsePolicy(String source, boolean dryRun, int capPerHour, OwnerNoticeTiming notifyOwner,
                             Allowlist allowlist, List<PolicyRule> rules) {

    /** The policy shipped with PATrol: dry-run. */
    public static final String BUNDLED = "/dev/patrol/alerts/response/policy.yaml";
    public static final int MAX_CAP_PER_HOUR = 10_000;

    private static final Set<String> TOP_KEYS = Set.of("dryRun", "capPerHour", "notifyOwner", "allowlist", "rules");
    private static final Set<String> RULE_KEYS = Set.of("rule", "minSeverity", "mode", "when");
    private static final Set<String> WHEN_KEYS = Set.of("fullScope", "global", "network");
    private static final Set<String> ALLOWLIST_KEYS = Set.of("users", "tokens", "serviceAccounts");
    private static final Pattern RULE_ID = Pattern.compile("[A-Z][A-Z0-9]*(-[A-Z0-9]+)+");
    private static final Pattern GUID = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    public ResponsePolicy {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(notifyOwner, "notifyOwner");
        Objects.requireNonNull(allowlist, "allowlist");
        rules = List.copyOf(rules);
    }

    /** The operator's file when given, else the bundled policy. */
    public static ResponsePolicy load(Optional<Path> file) {
        if (file.isPresent()) {
            try (InputStream in = Files.newInputStream(file.get())) {
                return parse(in, file.get().toString());
            } catch (IOException e) {
                throw new ConfigException("response policy " + file.get() + ": cannot be read ("
                        + e.getClass().getSimpleName() + ")");
            }
        }
        try (InputStream in = ResponsePolicy.class.getResourceAsStream(BUNDLED)) {
            if (in == null) {
                throw new IllegalStateException("bundled response policy missing from the classpath: " + BUNDLED);
            }
            return parse(in, "bundled policy.yaml");
        } catch (IOException e) {
            throw new IllegalStateException("bundled response policy unreadable", e);
        }
    }

    static ResponsePolicy parse(InputStream in, String source) {
        String file = "response policy " + source;
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(in);
        } catch (IOException e) {
            throw new ConfigException(file + ": not valid YAML (" + e.getMessage().lines().findFirst().orElse("") + ")");
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            throw new ConfigException(file + ": empty; expected at least a 'rules:' list (it may be empty)");
        }
        if (!root.isObject()) {
            throw new ConfigException(file + ": the top level must be a mapping (dryRun, capPerHour, notifyOwner, "
                    + "allowlist, rules)");
        }
        unknownKeys(root, TOP_KEYS, file);

        boolean dryRun = bool(root, "dryRun", true, file);
        int cap = capPerHour(root.get("capPerHour"), file);
        OwnerNoticeTiming notify = notifyOwner(root.get("notifyOwner"), file);
        Allowlist allowlist = allowlist(root.get("allowlist"), file);

        JsonNode rulesNode = root.get("rules");
        if (rulesNode == null || rulesNode.isNull()) {
            throw new ConfigException(file + ": rules is required (a list; empty means nothing is ever revoked)");
        }
        if (!rulesNode.isArray()) {
            throw new ConfigException(file + ": rules must be a list");
        }
        List<PolicyRule> rules = new ArrayList<>();
        int index = 0;
        for (JsonNode node : rulesNode) {
            index++;
            rules.add(rule(node, file, index));
        }
        return new ResponsePolicy(source, dryRun, cap, notify, allowlist, rules);
    }

    /** Whether any rule needs a person's approval, and so signed links and the approval page. */
    public boolean needsApprovalLinks() {
        return rules.stream().anyMatch(r -> r.mode() == RevocationMode.APPROVAL);
    }

    /** What the policy says about a finding, given what is known about its token. */
    PolicyDecision evaluate(Finding finding, TokenFacts facts) {
        for (PolicyRule rule : rules) {
            if (!rule.matches(finding.ruleId(), finding.severity(), facts)) {
                continue;
            }
            Optional<String> allowlisted = allowlist.match(facts);
            if (allowlisted.isPresent()) {
                return new PolicyDecision(PolicyDecision.Outcome.ALLOWLISTED, Optional.of(rule),
                        allowlisted.get() + " (policy " + rule.position() + " would have applied)");
            }
            PolicyDecision.Outcome outcome = rule.mode() == RevocationMode.AUTOMATIC
                    ? PolicyDecision.Outcome.AUTOMATIC : PolicyDecision.Outcome.APPROVAL;
            return new PolicyDecision(outcome, Optional.of(rule), "policy " + rule.position() + ": "
                    + rule.mode().name().toLowerCase(Locale.ROOT) + " for " + finding.ruleId() + " at "
                    + rule.minSeverity().name().toLowerCase(Locale.ROOT) + " or above");
        }
        return new PolicyDecision(PolicyDecision.Outcome.NOT_ELIGIBLE, Optional.empty(),
                "no policy rule covers " + finding.ruleId() + " at " + finding.severity().name().toLowerCase(Locale.ROOT));
    }

    private static PolicyRule rule(JsonNode node, String file, int index) {
        String position = file + ", rule #" + index;
        if (!node.isObject()) {
            throw new ConfigException(position + ": must be a mapping with rule, minSeverity, mode, when");
        }
        unknownKeys(node, RULE_KEYS, position);
        String ruleId = text(node, "rule").orElseThrow(() -> new ConfigException(position
                + ": rule is required (a detection rule id such as PAT-LEAKED-12)"));
        if (!RULE_ID.matcher(ruleId).matches()) {
            throw new ConfigException(position + ": rule '" + ruleId + "' is not a detection rule id such as PAT-LEAKED-12");
        }
        String where = position + " (" + ruleId + ")";
        // High unless lowered on purpose: revoking on a medium finding is a choice to write down.
        Severity minSeverity = text(node, "minSeverity").map(s -> severity(s, where)).orElse(Severity.HIGH);
        String modeText = text(node, "mode").orElseThrow(() -> new ConfigException(where
                + ": mode is required (automatic or approval)"));
        RevocationMode mode = switch (modeText.toLowerCase(Locale.ROOT)) {
            case "automatic" -> RevocationMode.AUTOMATIC;
            case "approval" -> RevocationMode.APPROVAL;
            default -> throw new ConfigException(where + ": mode '" + modeText + "' is not automatic or approval");
        };
        Optional<Boolean> fullScope = Optional.empty();
        Optional<Boolean> global = Optional.empty();
        Set<NetworkClass> networks = new LinkedHashSet<>();
        JsonNode when = node.get("when");
        if (when != null && !when.isNull()) {
            if (!when.isObject()) {
                throw new ConfigException(where + ": when must be a mapping of fullScope, global, network");
            }
            unknownKeys(when, WHEN_KEYS, where + ": when");
            if (when.has("fullScope")) {
                fullScope = Optional.of(bool(when, "fullScope", false, where + ": when"));
            }
            if (when.has("global")) {
                global = Optional.of(bool(when, "global", false, where + ": when"));
            }
            for (String text : strings(when.get("network"), where + ": when.network")) {
                try {
                    networks.add(NetworkClass.valueOf(text.toUpperCase(Locale.ROOT).replace('-', '_')));
                } catch (IllegalArgumentException e) {
                    throw new ConfigException(where + ": when.network '" + text + "' is not one of "
                            + String.join(", ", networkNames()));
                }
            }
        }
        return new PolicyRule(ruleId, minSeverity, mode, fullScope, global, networks, "rule #" + index + " (" + ruleId + ")");
    }

    private static Allowlist allowlist(JsonNode node, String file) {
        if (node == null || node.isNull()) {
            return Allowlist.EMPTY;
        }
        String where = file + ": allowlist";
        if (!node.isObject()) {
            throw new ConfigException(where + " must be a mapping of users, tokens, serviceAccounts");
        }
        unknownKeys(node, ALLOWLIST_KEYS, where);
        List<String> tokens = strings(node.get("tokens"), where + ".tokens");
        for (String token : tokens) {
            if (!GUID.matcher(token).matches()) {
                throw new ConfigException(where + ".tokens: '" + token + "' is not an authorizationId (a GUID)");
            }
        }
        List<String> accounts = strings(node.get("serviceAccounts"), where + ".serviceAccounts");
        for (String pattern : accounts) {
            if (pattern.replace("*", "").isBlank()) {
                throw new ConfigException(where + ".serviceAccounts: '" + pattern
                        + "' matches everyone; name the accounts (e.g. svc-*@contoso.com)");
            }
        }
        return new Allowlist(new LinkedHashSet<>(strings(node.get("users"), where + ".users")),
                new LinkedHashSet<>(tokens), accounts);
    }

    private static int capPerHour(JsonNode node, String file) {
        if (node == null || node.isNull()) {
            return 5;
        }
        if (!node.canConvertToInt() || !node.isIntegralNumber() || node.asInt() < 1 || node.asInt() > MAX_CAP_PER_HOUR) {
            throw new ConfigException(file + ": capPerHour '" + node.asText() + "' must be a whole number from 1 to "
                    + MAX_CAP_PER_HOUR + " (an empty rules list is how to revoke nothing)");
        }
        return node.asInt();
    }

    private static OwnerNoticeTiming notifyOwner(JsonNode node, String file) {
        if (node == null || node.isNull()) {
            return OwnerNoticeTiming.NEVER;
        }
        // YAML 1.1 reads a bare "no" or "off" as false; take it for "never".
        if (node.isBoolean() && !node.asBoolean()) {
            return OwnerNoticeTiming.NEVER;
        }
        return switch (node.asText().strip().toLowerCase(Locale.ROOT)) {
            case "never" -> OwnerNoticeTiming.NEVER;
            case "before" -> OwnerNoticeTiming.BEFORE;
            case "after" -> OwnerNoticeTiming.AFTER;
            default -> throw new ConfigException(file + ": notifyOwner '" + node.asText()
                    + "' is not never, before or after");
        };
    }

    private static Severity severity(String text, String where) {
        try {
            return Severity.valueOf(text.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(where + ": minSeverity '" + text + "' is not one of info, low, medium, high, critical");
        }
    }

    private static boolean bool(JsonNode parent, String key, boolean defaultValue, String where) {
        JsonNode node = parent.get(key);
        if (node == null || node.isNull()) {
            return defaultValue;
        }
        if (!node.isBoolean()) {
            throw new ConfigException(where + ": " + key + " '" + node.asText() + "' is not true or false");
        }
        return node.asBoolean();
    }

    private static void unknownKeys(JsonNode node, Set<String> known, String where) {
        node.fieldNames().forEachRemaining(key -> {
            if (!known.contains(key)) {
                throw new ConfigException(where + ": unknown key '" + key + "' (known: "
                        + String.join(", ", known.stream().sorted().toList()) + ")");
            }
        });
    }

    private static Optional<String> text(JsonNode node, String key) {
        JsonNode value = node.get(key);
        return value == null || value.isNull() || value.asText().isBlank()
                ? Optional.empty() : Optional.of(value.asText().strip());
    }

    private static List<String> strings(JsonNode node, String where) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw new ConfigException(where + " must be a list");
        }
        List<String> values = new ArrayList<>();
        for (JsonNode item : node) {
            if (!item.isValueNode() || item.asText().isBlank()) {
                throw new ConfigException(where + ": items must be non-empty single values");
            }
            values.add(item.asText().strip());
        }
        return values;
    }

    private static List<String> networkNames() {
        List<String> names = new ArrayList<>();
        for (NetworkClass c : NetworkClass.values()) {
            names.add(c.name().toLowerCase(Locale.ROOT));
        }
        return names;
    }
}
