package dev.patrol.streams.network;

import dev.patrol.model.net.Cidr;
import dev.patrol.model.net.IpAddresses;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;

/** Which addresses are the corporate network, from config. IPv4 and IPv6 networks may be mixed. */
public final class NetworkModel {

    /** Where a caller's address puts it. */
    public enum Location {
        /** Inside a configured corporate network. */
        CORPORATE,
        /** A valid address outside every corporate network. */
        OUTSIDE,
        /** The entry has no address (system and some service-principal events). */
        MISSING,
        /** The entry's address is not an IP literal. */
        INVALID
    }

    private final List<Cidr> corporate;

    public NetworkModel(List<Cidr> corporate) {
        this.corporate = List.copyOf(corporate);
    }

    public Location locate(Optional<String> ipAddress) {
        if (ipAddress.isEmpty()) {
            return Location.MISSING;
        }
        Optional<InetAddress> address = IpAddresses.parse(ipAddress.get());
        if (address.isEmpty()) {
            return Location.INVALID;
        }
        return corporate.stream().anyMatch(c -> c.contains(address.get())) ? Location.CORPORATE : Location.OUTSIDE;
    }
}
