package dev.patrol.streams.detection;

import dev.patrol.model.event.NetworkClass;
import dev.patrol.model.event.NetworkContext;
import dev.patrol.model.net.Cidr;
import dev.patrol.model.net.IpAddresses;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A deterministic stand-in for GeoIP enrichment in topology tests: corporate ranges, and a table of addresses with
 * their class, country, city, location and ASN. Anything else is PUBLIC with no geo data.
 */
final class TestNetwork implements AddressEnricher {

    private final List<Cidr> corporate = new ArrayList<>();
    private final Map<String, NetworkContext> known = new HashMap<>();

    TestNetwork corporate(String... cidrs) {
        for (String cidr : cidrs) {
            corporate.add(Cidr.parse(cidr));
        }
        return this;
    }

    TestNetwork at(String ip, NetworkClass networkClass, String country, String city, double lat, double lon,
                   int radiusKm, long asn, String asOrg) {
        known.put(ip, new NetworkContext(ip, networkClass, country, country, city, lat, lon, radiusKm, asn, asOrg));
        return this;
    }

    @Override
    public NetworkContext enrich(Optional<String> ipAddress) {
        if (ipAddress.isEmpty()) {
            return new NetworkContext(null, NetworkClass.MISSING, null, null, null, null, null, null, null, null);
        }
        String ip = ipAddress.get();
        var address = IpAddresses.parse(ip);
        if (address.isEmpty()) {
            return new NetworkContext(ip, NetworkClass.INVALID, null, null, null, null, null, null, null, null);
        }
        if (known.containsKey(ip)) {
            return known.get(ip);
        }
        boolean inside = corporate.stream().anyMatch(c -> c.contains(address.get()));
        return new NetworkContext(ip, inside ? NetworkClass.CORPORATE : NetworkClass.PUBLIC, null, null, null, null,
                null, null, null, null);
    }
}
