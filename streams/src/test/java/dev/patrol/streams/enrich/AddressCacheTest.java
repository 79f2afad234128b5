package dev.patrol.streams.enrich;

import static dev.patrol.streams.enrich.Fixtures.ip;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AddressCacheTest {

    private static final GeoIpResult AMSTERDAM = new GeoIpResult("NL", "Netherlands", "Amsterdam", 52.37, 4.89, 20,
            1136L, "KPN", false, false, false, false, false);

    @Test
    void shouldKeepAtMostItsCapacityWhenManyAddressesAreStored() {
        // given
        AddressCache cache = new AddressCache(64);

        // when
        for (int i = 0; i < 1_000; i++) {
            cache.put(ip("198.51." + (i / 256) + "." + (i % 256)), AMSTERDAM, cache.generation());
        }

        // then: at most one extra entry per stripe from rounding the capacity up
        assertThat(cache.size()).isBetween(48, 64 + AddressCache.MAX_STRIPES);
    }

    @Test
    void shouldDropTheLeastRecentlyUsedAddressWhenFull() {
        // given
        AddressCache cache = new AddressCache(1);
        cache.put(ip("203.0.113.1"), AMSTERDAM, cache.generation());

        // when
        cache.put(ip("203.0.113.2"), GeoIpResult.EMPTY, cache.generation());

        // then
        assertThat(cache.get(ip("203.0.113.1"))).isNull();
        assertThat(cache.get(ip("203.0.113.2"))).isEqualTo(GeoIpResult.EMPTY);
    }

    @Test
    void shouldNotStoreAnAnswerWhenTheCacheWasClearedDuringItsSearch() {
        // given
        AddressCache cache = new AddressCache(16);
        cache.put(ip("203.0.113.1"), AMSTERDAM, cache.generation());
        long before = cache.generation();

        // when: a reload clears the cache while a lookup of the old data is still running
        cache.clear();
        cache.put(ip("203.0.113.2"), AMSTERDAM, before);

        // then
        assertThat(cache.get(ip("203.0.113.1"))).isNull();
        assertThat(cache.get(ip("203.0.113.2"))).isNull();
        assertThat(cache.size()).isZero();
    }
}
