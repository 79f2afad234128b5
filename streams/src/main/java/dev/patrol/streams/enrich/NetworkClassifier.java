package dev.patrol.streams.enrich;

import dev.patrol.model.config.ConfigException;
import dev.patrol.model.config.PatrolConfig.NetworkSettings;
import dev.patrol.model.event.NetworkClass;
import dev.patrol.model.net.Cidr;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * Puts an address in its {@link NetworkClass} from the network model in config and what the GeoIP data says about
 * it, in the precedence {@link NetworkClass} documents: CORPORATE, VPN_EGRESS, PRIVATE, RESERVED, TOR, ANONYMIZER,
 * TRUSTED_ASN, HOSTING, PUBLIC (MISSING and INVALID are decided before there is an address; see {@link Enricher}).
 *
 * <p>Configured networks come first, so a site that uses a documentation or private range as its corporate network
 * gets CORPORATE for it. PRIVATE is loopback, RFC 1918, CGNAT (100.64.0.0/10), link-local and unique-local; RESERVED
 * is "this network", documentation, benchmarking, IETF protocol, multicast and the rest of the IANA special-purpose
 * ranges, and every IPv6 address outside global unicast (2000::/3). TOR comes from the configured exit list or an
 * Anonymous-IP database; ANONYMIZER from configured ASNs or the database's VPN, public-proxy and residential-proxy
 * flags; HOSTING from configured ASNs or the database's hosting flag.
 *
 * <p>Thread-safe. Without side effects, except that the Tor exit list is re-read when its file changes.
 */
public final class NetworkClassifier {

    /** How often the Tor exit list file is checked for changes unless told otherwise. */
    public static final Duration DEFAULT_RELOAD_CHECK_INTERVAL = Duration.ofMinutes(1);

    private record Special(Cidr network, NetworkClass networkClass) {
    }

    // Sources: IANA IPv4 and IPv6 Special-Purpose Address Registries, RFC 6598 (CGNAT), RFC 9637 (3fff::/20).
    private static final List<Special> SPECIAL = List.of(
            special("10.0.0.0/8", NetworkClass.PRIVATE),
            special("172.16.0.0/12", NetworkClass.PRIVATE),
            special("192.168.0.0/16", NetworkClass.PRIVATE),
            special("100.64.0.0/10", NetworkClass.PRIVATE),    // carrier-grade NAT shared space
            special("127.0.0.0/8", NetworkClass.PRIVATE),      // loopback
            special("169.254.0.0/16", NetworkClass.PRIVATE),   // link-local
            special("::1/128", NetworkClass.PRIVATE),          // loopback
            special("fe80::/10", NetworkClass.PRIVATE),        // link-local
            special("fec0::/10", NetworkClass.PRIVATE),        // site-local (deprecated, still private)
            special("fc00::/7", NetworkClass.PRIVATE),         // unique-local
            special("0.0.0.0/8", NetworkClass.RESERVED),       // "this network"
            special("192.0.0.0/24", NetworkClass.RESERVED),    // IETF protocol assignments
            special("192.0.2.0/24", NetworkClass.RESERVED),    // TEST-NET-1
            special("192.88.99.0/24", NetworkClass.RESERVED),  // deprecated 6to4 relay anycast
            special("198.18.0.0/15", NetworkClass.RESERVED),   // benchmarking
            special("198.51.100.0/24", NetworkClass.RESERVED), // TEST-NET-2
            special("203.0.113.0/24", NetworkClass.RESERVED),  // TEST-NET-3
            special("224.0.0.0/4", NetworkClass.RESERVED),     // multicast
            special("240.0.0.0/4", NetworkClass.RESERVED),     // reserved, and the limited broadcast address
            special("2001:db8::/32", NetworkClass.RESERVED),   // documentation
            special("3fff::/20", NetworkClass.RESERVED),       // documentation
            special("2001:2::/48", NetworkClass.RESERVED),     // benchmarking
            special("2001:10::/28", NetworkClass.RESERVED),    // ORCHID (deprecated)
            special("2001:20::/28", NetworkClass.RESERVED));   // ORCHIDv2
    private static final Cidr IPV6_GLOBAL_UNICAST = Cidr.parse("2000::/3");

    private final List<Cidr> corporate;
    private final List<Cidr> vpnEgress;
    private final Set<Long> trustedAsns;
    private final Set<Long> hostingAsns;
    private final Set<Long> anonymizerAsns;
    private final TorExitList torExits;

    private NetworkClassifier(NetworkSettings settings, TorExitList torExits) {
        this.corporate = settings.corporateCidrs();
        this.vpnEgress = settings.vpnEgressCidrs();
        this.trustedAsns = Set.copyOf(settings.trustedAsns());
        this.hostingAsns = Set.copyOf(settings.hostingAsns());
        this.anonymizerAsns = Set.copyOf(settings.anonymizerAsns());
        this.torExits = torExits;
    }

    /**
     * The classifier for {@code settings}; the Tor exit list, if any, is checked for changes every
     * {@link #DEFAULT_RELOAD_CHECK_INTERVAL}.
     *
     * @throws ConfigException when the Tor exit list file cannot be read
     */
    public static NetworkClassifier from(NetworkSettings settings) {
        return from(settings, DEFAULT_RELOAD_CHECK_INTERVAL);
    }

    /**
     * As {@link #from(NetworkSettings)}, checking the Tor exit list every {@code reloadCheckInterval} (pass
     * {@code geoip.reloadCheckInterval} to check it as often as the databases).
     */
    public static NetworkClassifier from(NetworkSettings settings, Duration reloadCheckInterval) {
        return from(settings, reloadCheckInterval, Clock.systemUTC());
    }

    static NetworkClassifier from(NetworkSettings settings, Duration reloadCheckInterval, Clock clock) {
        TorExitList tor = settings.torExitListFile()
                .map(path -> TorExitList.load(path, reloadCheckInterval, clock))
                .orElse(null);
        return new NetworkClassifier(settings, tor);
    }

    /**
     * The class of {@code address} given what the GeoIP data says about it ({@code geo} may be null or
     * {@link GeoIpResult#EMPTY}). A null address is {@link NetworkClass#MISSING}.
     */
    public NetworkClass classify(InetAddress address, GeoIpResult geo) {
        if (address == null) {
            return NetworkClass.MISSING;
        }
        if (containsAny(corporate, address)) {
            return NetworkClass.CORPORATE;
        }
        if (containsAny(vpnEgress, address)) {
            return NetworkClass.VPN_EGRESS;
        }
        NetworkClass special = specialPurpose(address);
        if (special != null) {
            return special;
        }
        GeoIpResult data = geo == null ? GeoIpResult.EMPTY : geo;
        Long asn = data.asn();
        if (data.torExitNode() || (torExits != null && torExits.contains(address))) {
            return NetworkClass.TOR;
        }
        if (data.anonymizer() || (asn != null && anonymizerAsns.contains(asn))) {
            return NetworkClass.ANONYMIZER;
        }
        // Configured trust beats a database's hosting flag: sanctioned CI runners live on cloud ASNs.
        if (asn != null && trustedAsns.contains(asn)) {
            return NetworkClass.TRUSTED_ASN;
        }
        if (data.hostingProvider() || (asn != null && hostingAsns.contains(asn))) {
            return NetworkClass.HOSTING;
        }
        return NetworkClass.PUBLIC;
    }

    /** PRIVATE or RESERVED for special-purpose addresses, null for everything else. */
    static NetworkClass specialPurpose(InetAddress address) {
        for (Special special : SPECIAL) {
            if (special.network().contains(address)) {
                return special.networkClass();
            }
        }
        if (address instanceof Inet6Address && !IPV6_GLOBAL_UNICAST.contains(address)) {
            return NetworkClass.RESERVED; // unspecified, IPv4-compatible, NAT64, multicast, unassigned
        }
        return null;
    }

    /** Re-reads the Tor exit list now if its file changed (classification also does this on its own schedule). */
    public void checkForChanges() {
        if (torExits != null) {
            torExits.checkForChanges();
        }
    }

    /** Addresses on the loaded Tor exit list (0 without one). */
    public int torExitCount() {
        return torExits == null ? 0 : torExits.size();
    }

    private static boolean containsAny(List<Cidr> networks, InetAddress address) {
        for (Cidr network : networks) {
            if (network.contains(address)) {
                return true;
            }
        }
        return false;
    }

    private static Special special(String cidr, NetworkClass networkClass) {
        return new Special(Cidr.parse(cidr), networkClass);
    }
}
