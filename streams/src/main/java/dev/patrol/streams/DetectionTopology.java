package dev.patrol.streams;

import dev.patrol.model.event.AuditCheckpoint;
import dev.patrol.model.event.DeadLetter;
import dev.patrol.model.event.EnrichedAuditEvent;
import dev.patrol.model.event.Finding;
import dev.patrol.model.event.NetworkClass;
import dev.patrol.model.event.OrgUser;
import dev.patrol.model.event.PersonalAccessToken;
import dev.patrol.model.event.TokenLifecycleEvent;
import dev.patrol.model.json.JsonSerde;
import dev.patrol.model.topic.Topics;
import dev.patrol.streams.detection.AddressEnricher;
import dev.patrol.streams.detection.Detection;
import dev.patrol.streams.detection.DetectionInputs;
import dev.patrol.streams.detection.Detections;
import dev.patrol.streams.detection.FindingObserver;
import dev.patrol.streams.detection.Owners;
import dev.patrol.streams.detection.Suppressor;
import dev.patrol.streams.detection.TokenHygiene;
import dev.patrol.streams.detection.TokenUse;
import dev.patrol.streams.errors.ToDeadLetter;
import dev.patrol.streams.normalise.AuditNormaliser;
import dev.patrol.streams.rules.RuleBook;
import dev.patrol.streams.rules.RuleSettings;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.GlobalKTable;
import org.apache.kafka.streams.kstream.Joined;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Builds the detection topology: a pure function of its settings (no I/O, no mutation of arguments).
 *
 * <pre>
 * audit ─ normalise ─ enrich ─┬──────────────────────────────────────────────▶ detections on every event
 *                             └ PAT only ─ key by authorizationId ─ join tokens ▶ detections on token uses
 * detections ─ allowlist ─ suppress repeats ─ key by finding id ─▶ findings
 * </pre>
 * The shared sources are built once; each {@link Detection} adds its branch.
 */
public final class DetectionTopology {

    /** What the topology depends on. {@code topicPrefix} is prepended to every registry topic name. */
    public record Settings(AddressEnricher enricher, RuleBook rules, String topicPrefix, Clock clock,
                           FindingObserver observer) {

        public Settings(AddressEnricher enricher, RuleBook rules, String topicPrefix, Clock clock) {
            this(enricher, rules, topicPrefix, clock, FindingObserver.NONE);
        }
    }

    /** Key of PAT uses whose entry names no token: grouped by acting user instead. */
    public static final String UNATTRIBUTED_PREFIX = "unattributed:";

    private DetectionTopology() {
    }

    @SuppressWarnings("deprecation") // the global-handler switch is deprecated only because 5.0 makes it the default
    public static Topology build(Settings settings) {
        Properties namingRules = new Properties();
        namingRules.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        // Every store, processor and repartition topic must carry a name we chose, so a refactoring cannot
        // silently rename state and orphan it.
        namingRules.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, true);
        namingRules.put(StreamsConfig.APPLICATION_ID_CONFIG, "topology-build");
        namingRules.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        var builder = new StreamsBuilder(new TopologyConfig(new StreamsConfig(namingRules)));
        String prefix = settings.topicPrefix();
        RuleBook rules = settings.rules();
        List<Detection> detections = Detections.all();
        rules.requireKnown(detections.stream().map(Detection::id).collect(Collectors.toSet()));

        KStream<String, EnrichedAuditEvent> audit = builder
                .stream(prefix + Topics.AUDIT.name(),
                        Consumed.with(Topics.AUDIT.keySerde(), Topics.AUDIT.valueSerde()).withName("audit-source"))
                .mapValues(AuditNormaliser::normalise, Named.as("audit-normalise"))
                .mapValues(event -> new EnrichedAuditEvent(event, settings.enricher().enrich(event.ipAddress())),
                        Named.as("audit-enrich"));

        KTable<String, PersonalAccessToken> tokens = builder.table(prefix + Topics.TOKENS.name(),
                Consumed.with(Topics.TOKENS.keySerde(), Topics.TOKENS.valueSerde()).withName("tokens-source"),
                Materialized.<String, PersonalAccessToken, KeyValueStore<Bytes, byte[]>>as("tokens-store")
                        .withKeySerde(Serdes.String())
                        .withValueSerde(JsonSerde.of(PersonalAccessToken.class)));

        GlobalKTable<String, OrgUser> users = builder.globalTable(prefix + Topics.USERS.name(),
                Consumed.with(Topics.USERS.keySerde(), Topics.USERS.valueSerde()).withName("users-source"),
                Materialized.<String, OrgUser, KeyValueStore<Bytes, byte[]>>as(TokenHygiene.USERS_STORE)
                        .withKeySerde(Serdes.String()).withValueSerde(JsonSerde.of(OrgUser.class)));

        KStream<String, TokenUse> tokenUses = audit
                .filter((id, enriched) -> enriched.event().mechanism().isPat(), Named.as("token-use-pat-only"))
                .selectKey((id, enriched) -> enriched.event().mechanism().authorizationId()
                        .orElse(UNATTRIBUTED_PREFIX + nullToEmpty(enriched.event().actor().userId())),
                        Named.as("token-use-key-by-token"))
                .repartition(Repartitioned.<String, EnrichedAuditEvent>as("token-use-by-token")
                        .withKeySerde(Serdes.String()).withValueSerde(JsonSerde.of(EnrichedAuditEvent.class)))
                .leftJoin(tokens, (EnrichedAuditEvent enriched, PersonalAccessToken token) -> new TokenUse(enriched, token),
                        Joined.with(Serdes.String(), JsonSerde.of(EnrichedAuditEvent.class), null, "token-use-join-token"))
                // Owners are few: a global table joins them without another repartition.
                .leftJoin(users, (token, use) -> use.token() == null ? null
                                : OrgUser.key(use.token().organization(), use.token().owner().descriptor()),
                        (use, owner) -> owner == null ? use : use.withOwner(owner), Named.as("token-use-join-owner"));

        List<KStream<String, DeadLetter>> deadLetters = new ArrayList<>();
        // An address that is not an IP literal is judged by no detection; keep it for a person to look at.
        deadLetters.add(audit
                .filter((id, enriched) -> enriched.network().networkClass() == NetworkClass.INVALID,
                        Named.as("audit-invalid-address"))
                .processValues(new ToDeadLetter<EnrichedAuditEvent>("audit-enrich", "ipAddress is not an IP literal"),
                        Named.as("audit-invalid-address-dead-letter")));
        KStream<String, AuditCheckpoint> checkpoints = builder.stream(prefix + Topics.INGEST_CHECKPOINTS.name(),
                Consumed.with(Topics.INGEST_CHECKPOINTS.keySerde(), Topics.INGEST_CHECKPOINTS.valueSerde())
                        .withName("checkpoints-source"));
        KStream<String, TokenLifecycleEvent> lifecycle = builder.stream(prefix + Topics.TOKEN_LIFECYCLE.name(),
                Consumed.with(Topics.TOKEN_LIFECYCLE.keySerde(), Topics.TOKEN_LIFECYCLE.valueSerde())
                        .withName("lifecycle-source"));
        var inputs = new DetectionInputs(builder, audit, tokenUses, tokens, rules, settings.clock(), deadLetters::add,
                checkpoints, lifecycle, once(() -> Owners.byOwner(tokenUses)));

        // Each detection writes its findings with a sink of its own. Merging them into one stream before a single
        // sink would connect every branch into one sub-topology: one task per partition reading all ~17 input
        // topics, and Kafka Streams (4.3) formats a log line for every empty input partition each time it picks a
        // record (PartitionGroup.readyToProcess), about a sixth of the stream thread in the benchmark's profile.
        FindingObserver observer = settings.observer();
        for (Detection detection : detections) {
            RuleSettings rule = rules.rule(detection.id());
            if (!rule.enabled()) {
                continue;
            }
            Duration suppressFor = rule.duration("suppressFor", Duration.ofHours(1));
            var suppressor = new Suppressor(detection.prefix() + "-suppress-store", suppressFor);
            builder.addStateStore(suppressor.storeBuilder());
            detection.build(inputs, rule)
                    .processValues(suppressor, Named.as(detection.prefix() + "-suppress"), detection.prefix() + "-suppress-store")
                    .selectKey((key, finding) -> finding.id(), Named.as(detection.prefix() + "-key-by-finding"))
                    .peek((id, finding) -> observer.onFinding(finding), Named.as(detection.prefix() + "-findings-observe"))
                    .to(prefix + Topics.FINDINGS.name(), Produced.with(Topics.FINDINGS.keySerde(), Topics.FINDINGS.valueSerde())
                            .withName(detection.prefix() + "-findings-sink"));
        }
        rules.requireAllParametersRead();
        for (int i = 0; i < deadLetters.size(); i++) {
            deadLetters.get(i).peek((id, letter) -> observer.onDeadLetter(letter), Named.as("deadletter-observe-" + i))
                    .to(prefix + Topics.DEAD_LETTERS.name(),
                    Produced.with(Topics.DEAD_LETTERS.keySerde(), Topics.DEAD_LETTERS.valueSerde())
                            .withName("deadletter-sink-" + i));
        }
        return builder.build();
    }

    /** {@code build}'s result, built on the first call and the same afterwards. */
    private static <T> Supplier<T> once(Supplier<T> build) {
        var built = new ArrayList<T>(1);
        return () -> {
            if (built.isEmpty()) {
                built.add(build.get());
            }
            return built.get(0);
        };
    }

    private static String nullToEmpty(String value) {
        return value == null ? "" : value;
    }
}
