package dev.patrol.streams.detection;

import dev.patrol.model.event.NetworkClass;

/** Addresses with places for the stateful detections' tests. */
final class StatefulNetworks {

    static final String AMSTERDAM = "203.0.113.7";
    static final String AMSTERDAM_SAME_24 = "203.0.113.99";
    static final String ROTTERDAM_SAME_ASN = "198.18.1.1";
    static final String UTRECHT_OTHER_ASN = "198.18.2.2";
    static final String SYDNEY = "192.0.2.50";
    static final String NEW_YORK = "192.0.2.70";
    static final String VPN_SYDNEY = "192.0.2.90";
    static final String TOKEN = "11111111-2222-4333-8444-555555555555";
    static final String OTHER_TOKEN = "22222222-2222-4333-8444-555555555555";

    private StatefulNetworks() {
    }

    static TestNetwork network() {
        return new TestNetwork().corporate("10.0.0.0/8")
                .at(AMSTERDAM, NetworkClass.PUBLIC, "NL", "Amsterdam", 52.37, 4.89, 20, 1136, "KPN")
                .at(AMSTERDAM_SAME_24, NetworkClass.PUBLIC, "NL", "Amsterdam", 52.37, 4.89, 20, 9999, "Other")
                .at(ROTTERDAM_SAME_ASN, NetworkClass.PUBLIC, "NL", "Rotterdam", 51.92, 4.48, 20, 1136, "KPN")
                .at(UTRECHT_OTHER_ASN, NetworkClass.PUBLIC, "NL", "Utrecht", 52.09, 5.12, 20, 33915, "Ziggo")
                .at(SYDNEY, NetworkClass.PUBLIC, "AU", "Sydney", -33.87, 151.21, 20, 1221, "Telstra")
                .at(NEW_YORK, NetworkClass.PUBLIC, "US", "New York", 40.71, -74.01, 1000, 701, "Verizon")
                .at(VPN_SYDNEY, NetworkClass.ANONYMIZER, "AU", "Sydney", -33.87, 151.21, 20, 9009, "M247");
    }
}
