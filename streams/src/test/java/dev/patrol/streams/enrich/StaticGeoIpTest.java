package dev.patrol.streams.enrich;

import static dev.patrol.streams.enrich.Fixtures.ip;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The table-driven GeoIp for tests and demos. */
class StaticGeoIpTest {

    @Test
    void shouldAnswerFromTheMostSpecificNetworkWhenNetworksNest() {
        // given: the wide network added last, so order of adding does not decide
        StaticGeoIp geo = StaticGeoIp.builder()
                .add("203.0.113.7", StaticGeoIp.SYDNEY)
                .add("203.0.113.0/26", StaticGeoIp.LONDON)
                .add("203.0.113.0/24", StaticGeoIp.AMSTERDAM)
                .build();

        // when / then
        assertThat(geo.lookup(ip("203.0.113.7"))).isEqualTo(StaticGeoIp.SYDNEY);
        assertThat(geo.lookup(ip("203.0.113.8"))).isEqualTo(StaticGeoIp.LONDON);
        assertThat(geo.lookup(ip("203.0.113.200"))).isEqualTo(StaticGeoIp.AMSTERDAM);
        assertThat(geo.lookup(ip("198.51.100.1"))).isSameAs(GeoIpResult.EMPTY);
        assertThat(geo.lookup(null)).isSameAs(GeoIpResult.EMPTY);
    }

    @Test
    void shouldPlaceDocumentationRangesInFarApartCitiesWhenUsingTheDemoTable() {
        // given
        StaticGeoIp geo = StaticGeoIp.demo();

        // when
        GeoIpResult amsterdam = geo.lookup(ip("192.0.2.10"));
        GeoIpResult sydney = geo.lookup(ip("2001:db8:2::10"));

        // then
        assertThat(amsterdam.city()).isEqualTo("Amsterdam");
        assertThat(amsterdam.hasLocation()).isTrue();
        assertThat(sydney.city()).isEqualTo("Sydney");
        assertThat(sydney.latitude()).isNegative();
        assertThat(geo.lookup(ip("203.0.113.70")).city()).isEqualTo("Frankfurt am Main");
    }
}
