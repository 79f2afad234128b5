package dev.patrol.streams.detection;

import dev.patrol.model.json.JsonSerde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Repartitioned;

/** Who a use is attributed to for per-person state: the acting user id, else UPN, else the token owner. */
public final class Owners {

    /** The repartition topic (without the application id) that {@link #byOwner} reads through. */
    public static final String REPARTITION = "token-use-by-owner";

    private Owners() {
    }

    static String of(TokenUse use) {
        var actor = use.event().actor();
        if (actor.userId() != null && !actor.userId().isBlank()) {
            return "user:" + actor.userId();
        }
        if (actor.userPrincipalName() != null) {
            return "upn:" + actor.userPrincipalName().toLowerCase(java.util.Locale.ROOT);
        }
        return use.token() != null ? "owner:" + use.token().owner().descriptor() : "unknown";
    }

    /**
     * The token uses GeoIP could place (an AS number, a country or a location) re-keyed by {@link #of owner}
     * through one repartition. Built once and shared by the detections that keep state per person (first-seen ASN
     * and country, impossible travel): each filters what it needs afterwards, instead of each writing its own copy.
     */
    public static KStream<String, TokenUse> byOwner(KStream<String, TokenUse> tokenUses) {
        return tokenUses
                .filter((token, use) -> {
                    var network = use.use().network();
                    return network.asn() != null || network.countryIso() != null || network.hasLocation();
                }, Named.as(REPARTITION + "-placed-only"))
                .selectKey((token, use) -> of(use), Named.as(REPARTITION + "-key"))
                .repartition(Repartitioned.<String, TokenUse>as(REPARTITION)
                        .withKeySerde(Serdes.String()).withValueSerde(JsonSerde.of(TokenUse.class)));
    }
}
