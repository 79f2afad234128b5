package dev.patrol.streams;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patrol.model.config.PatrolConfig;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

/** Which Streams settings an operator may change through kafka.properties / KAFKA_*, and which are fixed. */
class StreamsPropertiesTest {

    @Test
    void commitsEvery100msUnlessTheOperatorSaysOtherwise() {
        assertThat(StreamsService.properties(config(Map.of())).get(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG))
                .isEqualTo(100);
        var props = StreamsService.properties(config(Map.of("KAFKA_COMMIT_INTERVAL_MS", "1000",
                "KAFKA_MAX_TASK_IDLE_MS", "-1")));
        assertThat(props.get(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG)).isEqualTo("1000");
        assertThat(props.get(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG)).isEqualTo("-1");
    }

    @Test
    void keepsExactlyOnceAndTheApplicationIdWhateverThePassThroughSays() {
        var props = StreamsService.properties(config(Map.of("KAFKA_PROCESSING_GUARANTEE", "at_least_once",
                "KAFKA_APPLICATION_ID", "someone-else")));
        assertThat(props.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG)).isEqualTo(StreamsConfig.EXACTLY_ONCE_V2);
        assertThat(props.get(StreamsConfig.APPLICATION_ID_CONFIG)).isNotEqualTo("someone-else");
    }

    private static PatrolConfig config(Map<String, String> env) {
        var all = new java.util.HashMap<>(env);
        all.put("KAFKA_BOOTSTRAP_SERVERS", "localhost:9092");
        return PatrolConfig.load(Optional.empty(), all);
    }
}
