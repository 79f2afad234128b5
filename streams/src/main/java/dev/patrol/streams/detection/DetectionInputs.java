package dev.patrol.streams.detection;

import dev.patrol.model.event.AuditEvent;
import dev.patrol.model.event.DeadLetter;
import dev.patrol.model.event.PersonalAccessToken;
import java.time.Clock;
import java.util.function.Consumer;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.KTable;

/**
 * What every detection builds on, created once by the composer: normalised audit events keyed by entry id, and
 * the PAT inventory as a table keyed by {@code authorizationId}.
 *
 * @param clock       stamps {@code detectedAt}; fixed in tests so output can be asserted exactly
 * @param deadLetters where a detection sends records it cannot evaluate (each call adds a branch to the DLQ sink)
 */
public record DetectionInputs(KStream<String, AuditEvent> audit, KTable<String, PersonalAccessToken> tokens,
                              Clock clock, Consumer<KStream<String, DeadLetter>> deadLetters) {
}
