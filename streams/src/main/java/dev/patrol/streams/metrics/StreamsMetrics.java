package dev.patrol.streams.metrics;

import dev.patrol.model.event.DeadLetter;
import dev.patrol.model.event.Finding;
import dev.patrol.streams.detection.FindingObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * The streams service's own meters, with constant names and descriptions. Tags are low-cardinality only: rule,
 * severity, organization — never a user, address or token.
 */
public final class StreamsMetrics implements FindingObserver {

    public static final String FINDINGS = "patrol.findings";
    public static final String DETECTION_DELAY = "patrol.detection.delay";
    public static final String GEOIP_LOOKUPS = "patrol.geoip.lookups";
    public static final String GEOIP_CACHE_HITS = "patrol.geoip.cache.hits";
    public static final String DEAD_LETTERS = "patrol.streams.deadletters";

    /**
     * Why the detection engine dead-lettered a record: it could not be read ({@code deserialize}), a processor threw
     * ({@code process}), or the topology itself judged it unusable ({@code invalid}, e.g. an address that is no IP).
     */
    public static final List<String> DEAD_LETTER_STAGES = List.of("deserialize", "process", "invalid");

    private final MeterRegistry registry;

    public StreamsMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void onFinding(Finding finding) {
        Counter.builder(FINDINGS)
                .description("Findings emitted by the detections, after suppression")
                .tag("rule", finding.ruleId())
                .tag("severity", finding.severity().name().toLowerCase(java.util.Locale.ROOT))
                .tag("org", finding.organization())
                .register(registry)
                .increment();
        Duration delay = Duration.between(finding.eventTime(), finding.detectedAt());
        if (!delay.isNegative()) {
            Timer.builder(DETECTION_DELAY)
                    .description("From the ADO timestamp of the triggering entry to the finding: ADO's availability "
                            + "delay, the poll interval and processing")
                    .tag("rule", finding.ruleId())
                    .publishPercentileHistogram()
                    .minimumExpectedValue(Duration.ofSeconds(1))
                    .maximumExpectedValue(Duration.ofHours(6))
                    .register(registry)
                    .record(delay);
        }
    }

    @Override
    public void onDeadLetter(DeadLetter letter) {
        deadLetters(registry, letter.sourceTopic(), "invalid").increment();
    }

    /** Registers the dead-letter counters of the source topics at zero: dashboards show 0, not "no data". */
    public void registerDeadLetters(List<String> sourceTopics) {
        for (String topic : sourceTopics) {
            DEAD_LETTER_STAGES.forEach(stage -> deadLetters(registry, topic, stage));
        }
    }

    /** The dead-letter counter of one source topic and stage; the exception handler counts through it too. */
    public static Counter deadLetters(MeterRegistry registry, String sourceTopic, String stage) {
        return Counter.builder(DEAD_LETTERS)
                .description("Records the detection engine sent to the dead-letter topic, by source topic and stage")
                .tag("topic", sourceTopic == null ? "unknown" : sourceTopic).tag("stage", stage).register(registry);
    }

    /** GeoIP counters read from the adapter. */
    public <T> void bindGeoIp(T geoIp, ToDoubleFunction<T> lookups, ToDoubleFunction<T> cacheHits) {
        FunctionCounter.builder(GEOIP_LOOKUPS, geoIp, lookups)
                .description("GeoIP lookups made by the enrichment").register(registry);
        FunctionCounter.builder(GEOIP_CACHE_HITS, geoIp, cacheHits)
                .description("GeoIP lookups answered from the address cache without a database search; "
                        + "over patrol.geoip.lookups, the hit ratio").register(registry);
    }
}
