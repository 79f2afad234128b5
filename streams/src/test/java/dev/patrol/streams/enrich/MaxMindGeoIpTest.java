package dev.patrol.streams.enrich;

import static dev.patrol.streams.enrich.Fixtures.ip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ch.qos.logback.classic.Level;
import com.maxmind.geoip2.DatabaseReader;
import dev.patrol.model.config.ConfigException;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The MaxMind adapter against the bundled 2019 GeoLite2 data and the small fixture databases. */
class MaxMindGeoIpTest {

    static MaxMindGeoIp bundled;

    @BeforeAll
    static void openBundled() {
        bundled = MaxMindGeoIp.open(Fixtures.bundled(4096));
    }

    @AfterAll
    static void closeBundled() {
        bundled.close();
    }

    @Test
    void shouldPlaceGooglePublicDnsInTheUsOnAs15169WhenUsingBundledData() {
        // when
        GeoIpResult result = bundled.lookup(ip("8.8.8.8"));

        // then: the 2019 data knows only the country (centroid, 1000 km radius) for this anycast address
        assertThat(result).isEqualTo(new GeoIpResult("US", "United States", null, 37.751, -97.822, 1000, 15169L,
                "Google LLC", false, false, false, false, false));
    }

    @ParameterizedTest(name = "{0} -> {1} {2} AS{6}")
    @CsvSource(nullValues = "null", textBlock = """
            81.2.69.142,              GB, Abingdon,          51.7095,  -1.3614,  100,  20712, Andrews & Arnold Ltd
            131.111.150.25,           GB, Cambridge,         52.2,      0.1167,    5,    786, Jisc Services Limited
            129.78.5.8,               AU, Sydney,           -33.8591, 151.2002, 1000,  23719, University of Sydney
            128.101.101.101,          US, Minneapolis,       44.9399, -93.2548,   50,    217, University of Minnesota
            1.1.1.1,                  AU, null,             -33.494,  143.2104, 1000,  13335, 'Cloudflare, Inc.'
            2a00:1450:4001:80e::200e, DE, Frankfurt am Main, 50.1188,   8.6843,  100,  15169, Google LLC
            2001:4860:4860::8888,     US, null,              37.751,  -97.822,   100,  15169, Google LLC
            """)
    void shouldReturnWhatTheBundledDataSaysWhenAddressIsWellKnown(String address, String country, String city,
                                                                double latitude, double longitude, int radius,
                                                                long asn, String organization) {
        // when
        GeoIpResult result = bundled.lookup(ip(address));

        // then
        assertThat(result.countryIso()).isEqualTo(country);
        assertThat(result.city()).isEqualTo(city);
        assertThat(result.latitude()).isCloseTo(latitude, within(1e-4));
        assertThat(result.longitude()).isCloseTo(longitude, within(1e-4));
        assertThat(result.accuracyRadiusKm()).isEqualTo(radius);
        assertThat(result.asn()).isEqualTo(asn);
        assertThat(result.asOrganization()).isEqualTo(organization);
    }

    @ParameterizedTest
    @CsvSource({"10.1.2.3", "192.0.2.1", "fd00::1"})
    void shouldReturnEmptyWhenAddressIsNotInTheData(String address) {
        // when
        GeoIpResult result = bundled.lookup(ip(address));

        // then
        assertThat(result).isSameAs(GeoIpResult.EMPTY);
    }

    @Test
    void shouldAnswerIpv4MappedIpv6LikeIpv4WhenLookedUp() {
        // given: the parser turns ::ffff:8.8.8.8 into the IPv4 address
        InetAddress mapped = ip("::ffff:8.8.8.8");

        // when
        GeoIpResult result = bundled.lookup(mapped);

        // then
        assertThat(result).isEqualTo(bundled.lookup(ip("8.8.8.8")));
    }

    @Test
    void shouldNotAnswerIpv6AddressFromIpv4OnlyDatabase() throws Exception {
        // given: the raw reader answers 808:808::1 with the record of 8.8.8.8 (its first 32 bits)
        InetAddress v6 = ip("808:808::1");
        try (DatabaseReader raw = new DatabaseReader.Builder(Fixtures.CITY_IPV4_ONLY.toFile()).build()) {
            assertThat(raw.metadata().ipVersion()).isEqualTo(4);
            assertThat(raw.tryCity(v6).map(c -> c.city().name())).contains("Amsterdam");
        }
        try (MaxMindGeoIp geo = MaxMindGeoIp.open(
                Fixtures.settings(Fixtures.CITY_IPV4_ONLY, null, null, null, 0))) {

            // when
            GeoIpResult v6Result = geo.lookup(v6);
            GeoIpResult v4Result = geo.lookup(ip("8.8.8.8"));

            // then: no location for the IPv6 address; the (IPv6-capable) bundled ASN data still answers it
            assertThat(v6Result.countryIso()).isNull();
            assertThat(v6Result.city()).isNull();
            assertThat(v6Result.latitude()).isNull();
            assertThat(v4Result.city()).isEqualTo("Amsterdam");
        }
    }

    @Test
    void shouldGiveSameResultsWhenCacheIsOnOrOff() {
        // given
        List<InetAddress> addresses = List.of(ip("8.8.8.8"), ip("8.8.4.4"), ip("81.2.69.142"), ip("129.78.5.8"),
                ip("2a00:1450:4001:80e::200e"), ip("10.0.0.1"), ip("8.8.8.8"), ip("81.2.69.142"));
        try (MaxMindGeoIp uncached = MaxMindGeoIp.open(Fixtures.bundled(0));
             MaxMindGeoIp cached = MaxMindGeoIp.open(Fixtures.bundled(4096))) {

            // when
            List<GeoIpResult> fromUncached = addresses.stream().map(uncached::lookup).toList();
            List<GeoIpResult> fromCached = addresses.stream().map(cached::lookup).toList();

            // then
            assertThat(fromCached).isEqualTo(fromUncached);
            assertThat(cached.cacheHits()).isEqualTo(2); // 8.8.8.8 and 81.2.69.142 again
            assertThat(cached.cacheMisses()).isEqualTo(addresses.size() - 2);
            assertThat(uncached.cacheHits()).isZero();
            assertThat(uncached.cacheMisses()).isEqualTo(addresses.size());
            assertThat(uncached.recordCacheHits()).isZero();
            assertThat(uncached.recordCacheMisses()).isPositive();
            assertThat(cached.lookups()).isEqualTo(addresses.size());
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "45.0.0.1, false, false, false, true,  false",
            "45.0.0.2, true,  false, false, false, false",
            "45.0.0.3, false, true,  false, false, false",
            "45.0.0.4, false, false, true,  false, false",
            "45.0.0.5, false, false, false, false, true",
            "2a0b:f4c0::7, false, false, false, true, false",
            "45.0.0.6, false, false, false, false, false"})
    void shouldReportAnonymousIpFlagsWhenAnonymousIpDatabaseIsConfigured(String address, boolean vpn,
                                                                       boolean hosting, boolean proxy, boolean tor,
                                                                       boolean residential) {
        try (MaxMindGeoIp geo = MaxMindGeoIp.open(Fixtures.settings(null, null, Fixtures.ANONYMOUS_IP, null, 16))) {
            // when
            GeoIpResult result = geo.lookup(ip(address));

            // then
            assertThat(List.of(result.anonymousVpn(), result.hostingProvider(), result.publicProxy(),
                    result.torExitNode(), result.residentialProxy()))
                    .containsExactly(vpn, hosting, proxy, tor, residential);
        }
    }

    @Test
    void shouldPreferIspAsnWhenIspDatabaseIsConfigured() {
        try (MaxMindGeoIp geo = MaxMindGeoIp.open(Fixtures.settings(null, null, null, Fixtures.ISP, 16))) {
            // when
            GeoIpResult covered = geo.lookup(ip("8.8.8.8"));
            GeoIpResult notCovered = geo.lookup(ip("1.1.1.1"));

            // then
            assertThat(covered.asn()).isEqualTo(64510L);
            assertThat(covered.asOrganization()).isEqualTo("PATrol Test ISP AS");
            assertThat(covered.countryIso()).isEqualTo("US");
            assertThat(notCovered.asn()).isEqualTo(13335L);
        }
    }

    @Test
    void shouldFailWithOneLineNamingTheKeyWhenConfiguredFileIsCorrupt(@TempDir Path dir) throws IOException {
        // given
        Path corrupt = Files.writeString(dir.resolve("GeoLite2-City.mmdb"), "not a database\n".repeat(100));

        // when / then
        assertThatThrownBy(() -> MaxMindGeoIp.open(Fixtures.settings(corrupt, null, null, null, 0)))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("config key geoip.cityDatabase: " + corrupt)
                .hasMessageContaining("is not a readable MaxMind database")
                .hasMessageNotContaining("\n");
    }

    @Test
    void shouldFailWhenConfiguredFileIsOfTheWrongType() {
        // when / then
        assertThatThrownBy(() -> MaxMindGeoIp.open(Fixtures.settings(Fixtures.ASN_ALTERNATIVE, null, null, null, 0)))
                .isInstanceOf(ConfigException.class)
                .hasMessage("config key geoip.cityDatabase: " + Fixtures.ASN_ALTERNATIVE + " is a GeoLite2-ASN "
                        + "database; it must be a City database (GeoLite2-City, GeoIP2-City or GeoIP2-Enterprise)");
    }

    @Test
    void shouldReturnEmptyWhenClosed() {
        // given
        MaxMindGeoIp geo = MaxMindGeoIp.open(Fixtures.bundled(0));
        geo.close();

        // when
        GeoIpResult result = geo.lookup(ip("8.8.8.8"));

        // then
        assertThat(result).isSameAs(GeoIpResult.EMPTY);
    }

    @Test
    void shouldLogNothingAboveDebugWhenLookingUp() {
        try (LogCapture log = new LogCapture(MaxMindGeoIp.class)) {
            // when
            bundled.lookup(ip("8.8.8.8"));
            bundled.lookup(ip("10.1.2.3"));

            // then: per-record logs, and so addresses, only at DEBUG
            assertThat(log.messages(Level.INFO)).isEmpty();
            assertThat(log.messages(Level.WARN)).isEmpty();
        }
    }

    @Test
    void shouldReturnEmptyWhenAddressIsNull() {
        assertThat(bundled.lookup(null)).isSameAs(GeoIpResult.EMPTY);
    }

    @Test
    void shouldExtractBundledDataOnceWhenOpenedAgain() throws IOException {
        // given
        Path first = BundledGeoLite2.file(BundledGeoLite2.ASN);
        var modified = Files.getLastModifiedTime(first);

        // when
        Path second = BundledGeoLite2.file(BundledGeoLite2.ASN);

        // then
        assertThat(second).isEqualTo(first);
        assertThat(Files.getLastModifiedTime(second)).isEqualTo(modified);
        assertThat(first.getFileName().toString()).matches("GeoLite2-ASN\\.[0-9a-f]{8}\\.mmdb");
    }
}
