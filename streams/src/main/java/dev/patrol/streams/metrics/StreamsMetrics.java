package dev.patrol.streams.metrics;

import dev.patrol.model.event.Finding;
import dev.patrol.streams.detection.FindingObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
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

    /** GeoIP counters read from the adapter. */
    public <T> void bindGeoIp(T geoIp, ToDoubleFunction<T> lookups, ToDoubleFunction<T> cacheHits) {
        FunctionCounter.builder(GEOIP_LOOKUPS, geoIp, lookups)
                .description("GeoIP lookups made by the enrichment").register(registry);
        FunctionCounter.builder(GEOIP_CACHE_HITS, geoIp, cacheHits)
                .description("GeoIP database reads answered from the cache").register(registry);
    }
}
