package dev.patrol.streams.enrich;

import java.net.InetAddress;

/**
 * Where an address is and who routes it, from GeoIP data. Detections depend on this interface, never on MaxMind:
 * production uses {@link MaxMindGeoIp}; tests and demos use {@link StaticGeoIp}.
 *
 * <p>Implementations are thread-safe: one instance is built at start, shared by all stream threads and closed on
 * shutdown.
 */
public interface GeoIp extends AutoCloseable {

    /**
     * Looks an address up. Never throws: an address the data does not know, a failing database or a closed instance
     * all give {@link GeoIpResult#EMPTY} (or a result with only the fields that could be found).
     */
    GeoIpResult lookup(InetAddress address);

    /** Releases the databases; later lookups give {@link GeoIpResult#EMPTY}. */
    @Override
    void close();
}
