package dev.patrol.streams.enrich;

import dev.patrol.model.net.Cidr;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * A {@link GeoIp} from a fixed table of networks, <b>for tests and demos</b>: deterministic locations without
 * database files (e.g. an address in Amsterdam and one in Sydney for impossible-travel tests). The most specific
 * matching network wins; an address in no network gives {@link GeoIpResult#EMPTY}.
 *
 * <pre>{@code
 * GeoIp geo = StaticGeoIp.builder()
 *         .add("203.0.113.0/25", StaticGeoIp.AMSTERDAM)
 *         .add("203.0.113.128/25", StaticGeoIp.SYDNEY.withAsn(64500, "Example Hosting"))
 *         .build();
 * }</pre>
 *
 * The places below have real coordinates and invented network data (ASNs from the documentation range of RFC 5398).
 */
public final class StaticGeoIp implements GeoIp {

    public static final GeoIpResult AMSTERDAM =
            GeoIpResult.location("NL", "Netherlands", "Amsterdam", 52.3676, 4.9041, 20).withAsn(64496, "Example NL");
    public static final GeoIpResult LONDON =
            GeoIpResult.location("GB", "United Kingdom", "London", 51.5072, -0.1276, 20).withAsn(64497, "Example GB");
    public static final GeoIpResult FRANKFURT =
            GeoIpResult.location("DE", "Germany", "Frankfurt am Main", 50.1109, 8.6821, 20)
                    .withAsn(64498, "Example DE");
    public static final GeoIpResult NEW_YORK =
            GeoIpResult.location("US", "United States", "New York", 40.7128, -74.0060, 20)
                    .withAsn(64499, "Example US");
    public static final GeoIpResult SYDNEY =
            GeoIpResult.location("AU", "Australia", "Sydney", -33.8688, 151.2093, 20).withAsn(64500, "Example AU");

    private record Entry(Cidr network, int prefixLength, GeoIpResult result) {
    }

    private final List<Entry> entries;

    private StaticGeoIp(List<Entry> entries) {
        // Most specific first, so the first match is the longest prefix.
        this.entries = entries.stream()
                .sorted(Comparator.comparingInt(Entry::prefixLength).reversed())
                .toList();
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * A ready-made table on the documentation ranges (which the {@link NetworkClassifier} calls RESERVED unless
     * configured otherwise): 192.0.2.0/24 Amsterdam, 198.51.100.0/24 Sydney, 203.0.113.0/26 London,
     * 203.0.113.64/26 Frankfurt, 203.0.113.128/25 New York, 2001:db8:1::/48 Amsterdam, 2001:db8:2::/48 Sydney.
     */
    public static StaticGeoIp demo() {
        return builder()
                .add("192.0.2.0/24", AMSTERDAM)
                .add("198.51.100.0/24", SYDNEY)
                .add("203.0.113.0/26", LONDON)
                .add("203.0.113.64/26", FRANKFURT)
                .add("203.0.113.128/25", NEW_YORK)
                .add("2001:db8:1::/48", AMSTERDAM)
                .add("2001:db8:2::/48", SYDNEY)
                .build();
    }

    @Override
    public GeoIpResult lookup(InetAddress address) {
        if (address == null) {
            return GeoIpResult.EMPTY;
        }
        for (Entry entry : entries) {
            if (entry.network().contains(address)) {
                return entry.result();
            }
        }
        return GeoIpResult.EMPTY;
    }

    @Override
    public void close() {
        // nothing to release
    }

    /** Collects networks and what to answer for them. */
    public static final class Builder {
        private final List<Entry> entries = new ArrayList<>();

        private Builder() {
        }

        /**
         * Answers {@code result} for addresses in {@code cidr} (e.g. {@code 198.51.100.0/24}, {@code 2001:db8::/32},
         * or a single address).
         */
        public Builder add(String cidr, GeoIpResult result) {
            Cidr network = Cidr.parse(cidr);
            // Cidr prints itself as address/prefix, also for a bare address.
            String text = network.toString();
            int prefixLength = Integer.parseInt(text.substring(text.lastIndexOf('/') + 1));
            entries.add(new Entry(network, prefixLength, Objects.requireNonNull(result, "result")));
            return this;
        }

        public StaticGeoIp build() {
            return new StaticGeoIp(entries);
        }
    }
}
