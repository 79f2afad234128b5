package dev.patrol.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.DoublePredicate;

/**
 * The figures of a run, printed at the end as {@code key=value} lines (stdout, for scripts), followed by each target
 * and whether it holds. A figure that could not be measured is {@code NaN} and its target is reported as missed.
 */
final class Report {

    /** One target: the key it judges, how it is written, and the test. */
    record Target(String key, String text, DoublePredicate holds) {
    }

    static final List<Target> TARGETS = List.of(
            new Target("throughput_ratio", ">= 0.6", v -> v >= 0.6),
            new Target("latency_p99_ratio", "<= 1.5", v -> v <= 1.5),
            new Target("delivery_p99_ms", "< 200", v -> v < 200),
            new Target("ingest_ratio", ">= 0.8", v -> v >= 0.8),
            new Target("inventory_ratio", "<= 1.1", v -> v <= 1.1),
            new Target("streams_heap_mb", "<= 512", v -> v <= 512));

    /** Every key a complete run prints, in order: the six judged figures first. */
    static final List<String> KEYS = List.of("throughput_ratio", "latency_p99_ratio", "delivery_p99_ms", "ingest_ratio",
            "inventory_ratio", "streams_heap_mb",
            "cores", "memory_mb", "jvm", "events", "off_network_share",
            "passthrough_events_per_s", "detection_events_per_s",
            "latency_rate_per_s", "latency_p50_ms", "latency_p99_ms", "passthrough_p50_ms", "passthrough_p99_ms",
            "latency_findings",
            "delivery_p50_ms", "delivery_samples",
            "ingest_entries", "ingest_entries_per_s", "raw_fetch_entries_per_s", "ingest_cold_s",
            "inventory_users", "inventory_requests", "inventory_s", "inventory_min_s",
            "heap_tokens", "streams_heap_committed_mb", "streams_rss_mb");

    private final Map<String, String> values = new LinkedHashMap<>();

    void put(String key, double value) {
        values.put(key, Double.isNaN(value) ? "NaN" : String.format(Locale.ROOT, value >= 100 ? "%.0f" : "%.3f", value));
    }

    void put(String key, long value) {
        values.put(key, Long.toString(value));
    }

    void put(String key, String value) {
        values.put(key, value);
    }

    double get(String key) {
        try {
            return Double.parseDouble(values.getOrDefault(key, "NaN"));
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    /** Prints every known key (NaN for those not measured), then the targets; returns the targets missed. */
    List<String> print(PrintStream out) {
        for (String key : KEYS) {
            out.println(key + "=" + values.getOrDefault(key, "NaN"));
        }
        values.forEach((key, value) -> {
            if (!KEYS.contains(key)) {
                out.println(key + "=" + value);
            }
        });
        List<String> missed = new ArrayList<>();
        for (Target target : TARGETS) {
            double value = get(target.key());
            boolean holds = !Double.isNaN(value) && target.holds().test(value);
            out.println("target_" + target.key() + "=" + (holds ? "met" : "MISSED") + " (" + values.getOrDefault(target.key(), "NaN")
                    + " " + target.text() + ")");
            if (!holds) {
                missed.add(target.key());
            }
        }
        return missed;
    }
}
