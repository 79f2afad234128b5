package dev.patrol.streams.enrich;

import dev.patrol.model.config.PatrolConfig.GeoIpSettings;
import dev.patrol.model.net.IpAddresses;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Optional;

/** Test data: the committed fixture databases (see src/test/fixtures/geoip/generate.pl) and settings builders. */
final class Fixtures {

    static final Duration CHECK_INTERVAL = Duration.ofMinutes(1);
    private static final Path DIR = Path.of(System.getProperty("basedir", "."), "src", "test", "fixtures", "geoip");

    /** IPv4-only City data: 8.8.8.0/24 in Amsterdam, 129.78.0.0/16 in Sydney. */
    static final Path CITY_IPV4_ONLY = DIR.resolve("city-ipv4-only.mmdb");
    /** ASN data unlike the bundled file: 8.8.8.0/24 is AS64500, 2001:4860::/32 AS64501. */
    static final Path ASN_ALTERNATIVE = DIR.resolve("asn-alternative.mmdb");
    /** Anonymous-IP: 45.0.0.1 Tor, .2 VPN, .3 hosting, .4 public proxy, .5 residential proxy; 2a0b:f4c0::/32 Tor. */
    static final Path ANONYMOUS_IP = DIR.resolve("anonymous-ip.mmdb");
    /** ISP: 8.8.8.0/24 is AS64510 "PATrol Test ISP AS". */
    static final Path ISP = DIR.resolve("isp.mmdb");

    private Fixtures() {
    }

    static GeoIpSettings bundled(int cacheSize) {
        return settings(null, null, null, null, cacheSize);
    }

    static GeoIpSettings settings(Path city, Path asn, Path anonymousIp, Path isp, int cacheSize) {
        return new GeoIpSettings(Optional.ofNullable(city), Optional.ofNullable(asn), Optional.ofNullable(anonymousIp),
                Optional.ofNullable(isp), cacheSize, CHECK_INTERVAL);
    }

    static InetAddress ip(String text) {
        return IpAddresses.parse(text).orElseThrow(() -> new IllegalArgumentException(text));
    }

    /** A clock tests move by hand, so reload checks happen exactly when a test says. */
    static final class MutableClock extends Clock {
        private volatile Instant now = Instant.parse("2026-06-01T00:00:00Z");

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
