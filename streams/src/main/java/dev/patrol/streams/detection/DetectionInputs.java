package dev.patrol.streams.detection;

import dev.patrol.model.event.AuditCheckpoint;
import dev.patrol.model.event.DeadLetter;
import dev.patrol.model.event.EnrichedAuditEvent;
import dev.patrol.model.event.PersonalAccessToken;
import dev.patrol.model.event.TokenLifecycleEvent;
import dev.patrol.streams.rules.RuleBook;
import java.time.Clock;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.KTable;

/**
 * What every detection builds on, created once by the composer.
 *
 * @param audit       every enriched audit event, keyed by entry id
 * @param tokenUses   PAT uses joined with the inventory, keyed by authorizationId ({@code unattributed:<userId>} when
 *                    the entry names no token), so per-token state needs no further repartition
 * @param tokens      the inventory, keyed by authorizationId
 * @param rules       every rule's settings (a detection may read another's list, e.g. sensitive operations)
 * @param clock       stamps {@code detectedAt}; fixed in tests so output can be asserted exactly
 * @param deadLetters where a detection sends records it cannot evaluate
 * @param checkpoints the audit poller's checkpoints, keyed by organization (one partition): pipeline health
 * @param lifecycle   inventory changes found by ingest's scan diff, keyed by authorizationId
 * @param tokenUsesByOwner the placed token uses re-keyed by owner ({@link Owners#byOwner}): built on first call, so
 *                    the repartition exists only when a detection that needs it is enabled, and shared by all of them
 */
public record DetectionInputs(StreamsBuilder builder, KStream<String, EnrichedAuditEvent> audit,
                              KStream<String, TokenUse> tokenUses, KTable<String, PersonalAccessToken> tokens,
                              RuleBook rules, Clock clock, Consumer<KStream<String, DeadLetter>> deadLetters,
                              KStream<String, AuditCheckpoint> checkpoints,
                              KStream<String, TokenLifecycleEvent> lifecycle,
                              Supplier<KStream<String, TokenUse>> tokenUsesByOwner) {
}
