package dev.patrol.streams.enrich;

/**
 * What the GeoIP data says about one address. Every object field may be null (not in the data); the flags are false
 * unless an Anonymous-IP database is configured and lists the address.
 *
 * @param countryIso        ISO 3166-1 alpha-2 code of the country the address is located in (falling back to the
 *                          country its network is registered in when the data has no location country)
 * @param countryName       English country name
 * @param city              English city name; often null for addresses the data only places at country level
 * @param latitude          approximate latitude; a country centroid when the data knows nothing finer
 * @param longitude         approximate longitude
 * @param accuracyRadiusKm  MaxMind's radius around the location, in kilometres, within which the address likely is
 *                          (1000 for country centroids): distance-based detections pad by it
 * @param asn               autonomous system number
 * @param asOrganization    the organization the AS is registered to
 * @param anonymousVpn      Anonymous-IP: a commercial VPN provider's address
 * @param hostingProvider   Anonymous-IP: a hosting or cloud provider's address
 * @param publicProxy       Anonymous-IP: a public proxy
 * @param torExitNode       Anonymous-IP: a Tor exit node
 * @param residentialProxy  Anonymous-IP: a residential proxy network (an anonymizer that looks like a home user)
 */
public record GeoIpResult(
        String countryIso,
        String countryName,
        String city,
        Double latitude,
        Double longitude,
        Integer accuracyRadiusKm,
        Long asn,
        String asOrganization,
        boolean anonymousVpn,
        boolean hostingProvider,
        boolean publicProxy,
        boolean torExitNode,
        boolean residentialProxy) {

    /** Nothing known. */
    public static final GeoIpResult EMPTY =
            new GeoIpResult(null, null, null, null, null, null, null, null, false, false, false, false, false);

    /** The same without {@code residentialProxy}, for callers that do not use Anonymous-IP data. */
    public GeoIpResult(String countryIso, String countryName, String city, Double latitude, Double longitude,
                       Integer accuracyRadiusKm, Long asn, String asOrganization, boolean anonymousVpn,
                       boolean hostingProvider, boolean publicProxy, boolean torExitNode) {
        this(countryIso, countryName, city, latitude, longitude, accuracyRadiusKm, asn, asOrganization, anonymousVpn,
                hostingProvider, publicProxy, torExitNode, false);
    }

    /** A located result without ASN or flags; add them with {@link #withAsn} and {@link #withFlags}. */
    public static GeoIpResult location(String countryIso, String countryName, String city, double latitude,
                                       double longitude, int accuracyRadiusKm) {
        return new GeoIpResult(countryIso, countryName, city, latitude, longitude, accuracyRadiusKm, null, null,
                false, false, false, false, false);
    }

    public GeoIpResult withAsn(long asn, String asOrganization) {
        return new GeoIpResult(countryIso, countryName, city, latitude, longitude, accuracyRadiusKm, asn,
                asOrganization, anonymousVpn, hostingProvider, publicProxy, torExitNode, residentialProxy);
    }

    public GeoIpResult withFlags(boolean anonymousVpn, boolean hostingProvider, boolean publicProxy,
                                 boolean torExitNode, boolean residentialProxy) {
        return new GeoIpResult(countryIso, countryName, city, latitude, longitude, accuracyRadiusKm, asn,
                asOrganization, anonymousVpn, hostingProvider, publicProxy, torExitNode, residentialProxy);
    }

    public boolean hasLocation() {
        return latitude != null && longitude != null;
    }

    /** Whether an Anonymous-IP database put the address on an anonymizing network (Tor excluded). */
    public boolean anonymizer() {
        return anonymousVpn || publicProxy || residentialProxy;
    }

    public boolean isEmpty() {
        return equals(EMPTY);
    }
}
