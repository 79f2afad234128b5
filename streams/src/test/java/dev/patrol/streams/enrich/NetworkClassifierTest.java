package dev.patrol.streams.enrich;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patrol.model.config.PatrolConfig.NetworkSettings;
import dev.patrol.model.event.NetworkClass;
import dev.patrol.model.event.NetworkContext;
import dev.patrol.model.net.Cidr;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The precedence of network classes: MISSING, INVALID, CORPORATE, VPN_EGRESS, PRIVATE, RESERVED, TOR, ANONYMIZER,
 * TRUSTED_ASN, HOSTING, PUBLIC. Each row gives an address what the GeoIP data would say about it, so the table also
 * shows which signal wins when two apply.
 */
class NetworkClassifierTest {

    static final long TRUSTED = 64501;
    static final long HOSTING = 64502;
    static final long ANONYMIZER = 64503;
    static final GeoIpResult NOTHING = GeoIpResult.EMPTY;
    static final GeoIpResult TOR_FLAG = flags(false, false, false, true, false);
    static final GeoIpResult VPN_FLAG = flags(true, false, false, false, false);
    static final GeoIpResult HOSTING_FLAG = flags(false, true, false, false, false);
    static final GeoIpResult PROXY_FLAG = flags(false, false, true, false, false);
    static final GeoIpResult RESIDENTIAL_FLAG = flags(false, false, false, false, true);

    @TempDir
    static Path dir;
    static NetworkClassifier classifier;

    @BeforeAll
    static void setUp() throws IOException {
        Path torList = Files.writeString(dir.resolve("tor.txt"), "45.0.0.9\n2a0b:f4c0::9\n");
        classifier = NetworkClassifier.from(new NetworkSettings(
                cidrs("10.20.0.0/16", "198.51.100.0/24", "2001:db8:c0::/48"),
                cidrs("203.0.113.0/25", "100.64.1.0/24"),
                List.of(TRUSTED), List.of(HOSTING), List.of(ANONYMIZER), Optional.of(torList)));
    }

    static Stream<Arguments> precedence() {
        return Stream.of(
                row(null, NOTHING, NetworkClass.MISSING),
                row("not-an-address", NOTHING, NetworkClass.INVALID),
                row("10.20.1.1", NOTHING, NetworkClass.CORPORATE),              // corporate beats private
                row("198.51.100.7", NOTHING, NetworkClass.CORPORATE),           // corporate beats reserved
                row("2001:db8:c0::5", NOTHING, NetworkClass.CORPORATE),
                row("10.20.1.1", TOR_FLAG, NetworkClass.CORPORATE),             // corporate beats the data
                row("203.0.113.9", NOTHING, NetworkClass.VPN_EGRESS),           // VPN egress beats reserved
                row("100.64.1.1", NOTHING, NetworkClass.VPN_EGRESS),            // ... and private
                row("203.0.113.9", HOSTING_FLAG.withAsn(HOSTING, "Cloud"), NetworkClass.VPN_EGRESS),
                row("10.1.1.1", NOTHING, NetworkClass.PRIVATE),
                row("172.16.5.4", NOTHING, NetworkClass.PRIVATE),
                row("192.168.1.1", NOTHING, NetworkClass.PRIVATE),
                row("100.64.0.1", NOTHING, NetworkClass.PRIVATE),               // CGNAT
                row("127.0.0.1", NOTHING, NetworkClass.PRIVATE),
                row("169.254.10.10", NOTHING, NetworkClass.PRIVATE),
                row("::1", NOTHING, NetworkClass.PRIVATE),
                row("fe80::1", NOTHING, NetworkClass.PRIVATE),
                row("fd12:3456::1", NOTHING, NetworkClass.PRIVATE),
                row("10.1.1.1", TOR_FLAG, NetworkClass.PRIVATE),                // private beats the data
                row("192.0.2.1", NOTHING, NetworkClass.RESERVED),
                row("198.51.99.255", NOTHING, NetworkClass.PUBLIC),             // just outside TEST-NET-2
                row("203.0.113.200", NOTHING, NetworkClass.RESERVED),           // outside the VPN half
                row("198.18.0.1", NOTHING, NetworkClass.RESERVED),
                row("0.0.0.0", NOTHING, NetworkClass.RESERVED),
                row("224.0.0.251", NOTHING, NetworkClass.RESERVED),
                row("255.255.255.255", NOTHING, NetworkClass.RESERVED),
                row("2001:db8::1", NOTHING, NetworkClass.RESERVED),
                row("3fff::1", NOTHING, NetworkClass.RESERVED),
                row("ff02::1", NOTHING, NetworkClass.RESERVED),
                row("::", NOTHING, NetworkClass.RESERVED),
                row("64:ff9b::808:808", NOTHING, NetworkClass.RESERVED),         // outside global unicast
                row("192.0.2.1", TOR_FLAG, NetworkClass.RESERVED),              // reserved beats the data
                row("45.0.0.9", NOTHING, NetworkClass.TOR),                     // from the exit list
                row("2a0b:f4c0::9", NOTHING, NetworkClass.TOR),
                row("8.8.4.4", TOR_FLAG, NetworkClass.TOR),                     // from Anonymous-IP data
                row("45.0.0.9", NOTHING.withAsn(ANONYMIZER, "VPN Co"), NetworkClass.TOR),
                row("8.8.4.4", TOR_FLAG.withFlags(true, true, true, true, true), NetworkClass.TOR),
                row("8.8.4.4", NOTHING.withAsn(ANONYMIZER, "VPN Co"), NetworkClass.ANONYMIZER),
                row("8.8.4.4", VPN_FLAG, NetworkClass.ANONYMIZER),
                row("8.8.4.4", PROXY_FLAG, NetworkClass.ANONYMIZER),
                row("8.8.4.4", RESIDENTIAL_FLAG, NetworkClass.ANONYMIZER),
                row("8.8.4.4", HOSTING_FLAG.withAsn(ANONYMIZER, "VPN Co"), NetworkClass.ANONYMIZER),
                row("8.8.4.4", NOTHING.withAsn(HOSTING, "Cloud"), NetworkClass.HOSTING),
                row("8.8.4.4", HOSTING_FLAG, NetworkClass.HOSTING),
                row("8.8.4.4", HOSTING_FLAG.withAsn(TRUSTED, "Our CI"), NetworkClass.TRUSTED_ASN),
                row("8.8.4.4", NOTHING.withAsn(TRUSTED, "Our CI"), NetworkClass.TRUSTED_ASN),
                row("2a00:1450::1", NOTHING.withAsn(TRUSTED, "Our CI"), NetworkClass.TRUSTED_ASN),
                row("8.8.4.4", NOTHING, NetworkClass.PUBLIC),
                row("8.8.4.4", NOTHING.withAsn(15169, "Google LLC"), NetworkClass.PUBLIC),
                row("2001:4860:4860::8888", NOTHING, NetworkClass.PUBLIC),
                row("2001::1", NOTHING, NetworkClass.PUBLIC),                   // Teredo is routable
                row("2002:c000:204::1", NOTHING, NetworkClass.PUBLIC));         // 6to4 too
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @MethodSource("precedence")
    void shouldClassifyByPrecedenceWhenSignalsCombine(String address, GeoIpResult geo, NetworkClass expected) {
        // given: the address maps to exactly this GeoIP answer
        GeoIp geoIp = address == null || address.startsWith("not")
                ? StaticGeoIp.builder().build()
                : StaticGeoIp.builder().add(address, geo).build();
        Enricher enricher = new Enricher(geoIp, classifier);

        // when
        NetworkContext context = enricher.enrich(Optional.ofNullable(address));

        // then
        assertThat(context.networkClass()).isEqualTo(expected);
    }

    @Test
    void shouldCoverEveryNetworkClassWhenPrecedenceTableIsComplete() {
        // when
        Set<NetworkClass> covered = precedence()
                .map(arguments -> (NetworkClass) arguments.get()[2])
                .collect(Collectors.toCollection(() -> EnumSet.noneOf(NetworkClass.class)));

        // then: a new class needs rows here
        assertThat(covered).containsExactlyInAnyOrder(NetworkClass.values());
    }

    @ParameterizedTest
    @CsvSource({"192.0.2.0/24, RESERVED", "10.0.0.0/8, PRIVATE", "fd00::/8, PRIVATE"})
    void shouldPreferConfiguredCorporateNetworkWhenItIsASpecialRange(String cidr, NetworkClass without) {
        // given
        NetworkClassifier plain = NetworkClassifier.from(NetworkSettings.corporate(List.of()));
        NetworkClassifier configured = NetworkClassifier.from(NetworkSettings.corporate(cidrs(cidr)));
        var address = Fixtures.ip(cidr.substring(0, cidr.indexOf('/')).replace("::", "::1"));

        // when
        NetworkClass before = plain.classify(address, GeoIpResult.EMPTY);
        NetworkClass after = configured.classify(address, GeoIpResult.EMPTY);

        // then
        assertThat(before).isEqualTo(without);
        assertThat(after).isEqualTo(NetworkClass.CORPORATE);
    }

    @Test
    void shouldTreatNullGeoAsNothingKnownWhenClassifying() {
        assertThat(classifier.classify(Fixtures.ip("8.8.4.4"), null)).isEqualTo(NetworkClass.PUBLIC);
    }

    static Arguments row(String address, GeoIpResult geo, NetworkClass expected) {
        return Arguments.of(address, geo, expected);
    }

    static GeoIpResult flags(boolean vpn, boolean hosting, boolean proxy, boolean tor, boolean residential) {
        return GeoIpResult.EMPTY.withFlags(vpn, hosting, proxy, tor, residential);
    }

    static List<Cidr> cidrs(String... texts) {
        return Arrays.stream(texts).map(Cidr::parse).toList();
    }
}
