package dev.patrol.streams.detection;

/** PAT-NEWNET-02: a token (and maybe its owner) used from an ASN it has not used within the history. */
public final class FirstSeenAsn extends FirstSeenNetwork {

    public static final String RULE_ID = "PAT-NEWNET-02";

    @Override
    public String id() {
        return RULE_ID;
    }

    @Override
    public String prefix() {
        return "newasn";
    }

    @Override
    String attribute(TokenUse use) {
        Long asn = use.use().network().asn();
        return asn == null ? null : "AS" + asn;
    }

    @Override
    String describe(TokenUse use) {
        var network = use.use().network();
        return "AS" + network.asn() + (network.asOrganization() == null ? "" : " (" + network.asOrganization() + ")");
    }
}
