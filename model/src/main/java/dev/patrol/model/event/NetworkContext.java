package dev.patrol.model.event;

import java.util.Objects;

/**
 * What PATrol knows about a caller's address: its class from the network model, and GeoIP city/ASN data where the
 * databases have it. Every field but {@code networkClass} may be null (no address, or not in the data).
 *
 * @param accuracyRadiusKm MaxMind's accuracy radius around the location, in kilometres
 */
public record NetworkContext(
        String ip,
        NetworkClass networkClass,
        String countryIso,
        String countryName,
        String city,
        Double latitude,
        Double longitude,
        Integer accuracyRadiusKm,
        Long asn,
        String asOrganization) {

    public NetworkContext {
        Objects.requireNonNull(networkClass, "networkClass");
    }

    public boolean hasLocation() {
        return latitude != null && longitude != null;
    }
}
