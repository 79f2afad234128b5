package dev.patrol.streams.rules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.patrol.model.event.Severity;
import dev.patrol.model.net.Cidr;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The detection instances: loaded from the bundled {@code rules.yaml} or an operator's file, validated at start.
 * Every rule in the file must name a detection the code has, and every detection must have a rule, so a renamed or
 * forgotten rule fails the start instead of silently not running.
 */
public final class RuleBook {

    /** The rule file shipped with PATrol. */
    public static final String BUNDLED = "/dev/patrol/streams/rules.yaml";
    private static final Set<String> RULE_KEYS = Set.of("id", "enabled", "title", "severity", "mitre", "description",
            "falsePositives", "parameters", "allowlist");
    private static final Set<String> ALLOWLIST_KEYS = Set.of("users", "tokens", "networks");
    private static final Pattern MITRE = Pattern.compile("T\\d{4}(\\.\\d{3})?");

    private final Map<String, RuleSettings> rules;

    private RuleBook(Map<String, RuleSettings> rules) {
        this.rules = rules;
    }

    /** The operator's file if given, else the bundled rules. */
    public static RuleBook load(Optional<Path> file) {
        if (file.isPresent()) {
            try (InputStream in = Files.newInputStream(file.get())) {
                return parse(in, file.get().toString());
            } catch (IOException e) {
                throw new RuleException("rule file " + file.get() + ": cannot be read (" + e.getClass().getSimpleName() + ")");
            }
        }
        try (InputStream in = RuleBook.class.getResourceAsStream(BUNDLED)) {
            if (in == null) {
                throw new IllegalStateException("bundled rules missing from the classpath: " + BUNDLED);
            }
            return parse(in, "bundled rules.yaml");
        } catch (IOException e) {
            throw new IllegalStateException("bundled rules unreadable", e);
        }
    }

    static RuleBook parse(InputStream in, String source) {
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(in);
        } catch (IOException e) {
            throw new RuleException("rule file " + source + ": not valid YAML (" + e.getMessage().lines().findFirst().orElse("") + ")");
        }
        if (root == null || !root.path("rules").isArray()) {
            throw new RuleException("rule file " + source + ": expected a top-level 'rules:' list");
        }
        Map<String, RuleSettings> rules = new LinkedHashMap<>();
        int index = 0;
        for (JsonNode node : root.get("rules")) {
            index++;
            RuleSettings rule = rule(node, source, index);
            if (rules.putIfAbsent(rule.id(), rule) != null) {
                throw new RuleException("rule file " + source + ": rule id " + rule.id() + " appears twice");
            }
        }
        return new RuleBook(rules);
    }

    private static RuleSettings rule(JsonNode node, String source, int index) {
        String position = "rule file " + source + ", rule #" + index;
        if (!node.isObject()) {
            throw new RuleException(position + ": must be a mapping");
        }
        node.fieldNames().forEachRemaining(key -> {
            if (!RULE_KEYS.contains(key)) {
                throw new RuleException(position + ": unknown key '" + key + "' (known: " + String.join(", ", RULE_KEYS) + ")");
            }
        });
        String id = text(node, "id").orElseThrow(() -> new RuleException(position + ": id is required"));
        String where = "rule " + id + " (" + source + ")";
        String title = text(node, "title").orElseThrow(new RuleSupplier(where + ": title is required"));
        String severityText = text(node, "severity").orElseThrow(new RuleSupplier(where + ": severity is required"));
        Severity severity;
        try {
            severity = Severity.valueOf(severityText.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new RuleException(where + ": severity '" + severityText + "' is not one of info, low, medium, high, critical");
        }
        List<String> mitre = strings(node.path("mitre"), where + ": mitre");
        for (String technique : mitre) {
            if (!MITRE.matcher(technique).matches()) {
                throw new RuleException(where + ": mitre '" + technique + "' is not an ATT&CK technique id like T1078.004");
            }
        }
        boolean enabled = !node.has("enabled") || node.get("enabled").asBoolean(true);
        Map<String, String> parameters = new LinkedHashMap<>();
        JsonNode params = node.path("parameters");
        if (!params.isMissingNode() && !params.isNull()) {
            if (!params.isObject()) {
                throw new RuleException(where + ": parameters must be a mapping");
            }
            for (Map.Entry<String, JsonNode> entry : params.properties()) {
                JsonNode value = entry.getValue();
                parameters.put(entry.getKey(), value.isArray() ? String.join(",", strings(value, where)) : value.asText());
            }
        }
        return new RuleSettings(id, enabled, title, severity, mitre, text(node, "description").orElse(""),
                strings(node.path("falsePositives"), where + ": falsePositives"), parameters,
                allowlist(node.path("allowlist"), where), source);
    }

    private static Allowlist allowlist(JsonNode node, String where) {
        if (node.isMissingNode() || node.isNull()) {
            return Allowlist.EMPTY;
        }
        if (!node.isObject()) {
            throw new RuleException(where + ": allowlist must be a mapping of users, tokens, networks");
        }
        node.fieldNames().forEachRemaining(key -> {
            if (!ALLOWLIST_KEYS.contains(key)) {
                throw new RuleException(where + ": allowlist has unknown key '" + key + "' (known: users, tokens, networks)");
            }
        });
        List<Cidr> networks = new ArrayList<>();
        for (String text : strings(node.path("networks"), where + ": allowlist.networks")) {
            try {
                networks.add(Cidr.parse(text));
            } catch (IllegalArgumentException e) {
                throw new RuleException(where + ": allowlist.networks: " + e.getMessage());
            }
        }
        return new Allowlist(new LinkedHashSet<>(strings(node.path("users"), where)),
                new LinkedHashSet<>(strings(node.path("tokens"), where)), networks);
    }

    private static Optional<String> text(JsonNode node, String key) {
        JsonNode value = node.get(key);
        return value == null || value.isNull() || value.asText().isBlank() ? Optional.empty() : Optional.of(value.asText().strip());
    }

    private static List<String> strings(JsonNode node, String where) {
        if (node.isMissingNode() || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw new RuleException(where + " must be a list");
        }
        List<String> values = new ArrayList<>();
        node.forEach(item -> values.add(item.asText().strip()));
        return values;
    }

    /** The rule of a detection. */
    public RuleSettings rule(String id) {
        RuleSettings rule = rules.get(id);
        if (rule == null) {
            throw new RuleException("no rule for detection " + id + " in the rule file; add one (it may say enabled: false)");
        }
        return rule;
    }

    public Collection<RuleSettings> all() {
        return rules.values();
    }

    /**
     * Checks the book against the detections the code has: no rule without a detection, and (after building) no
     * parameter that no detection read.
     */
    public void requireKnown(Set<String> detectionIds) {
        for (String id : rules.keySet()) {
            if (!detectionIds.contains(id)) {
                throw new RuleException("rule " + id + " (" + rules.get(id).source() + "): no detection with this id; known: "
                        + String.join(", ", detectionIds));
            }
        }
    }

    public void requireAllParametersRead() {
        for (RuleSettings rule : rules.values()) {
            if (rule.enabled() && !rule.unreadParameters().isEmpty()) {
                throw new RuleException("rule " + rule.id() + " (" + rule.source() + "): unknown parameter(s) "
                        + rule.unreadParameters());
            }
        }
    }

    private record RuleSupplier(String message) implements java.util.function.Supplier<RuleException> {
        @Override
        public RuleException get() {
            return new RuleException(message);
        }
    }
}
