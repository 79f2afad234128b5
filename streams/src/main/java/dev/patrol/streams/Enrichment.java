package dev.patrol.streams;

import dev.patrol.model.config.PatrolConfig;
import dev.patrol.streams.detection.AddressEnricher;
import dev.patrol.streams.enrich.Enricher;
import dev.patrol.streams.enrich.MaxMindGeoIp;
import dev.patrol.streams.enrich.NetworkClassifier;

/**
 * The enrichment the service runs with: the MaxMind adapter (configured files, or the bundled GeoLite2 data) and
 * the network classifier from config, opened once at start and closed on shutdown.
 */
final class Enrichment implements AutoCloseable {

    private final MaxMindGeoIp geoIp;
    private final Enricher enricher;

    private Enrichment(MaxMindGeoIp geoIp, Enricher enricher) {
        this.geoIp = geoIp;
        this.enricher = enricher;
    }

    static Enrichment open(PatrolConfig config) {
        MaxMindGeoIp geoIp = MaxMindGeoIp.open(config.geoip());
        try {
            NetworkClassifier classifier = NetworkClassifier.from(config.network(), config.geoip().reloadCheckInterval());
            return new Enrichment(geoIp, new Enricher(geoIp, classifier));
        } catch (RuntimeException e) {
            geoIp.close();
            throw e;
        }
    }

    void bindMetrics(dev.patrol.streams.metrics.StreamsMetrics metrics) {
        metrics.bindGeoIp(geoIp, MaxMindGeoIp::lookups, MaxMindGeoIp::cacheHits);
    }

    AddressEnricher enricher() {
        return enricher::enrich;
    }

    @Override
    public void close() {
        geoIp.close();
    }
}
