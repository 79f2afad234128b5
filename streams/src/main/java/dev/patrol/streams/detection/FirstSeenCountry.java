package dev.patrol.streams.detection;

/** PAT-NEWCOUNTRY-03: a token (and maybe its owner) used from a country it has not used within the history. */
public final class FirstSeenCountry extends FirstSeenNetwork {

    public static final String RULE_ID = "PAT-NEWCOUNTRY-03";

    @Override
    public String id() {
        return RULE_ID;
    }

    @Override
    public String prefix() {
        return "newcountry";
    }

    @Override
    String attribute(TokenUse use) {
        return use.use().network().countryIso();
    }

    @Override
    String describe(TokenUse use) {
        var network = use.use().network();
        return "country " + network.countryIso() + (network.countryName() == null
                || network.countryName().equals(network.countryIso()) ? "" : " (" + network.countryName() + ")");
    }
}
