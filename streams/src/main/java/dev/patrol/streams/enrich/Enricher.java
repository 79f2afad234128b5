package dev.patrol.streams.enrich;

import dev.patrol.model.event.NetworkClass;
import dev.patrol.model.event.NetworkContext;
import dev.patrol.model.net.IpAddresses;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * Turns the caller address of an audit event into its {@link NetworkContext}: what the topology calls per event.
 * Expected failures are values, not exceptions: no address gives {@link NetworkClass#MISSING}, text that is not an IP
 * literal gives {@link NetworkClass#INVALID} (never resolved through DNS), anything else its class and GeoIP fields.
 *
 * <p>The context's {@code ip} is the address in canonical form (IPv4-mapped IPv6 as IPv4, IPv6 compressed as in
 * RFC 5952), so detections that key on the address see one spelling per address; for INVALID it is the text as
 * received. Thread-safe when its parts are.
 */
public final class Enricher {

    private final GeoIp geoIp;
    private final NetworkClassifier classifier;

    public Enricher(GeoIp geoIp, NetworkClassifier classifier) {
        this.geoIp = Objects.requireNonNull(geoIp, "geoIp");
        this.classifier = Objects.requireNonNull(classifier, "classifier");
    }

    public NetworkContext enrich(Optional<String> ipAddress) {
        if (ipAddress == null || ipAddress.isEmpty() || ipAddress.get().isBlank()) {
            return bare(null, NetworkClass.MISSING);
        }
        String text = ipAddress.get().strip();
        Optional<InetAddress> parsed = IpAddresses.parse(text);
        if (parsed.isEmpty()) {
            return bare(text, NetworkClass.INVALID);
        }
        InetAddress address = parsed.get();
        GeoIpResult geo = geoIp.lookup(address);
        if (geo == null) {
            geo = GeoIpResult.EMPTY;
        }
        NetworkClass networkClass = classifier.classify(address, geo);
        return new NetworkContext(canonical(address), networkClass, geo.countryIso(), geo.countryName(), geo.city(),
                geo.latitude(), geo.longitude(), geo.accuracyRadiusKm(), geo.asn(), geo.asOrganization());
    }

    private static NetworkContext bare(String ip, NetworkClass networkClass) {
        return new NetworkContext(ip, networkClass, null, null, null, null, null, null, null, null);
    }

    /** Dotted quad for IPv4; RFC 5952 for IPv6 (lower case, longest run of two or more zero groups as "::"). */
    static String canonical(InetAddress address) {
        if (!(address instanceof Inet6Address)) {
            return address.getHostAddress();
        }
        byte[] bytes = address.getAddress();
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((bytes[2 * i] & 0xFF) << 8) | (bytes[2 * i + 1] & 0xFF);
        }
        int bestStart = -1;
        int bestLength = 1; // a single zero group is not compressed
        for (int i = 0; i < 8; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int start = i;
            while (i < 8 && groups[i] == 0) {
                i++;
            }
            if (i - start > bestLength) {
                bestStart = start;
                bestLength = i - start;
            }
        }
        StringBuilder text = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                text.append("::");
                i += bestLength - 1;
                continue;
            }
            if (text.length() > 0 && text.charAt(text.length() - 1) != ':') {
                text.append(':');
            }
            text.append(Integer.toHexString(groups[i]));
        }
        return text.toString();
    }
}
