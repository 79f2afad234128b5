package dev.patrol.streams.rules;

import dev.patrol.model.event.Severity;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One detection instance as data: whether it runs, its metadata, thresholds and allowlist. The detection class
 * (code) reads its parameters through the typed getters; a parameter in the file that no detection reads is an
 * error (see {@link #unreadParameters()}), so a typo cannot silently fall back to a default.
 */
public final class RuleSettings {

    private static final Pattern SIMPLE_DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

    private final String id;
    private final boolean enabled;
    private final String title;
    private final Severity severity;
    private final List<String> mitreAttack;
    private final String description;
    private final List<String> falsePositives;
    private final Map<String, String> parameters;
    private final Allowlist allowlist;
    private final String source;
    private final Set<String> read = new LinkedHashSet<>();

    public RuleSettings(String id, boolean enabled, String title, Severity severity, List<String> mitreAttack,
                        String description, List<String> falsePositives, Map<String, String> parameters,
                        Allowlist allowlist, String source) {
        this.id = id;
        this.enabled = enabled;
        this.title = title;
        this.severity = severity;
        this.mitreAttack = List.copyOf(mitreAttack);
        this.description = description;
        this.falsePositives = List.copyOf(falsePositives);
        this.parameters = Map.copyOf(parameters);
        this.allowlist = allowlist;
        this.source = source;
    }

    public String id() {
        return id;
    }

    public boolean enabled() {
        return enabled;
    }

    public String title() {
        return title;
    }

    /** The base severity; a detection may raise or lower it per finding and says why in the evidence. */
    public Severity severity() {
        return severity;
    }

    public List<String> mitreAttack() {
        return mitreAttack;
    }

    public String description() {
        return description;
    }

    public List<String> falsePositives() {
        return falsePositives;
    }

    public Allowlist allowlist() {
        return allowlist;
    }

    public Duration duration(String name, Duration defaultValue) {
        String text = parameter(name);
        if (text == null) {
            return defaultValue;
        }
        Matcher simple = SIMPLE_DURATION.matcher(text.strip().toLowerCase(Locale.ROOT));
        if (simple.matches()) {
            long amount = Long.parseLong(simple.group(1));
            return switch (simple.group(2)) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                default -> Duration.ofDays(amount);
            };
        }
        try {
            return Duration.parse(text.strip());
        } catch (DateTimeParseException e) {
            throw invalid(name, text, "is not a duration (30s, 5m, 1h, 7d)");
        }
    }

    public long number(String name, long defaultValue, long min, long max) {
        String text = parameter(name);
        if (text == null) {
            return defaultValue;
        }
        try {
            long value = Long.parseLong(text.strip());
            if (value < min || value > max) {
                throw invalid(name, text, "must be between " + min + " and " + max);
            }
            return value;
        } catch (NumberFormatException e) {
            throw invalid(name, text, "is not a whole number");
        }
    }

    public double decimal(String name, double defaultValue, double min, double max) {
        String text = parameter(name);
        if (text == null) {
            return defaultValue;
        }
        try {
            double value = Double.parseDouble(text.strip());
            if (value < min || value > max) {
                throw invalid(name, text, "must be between " + min + " and " + max);
            }
            return value;
        } catch (NumberFormatException e) {
            throw invalid(name, text, "is not a number");
        }
    }

    /** A comma-separated list parameter; empty when absent. */
    public List<String> list(String name, List<String> defaultValue) {
        String text = parameter(name);
        if (text == null) {
            return defaultValue;
        }
        return java.util.Arrays.stream(text.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    /** Parameters present in the file that no getter asked for. */
    public Set<String> unreadParameters() {
        Set<String> unread = new LinkedHashSet<>(parameters.keySet());
        unread.removeAll(read);
        return unread;
    }

    public String source() {
        return source;
    }

    private String parameter(String name) {
        read.add(name);
        return parameters.get(name);
    }

    private RuleException invalid(String name, String text, String problem) {
        return new RuleException("rule " + id + " (" + source + "): parameter " + name + ": '" + text + "' " + problem);
    }

    @Override
    public String toString() {
        return "RuleSettings[" + id + (enabled ? "" : ", disabled") + "]";
    }
}
