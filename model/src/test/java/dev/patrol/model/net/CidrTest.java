package dev.patrol.model.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CidrTest {

    @ParameterizedTest
    @CsvSource({
            "10.0.0.0/8,        10.255.1.2,          true",
            "10.0.0.0/8,        11.0.0.1,            false",
            "198.51.100.0/24,   198.51.100.255,      true",
            "198.51.100.0/25,   198.51.100.128,      false",
            "0.0.0.0/0,         203.0.113.7,         true",
            "2001:db8:c0::/48,  2001:db8:c0:1::5,    true",
            "2001:db8:c0::/48,  2001:db8:c1::5,      false",
            "2001:db8::/32,     10.0.0.1,            false",
            "10.0.0.0/8,        ::ffff:10.1.2.3,     true",
            "192.0.2.1,         192.0.2.1,           true",
            "192.0.2.1,         192.0.2.2,           false",
    })
    void shouldMatchAddressesInsideTheNetworkOnly(String cidr, String ip, boolean inside) {
        InetAddress address = IpAddresses.parse(ip).orElseThrow();

        assertThat(Cidr.parse(cidr).contains(address)).isEqualTo(inside);
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.0/33", "10.1.2.3/8", "nonsense", "10.0.0.0/x", "2001:db8::/129", ""})
    void shouldRejectWithReasonWhenCidrIsInvalid(String text) {
        assertThatThrownBy(() -> Cidr.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + text + "'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"example.com", "localhost", "256.1.1.1", "1.2.3", "", "1.2.3.4.5", "fe80::1%eth0"})
    void shouldNotParseWhenTextIsNotALiteral(String text) {
        assertThat(IpAddresses.parse(text)).isEmpty();
    }

    @Test
    void shouldParseBracketedIpv6() {
        assertThat(IpAddresses.parse("[2001:db8::1]")).isPresent();
    }
}
