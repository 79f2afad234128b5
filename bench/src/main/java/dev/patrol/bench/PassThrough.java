package dev.patrol.bench;

import dev.patrol.model.config.PatrolConfig;
import dev.patrol.model.topic.Topics;
import java.util.Properties;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;

/**
 * The baseline: a Kafka Streams app that reads the audit topic and writes every record unchanged to another topic of
 * the same partition count, with the same serdes (so the JSON is decoded and encoded as the detection topology does)
 * and the same client settings as the streams service: exactly-once v2, 100 ms commit interval.
 */
final class PassThrough implements AutoCloseable {

    private final KafkaStreams streams;

    PassThrough(PatrolConfig config, String outputTopic) {
        this.streams = new KafkaStreams(topology(config.kafka().topicPrefix() + Topics.AUDIT.name(), outputTopic),
                properties(config));
    }

    static Topology topology(String inputTopic, String outputTopic) {
        var builder = new StreamsBuilder();
        builder.stream(inputTopic, Consumed.with(Topics.AUDIT.keySerde(), Topics.AUDIT.valueSerde()).withName("passthrough-source"))
                .to(outputTopic, Produced.with(Topics.AUDIT.keySerde(), Topics.AUDIT.valueSerde()).withName("passthrough-sink"));
        return builder.build();
    }

    /** As {@code StreamsService.properties}: the same guarantee and commit interval. */
    static Properties properties(PatrolConfig config) {
        Properties props = new Properties();
        props.putAll(config.kafka().clientConfig());
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, config.streams().applicationId());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.STATE_DIR_CONFIG, config.streams().stateDir().toAbsolutePath().toString());
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        return props;
    }

    void start() {
        streams.start();
    }

    KafkaStreams.State state() {
        return streams.state();
    }

    @Override
    public void close() {
        streams.close(java.time.Duration.ofSeconds(30));
    }
}
