package dev.patrol.simulator;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/** A deliberately tiny, independent CIDR check so the ground-truth tests do not trust the generator's own notion. */
record CidrRange(byte[] network, int prefixLength) {

    static CidrRange parse(String cidr) {
        int slash = cidr.indexOf('/');
        return new CidrRange(bytes(cidr.substring(0, slash)), Integer.parseInt(cidr.substring(slash + 1)));
    }

    static boolean inAny(List<String> cidrs, String address) {
        return cidrs.stream().map(CidrRange::parse).anyMatch(range -> range.contains(address));
    }

    boolean contains(String address) {
        byte[] candidate = bytes(address);
        if (candidate.length != network.length) {
            return false;
        }
        for (int bit = 0; bit < prefixLength; bit++) {
            int mask = 0x80 >>> (bit % 8);
            if ((candidate[bit / 8] & mask) != (network[bit / 8] & mask)) {
                return false;
            }
        }
        return true;
    }

    /** Literals only: InetAddress parses an IP literal without any DNS lookup. */
    private static byte[] bytes(String literal) {
        if (!literal.matches("[0-9a-fA-F:.]+")) {
            throw new IllegalArgumentException("not an IP literal: " + literal);
        }
        try {
            return InetAddress.getByName(literal).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP literal: " + literal, e);
        }
    }
}
