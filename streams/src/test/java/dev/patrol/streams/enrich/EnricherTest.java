package dev.patrol.streams.enrich;

import static dev.patrol.streams.enrich.Fixtures.ip;
import static org.assertj.core.api.Assertions.assertThat;

import dev.patrol.model.config.PatrolConfig.NetworkSettings;
import dev.patrol.model.event.NetworkClass;
import dev.patrol.model.event.NetworkContext;
import dev.patrol.model.net.Cidr;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** From the address text of an audit event to its network context. */
class EnricherTest {

    static final GeoIpResult GOOGLE = GeoIpResult.location("US", "United States", null, 37.751, -97.822, 1000)
            .withAsn(15169, "Google LLC");

    final Enricher enricher = new Enricher(
            StaticGeoIp.builder()
                    .add("8.8.8.0/24", GOOGLE)
                    .add("2001:db8:1::/48", StaticGeoIp.AMSTERDAM)
                    .add("10.20.0.0/16", StaticGeoIp.SYDNEY)
                    .build(),
            NetworkClassifier.from(NetworkSettings.corporate(List.of(Cidr.parse("10.20.0.0/16")))));

    @Test
    void shouldBeMissingWhenEventHasNoAddress() {
        // when
        NetworkContext context = enricher.enrich(Optional.empty());

        // then
        assertThat(context).isEqualTo(new NetworkContext(null, NetworkClass.MISSING, null, null, null, null, null,
                null, null, null));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "\t"})
    void shouldBeMissingWhenAddressIsBlank(String blank) {
        assertThat(enricher.enrich(Optional.of(blank)).networkClass()).isEqualTo(NetworkClass.MISSING);
    }

    @ParameterizedTest
    @ValueSource(strings = {"not-an-ip", "localhost", "dev.azure.com", "999.1.1.1", "1.2.3", "1.2.3.4.5",
            "2001:db8::1::2", "fe80::1%eth0", "10.0.0.1/8"})
    void shouldBeInvalidWithTheTextKeptWhenAddressIsNotAnIpLiteral(String text) {
        // when
        NetworkContext context = enricher.enrich(Optional.of(text));

        // then
        assertThat(context).isEqualTo(new NetworkContext(text, NetworkClass.INVALID, null, null, null, null, null,
                null, null, null));
    }

    @Test
    void shouldCopyGeoIpFieldsWhenAddressIsKnown() {
        // when
        NetworkContext context = enricher.enrich(Optional.of(" 8.8.8.8 "));

        // then
        assertThat(context).isEqualTo(new NetworkContext("8.8.8.8", NetworkClass.PUBLIC, "US", "United States", null,
                37.751, -97.822, 1000, 15169L, "Google LLC"));
    }

    @Test
    void shouldEnrichIpv4MappedIpv6AsTheIpv4AddressWhenAdoWritesItThatWay() {
        // when
        NetworkContext mapped = enricher.enrich(Optional.of("::ffff:8.8.8.8"));

        // then
        assertThat(mapped).isEqualTo(enricher.enrich(Optional.of("8.8.8.8")));
    }

    @Test
    void shouldKeepLocationOfCorporateAddressWhenDataHasOne() {
        // when
        NetworkContext context = enricher.enrich(Optional.of("10.20.3.4"));

        // then: travel between offices is still travel
        assertThat(context.networkClass()).isEqualTo(NetworkClass.CORPORATE);
        assertThat(context.city()).isEqualTo("Sydney");
    }

    @ParameterizedTest
    @CsvSource({
            "2001:0DB8:0001:0000:0000:0000:0000:0001, 2001:db8:1::1",
            "[2001:db8:1::1],                         2001:db8:1::1",
            "2001:db8:0:1:0:0:0:1,                    2001:db8:0:1::1",
            "2001:db8:0:0:1:0:0:1,                    2001:db8::1:0:0:1",
            "2001:db8:1:2:3:4:5:0,                    2001:db8:1:2:3:4:5:0",
            "0:0:0:0:0:0:0:0,                         ::",
            "::1,                                     ::1",
            "1::,                                     1::",
            "2001:db8:1:0:1:2:3:4,                    2001:db8:1:0:1:2:3:4"})
    void shouldWriteIpv6InRfc5952FormWhenEnriching(String written, String canonical) {
        assertThat(enricher.enrich(Optional.of(written)).ip()).isEqualTo(canonical);
    }

    @Test
    void shouldGiveEmptyGeoFieldsWhenDataDoesNotKnowTheAddress() {
        // when
        NetworkContext context = enricher.enrich(Optional.of("81.2.69.142"));

        // then
        assertThat(context).isEqualTo(new NetworkContext("81.2.69.142", NetworkClass.PUBLIC, null, null, null, null,
                null, null, null, null));
    }

    @Test
    void shouldLookUpIpv6InStaticTableWhenAddressIsIpv6() {
        assertThat(enricher.enrich(Optional.of("2001:db8:1::42")).city()).isEqualTo("Amsterdam");
        assertThat(ip("2001:db8:1::42")).isNotNull();
    }
}
