package dev.patrol.model.topic;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * How a topic is created: partitions, compaction for tables, retention for streams.
 *
 * @param retention empty for compacted tables (kept forever), otherwise how long records are kept
 */
public record TopicSpec(int partitions, boolean compacted, Optional<Duration> retention) {

    public TopicSpec {
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be >= 1");
        }
        if (compacted && retention.isPresent()) {
            throw new IllegalArgumentException("a compacted table keeps its latest values; it has no retention");
        }
    }

    public static TopicSpec stream(int partitions, Duration retention) {
        return new TopicSpec(partitions, false, Optional.of(retention));
    }

    public static TopicSpec table(int partitions) {
        return new TopicSpec(partitions, true, Optional.empty());
    }

    /** Topic-level configs for {@code AdminClient.createTopics}. */
    public Map<String, String> configs() {
        Map<String, String> configs = new LinkedHashMap<>();
        configs.put("cleanup.policy", compacted ? "compact" : "delete");
        retention.ifPresent(r -> configs.put("retention.ms", Long.toString(r.toMillis())));
        return configs;
    }
}
