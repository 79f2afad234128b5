package dev.patrol.streams.detection;

import dev.patrol.model.event.PersonalAccessToken;
import dev.patrol.model.json.JsonSerde;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;

/**
 * Either a token use or a token arriving in the inventory, on one token-keyed stream: what a detection needs to
 * revisit a use whose token the inventory did not list yet (ingest scans the inventory periodically, so a token
 * created after the last scan is "unknown" for a while).
 */
public record GraceSignal(TokenUse use, PersonalAccessToken arrived) {

    /**
     * The detection's token uses merged with the inventory's changes, both keyed by authorizationId. Both sources are
     * partitioned alike (the token-use repartition topic takes the tokens topic's partition count), so a processor
     * with a store sees a token's uses and its arrival in the same task.
     */
    static KStream<String, GraceSignal> merged(DetectionInputs inputs, KStream<String, TokenUse> uses, String prefix) {
        KStream<String, GraceSignal> arrivals = inputs.tokens().toStream(Named.as(prefix + "-token-changes"))
                .filter((id, token) -> token != null, Named.as(prefix + "-token-arrivals"))
                .mapValues(token -> new GraceSignal(null, token), Named.as(prefix + "-arrival-signal"));
        return uses.mapValues(use -> new GraceSignal(use, null), Named.as(prefix + "-use-signal"))
                .merge(arrivals, Named.as(prefix + "-signals"));
    }

    static JsonSerde<GraceSignal> serde() {
        return JsonSerde.of(GraceSignal.class);
    }
}
