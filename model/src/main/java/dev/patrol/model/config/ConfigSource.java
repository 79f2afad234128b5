package dev.patrol.model.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Typed lookups over one YAML file and the environment, with documented precedence:
 * <b>defaults &lt; file &lt; environment</b>.
 *
 * <p>Keys are dotted camelCase paths ({@code ado.auditBaseUrl}); the environment variable for a key is
 * {@code PATROL_} followed by the path in upper snake case ({@code PATROL_ADO_AUDIT_BASE_URL}). Lists come from a
 * YAML sequence or a comma-separated variable. Every lookup remembers its key so that {@link #rejectUnknownKeys()}
 * can catch a misspelt key in the file instead of silently ignoring it.
 */
public final class ConfigSource {

    public static final String ENV_PREFIX = "PATROL_";
    private static final Pattern SIMPLE_DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

    private final JsonNode root;
    private final String fileLabel;
    private final Map<String, String> env;
    private final Set<String> knownKeys = new LinkedHashSet<>();
    private final Set<String> knownMapKeys = new LinkedHashSet<>();

    private ConfigSource(JsonNode root, String fileLabel, Map<String, String> env) {
        this.root = root;
        this.fileLabel = fileLabel;
        this.env = Map.copyOf(env);
    }

    /** Reads the file (if given) and keeps the environment for overrides. */
    public static ConfigSource load(Optional<Path> file, Map<String, String> env) {
        if (file.isEmpty()) {
            return new ConfigSource(MissingNode.getInstance(), "none", env);
        }
        Path path = file.get();
        String label = path.toString();
        String text;
        try {
            text = Files.readString(path);
        } catch (NoSuchFileException e) {
            throw new ConfigException("config file " + label + ": not found");
        } catch (IOException e) {
            throw new ConfigException("config file " + label + ": cannot be read (" + e.getClass().getSimpleName() + ")");
        }
        JsonNode tree;
        try {
            tree = new ObjectMapper(new YAMLFactory()).readTree(text);
        } catch (JsonProcessingException e) {
            var location = e.getLocation();
            String where = location == null ? "" : " at line " + location.getLineNr() + ", column " + location.getColumnNr();
            throw new ConfigException("config file " + label + ": not valid YAML" + where + ": " + e.getOriginalMessage());
        }
        if (tree == null || tree.isMissingNode() || tree.isNull()) {
            tree = MissingNode.getInstance();
        } else if (!tree.isObject()) {
            throw new ConfigException("config file " + label + ": the top level must be a mapping of keys, not "
                    + tree.getNodeType().toString().toLowerCase(Locale.ROOT));
        }
        return new ConfigSource(tree, label, env);
    }

    /** The environment variable that overrides {@code key}. */
    public static String envName(String key) {
        return ENV_PREFIX + key.replaceAll("([a-z0-9])([A-Z])", "$1_$2").replace('.', '_').toUpperCase(Locale.ROOT);
    }

    public Optional<String> optionalString(String key) {
        return lookup(key).map(Value::text);
    }

    public String string(String key, String defaultValue) {
        return optionalString(key).orElse(defaultValue);
    }

    public String requiredString(String key, String why) {
        return optionalString(key).orElseThrow(() -> new ConfigException(
                "config key " + key + ": required (" + why + "); set it in the config file or as " + envName(key)));
    }

    public URI url(String key, String defaultValue) {
        Optional<Value> value = lookup(key);
        String text = value.map(Value::text).orElse(defaultValue);
        return parseUrl(key, text, value.map(Value::origin).orElse("default"));
    }

    public List<URI> urls(String key) {
        List<URI> urls = new ArrayList<>();
        Optional<Value> value = lookupList(key);
        if (value.isPresent()) {
            for (String item : value.get().items()) {
                urls.add(parseUrl(key, item, value.get().origin()));
            }
        }
        return List.copyOf(urls);
    }

    public Duration duration(String key, Duration defaultValue) {
        Optional<Value> value = lookup(key);
        if (value.isEmpty()) {
            return defaultValue;
        }
        Duration parsed = parseDuration(value.get().text())
                .orElseThrow(() -> invalid(key, value.get(), "is not a duration (use 30s, 5m, 1h, 7d or ISO-8601 PT5M)"));
        if (parsed.isNegative()) {
            throw invalid(key, value.get(), "must not be negative");
        }
        return parsed;
    }

    public int integer(String key, int defaultValue, int min, int max) {
        Optional<Value> value = lookup(key);
        if (value.isEmpty()) {
            return defaultValue;
        }
        int parsed;
        try {
            parsed = Integer.parseInt(value.get().text().strip());
        } catch (NumberFormatException e) {
            throw invalid(key, value.get(), "is not a whole number");
        }
        if (parsed < min || parsed > max) {
            throw invalid(key, value.get(), "must be between " + min + " and " + max);
        }
        return parsed;
    }

    public boolean bool(String key, boolean defaultValue) {
        Optional<Value> value = lookup(key);
        if (value.isEmpty()) {
            return defaultValue;
        }
        return switch (value.get().text().strip().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> throw invalid(key, value.get(), "is not true or false");
        };
    }

    /** A list from a YAML sequence or a comma-separated value; empty when unset. */
    public List<String> list(String key) {
        return lookupList(key).map(Value::items).orElse(List.of());
    }

    /** The origin of a list value, for error messages about one of its items. */
    public String originOf(String key) {
        return lookupList(key).map(Value::origin).orElse("default");
    }

    /** A free-form string map (e.g. Kafka client properties): every key under {@code key} is accepted. */
    public Map<String, String> map(String key) {
        knownMapKeys.add(key);
        knownKeys.add(key);
        JsonNode node = at(key);
        Map<String, String> out = new LinkedHashMap<>();
        if (node.isMissingNode() || node.isNull()) {
            return out;
        }
        if (!node.isObject()) {
            throw new ConfigException("config key " + key + " (file " + fileLabel + "): must be a mapping of names to values");
        }
        flatten("", node, out);
        return out;
    }

    /** A duration that must be greater than zero. */
    public Duration positiveDuration(String key, Duration defaultValue) {
        Duration value = duration(key, defaultValue);
        if (value.isZero()) {
            throw new ConfigException("config key " + key + ": must be greater than zero");
        }
        return value;
    }

    /** A path, when set; a value that cannot be a path here (a NUL character, say) is an error naming the key. */
    public Optional<Path> optionalPath(String key) {
        return optionalString(key).map(text -> toPath(key, text));
    }

    /** A path with a default. */
    public Path path(String key, String defaultValue) {
        return optionalPath(key).orElseGet(() -> Path.of(defaultValue));
    }

    /** {@link Path#of} whose failure is a {@link ConfigException} naming the key (the value is not quoted). */
    public static Path toPath(String key, String text) {
        try {
            return Path.of(text);
        } catch (java.nio.file.InvalidPathException e) {
            throw new ConfigException("config key " + key + ": not a valid path (" + e.getReason() + ")");
        }
    }

    /** A path that, when set, must name an existing regular file. */
    public Optional<Path> existingFile(String key) {
        Optional<Path> path = optionalPath(key);
        if (path.isPresent() && !Files.isRegularFile(path.get())) {
            throw new ConfigException("config key " + key + ": file " + path.get() + " does not exist or is not a file");
        }
        return path;
    }

    /**
     * A secret read from the file at {@code fileKey} when set, else from the environment variable named by
     * {@code envKey} (default {@code defaultEnv}). Secrets never sit in the config file itself.
     */
    public Optional<dev.patrol.model.Secret> secret(String envKey, String defaultEnv, String fileKey) {
        Optional<Path> file = optionalPath(fileKey);
        String envName = string(envKey, defaultEnv);
        if (file.isPresent()) {
            try {
                String text = Files.readString(file.get());
                if (text.isBlank()) {
                    throw new ConfigException("config key " + fileKey + ": file " + file.get() + " is empty");
                }
                return Optional.of(dev.patrol.model.Secret.of(text));
            } catch (IOException e) {
                throw new ConfigException("config key " + fileKey + ": cannot read " + file.get() + " ("
                        + e.getClass().getSimpleName() + ")");
            }
        }
        String value = env.get(envName);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(dev.patrol.model.Secret.of(value));
    }

    /** Where {@link #secret} looks, for messages: "file X" or "environment Y". */
    public String secretSource(String envKey, String defaultEnv, String fileKey) {
        return optionalString(fileKey).map(f -> "file " + f).orElse("environment " + string(envKey, defaultEnv));
    }

    /** The raw environment, for pass-through blocks such as {@code KAFKA_*}. */
    public Map<String, String> environment() {
        return env;
    }

    /**
     * Fails on the first key in the file that no lookup asked for: a misspelt key would otherwise be ignored and
     * its default used without a word.
     */
    public void rejectUnknownKeys() {
        List<String> leaves = new ArrayList<>();
        collectLeaves("", root, leaves);
        for (String leaf : leaves) {
            if (knownKeys.contains(leaf) || knownMapKeys.stream().anyMatch(m -> leaf.startsWith(m + "."))) {
                continue;
            }
            String hint = closest(leaf).map(k -> " (did you mean " + k + "?)").orElse("");
            throw new ConfigException("config key " + leaf + " (file " + fileLabel + "): unknown key" + hint);
        }
        for (String name : env.keySet()) {
            if (name.startsWith(ENV_PREFIX) && knownKeys.stream().map(ConfigSource::envName).noneMatch(name::equals)
                    && !name.equals("PATROL_CONFIG") && !name.equals("PATROL_JAVA_OPTS")) {
                throw new ConfigException("environment variable " + name + ": not a PATrol setting");
            }
        }
    }

    private Optional<Value> lookup(String key) {
        knownKeys.add(key);
        String fromEnv = env.get(envName(key));
        if (fromEnv != null && !fromEnv.isBlank()) {
            return Optional.of(new Value(fromEnv.strip(), List.of(), "environment " + envName(key)));
        }
        JsonNode node = at(key);
        if (node.isMissingNode() || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isValueNode()) {
            throw new ConfigException("config key " + key + " (file " + fileLabel + "): must be a single value, not a "
                    + (node.isArray() ? "list" : "mapping"));
        }
        return Optional.of(new Value(node.asText(), List.of(), "file " + fileLabel));
    }

    private Optional<Value> lookupList(String key) {
        knownKeys.add(key);
        String fromEnv = env.get(envName(key));
        if (fromEnv != null) {
            List<String> items = new ArrayList<>();
            for (String part : fromEnv.split(",")) {
                if (!part.isBlank()) {
                    items.add(part.strip());
                }
            }
            return Optional.of(new Value(fromEnv, List.copyOf(items), "environment " + envName(key)));
        }
        JsonNode node = at(key);
        if (node.isMissingNode() || node.isNull()) {
            return Optional.empty();
        }
        List<String> items = new ArrayList<>();
        if (node.isArray()) {
            for (JsonNode item : node) {
                if (!item.isValueNode()) {
                    throw new ConfigException("config key " + key + " (file " + fileLabel + "): list items must be single values");
                }
                items.add(item.asText().strip());
            }
        } else if (node.isValueNode()) {
            for (String part : node.asText().split(",")) {
                if (!part.isBlank()) {
                    items.add(part.strip());
                }
            }
        } else {
            throw new ConfigException("config key " + key + " (file " + fileLabel + "): must be a list");
        }
        return Optional.of(new Value(node.toString(), List.copyOf(items), "file " + fileLabel));
    }

    private JsonNode at(String key) {
        JsonNode node = root;
        for (String part : key.split("\\.")) {
            if (node == null || !node.isObject()) {
                return MissingNode.getInstance();
            }
            node = node.get(part);
            if (node == null) {
                return MissingNode.getInstance();
            }
        }
        return node;
    }

    private ConfigException invalid(String key, Value value, String problem) {
        return new ConfigException("config key " + key + " (" + value.origin() + "): '" + value.text() + "' " + problem);
    }

    private static URI parseUrl(String key, String text, String origin) {
        try {
            URI uri = new URI(text.strip());
            String scheme = uri.getScheme();
            if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https")) || uri.getHost() == null) {
                throw new URISyntaxException(text, "not http(s) with a host");
            }
            return uri;
        } catch (URISyntaxException e) {
            // The value may carry a token in its query; name the key, not the value.
            throw new ConfigException("config key " + key + " (" + origin + "): not an http(s) URL with a host");
        }
    }

    static Optional<Duration> parseDuration(String text) {
        String s = text.strip();
        Matcher simple = SIMPLE_DURATION.matcher(s.toLowerCase(Locale.ROOT));
        try {
            if (simple.matches()) {
                long amount = Long.parseLong(simple.group(1));
                return Optional.of(switch (simple.group(2)) {
                    case "ms" -> Duration.ofMillis(amount);
                    case "s" -> Duration.ofSeconds(amount);
                    case "m" -> Duration.ofMinutes(amount);
                    case "h" -> Duration.ofHours(amount);
                    default -> Duration.ofDays(amount);
                });
            }
            return Optional.of(Duration.parse(s));
        } catch (DateTimeParseException | ArithmeticException | NumberFormatException e) { // too many digits, overflow
            return Optional.empty();
        }
    }

    private static void flatten(String prefix, JsonNode node, Map<String, String> out) {
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            String name = prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey();
            if (field.getValue().isObject()) {
                flatten(name, field.getValue(), out);
            } else {
                out.put(name, field.getValue().asText());
            }
        }
    }

    private static void collectLeaves(String prefix, JsonNode node, List<String> out) {
        if (node == null || !node.isObject()) {
            return;
        }
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            String name = prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey();
            if (field.getValue().isObject()) {
                collectLeaves(name, field.getValue(), out);
                if (field.getValue().isEmpty()) {
                    out.add(name);
                }
            } else {
                out.add(name);
            }
        }
    }

    private Optional<String> closest(String unknown) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String known : knownKeys) {
            int d = levenshtein(unknown.toLowerCase(Locale.ROOT), known.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                bestDistance = d;
                best = known;
            }
        }
        return best != null && bestDistance <= Math.max(2, unknown.length() / 4) ? Optional.of(best) : Optional.empty();
    }

    private static int levenshtein(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    private record Value(String text, List<String> items, String origin) {
    }
}
