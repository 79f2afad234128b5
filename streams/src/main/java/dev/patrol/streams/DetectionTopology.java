package dev.patrol.streams;

import dev.patrol.model.event.AuditEvent;
import dev.patrol.model.event.DeadLetter;
import dev.patrol.model.event.Finding;
import dev.patrol.model.event.PersonalAccessToken;
import dev.patrol.model.json.JsonSerde;
import dev.patrol.model.topic.Topics;
import dev.patrol.streams.detection.Detection;
import dev.patrol.streams.detection.DetectionInputs;
import dev.patrol.streams.detection.OffNetworkPatUse;
import dev.patrol.streams.network.NetworkModel;
import dev.patrol.streams.normalise.AuditNormaliser;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Builds the detection topology: a pure function of its settings (no I/O, no mutation of arguments). The shared
 * sources are built once; each {@link Detection} adds its branch; their findings are merged into one sink.
 */
public final class DetectionTopology {

    /** What the topology depends on. {@code topicPrefix} is prepended to every registry topic name. */
    public record Settings(NetworkModel network, String topicPrefix, Clock clock) {
    }

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

        KStream<String, AuditEvent> audit = builder
                .stream(prefix + Topics.AUDIT.name(),
                        Consumed.with(Topics.AUDIT.keySerde(), Topics.AUDIT.valueSerde()).withName("audit-source"))
                .mapValues(AuditNormaliser::normalise, Named.as("audit-normalise"));

        KTable<String, PersonalAccessToken> tokens = builder.table(prefix + Topics.TOKENS.name(),
                Consumed.with(Topics.TOKENS.keySerde(), Topics.TOKENS.valueSerde()).withName("tokens-source"),
                Materialized.<String, PersonalAccessToken, KeyValueStore<Bytes, byte[]>>as("tokens-store")
                        .withKeySerde(Serdes.String())
                        .withValueSerde(JsonSerde.of(PersonalAccessToken.class)));

        List<KStream<String, DeadLetter>> deadLetters = new ArrayList<>();
        var inputs = new DetectionInputs(audit, tokens, settings.clock(), deadLetters::add);

        KStream<String, Finding> findings = null;
        for (Detection detection : detections(settings)) {
            KStream<String, Finding> found = detection.build(inputs);
            findings = findings == null ? found : findings.merge(found, Named.as("findings-merge-" + detection.id()));
        }
        findings.to(prefix + Topics.FINDINGS.name(),
                Produced.with(Topics.FINDINGS.keySerde(), Topics.FINDINGS.valueSerde()).withName("findings-sink"));

        for (int i = 0; i < deadLetters.size(); i++) {
            deadLetters.get(i).to(prefix + Topics.DEAD_LETTERS.name(),
                    Produced.with(Topics.DEAD_LETTERS.keySerde(), Topics.DEAD_LETTERS.valueSerde())
                            .withName("deadletter-sink-" + i));
        }
        return builder.build();
    }

    /** The detections this build runs, in a fixed order. */
    static List<Detection> detections(Settings settings) {
        return List.of(new OffNetworkPatUse(settings.network()));
    }
}
