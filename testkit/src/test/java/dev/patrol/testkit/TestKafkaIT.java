package dev.patrol.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Guards against ITs that cannot get a broker: {@code auto} must pick a working one on any machine (here, without
 * Docker, the embedded one, quickly and without errors), and the extension must hand the same broker to static
 * fields, parameters and nested classes.
 */
@ExtendWith(KafkaExtension.class)
class TestKafkaIT {

    static TestKafka kafka;

    @Test
    void shouldRoundTripRecordWhenStartedByTheExtension(TestKafka parameter) throws Exception {
        assertThat(parameter).isSameAs(kafka);
        assertThat(kafka.kind()).isIn("embedded", "testcontainers");
        kafka.admin().createTopics(Set.of(new NewTopic("testkit-round-trip", 1, (short) 1)))
                .all().get(30, TimeUnit.SECONDS);

        try (var producer = new KafkaProducer<String, String>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class))) {
            producer.send(new ProducerRecord<>("testkit-round-trip", "key", "value")).get(30, TimeUnit.SECONDS);
        }

        List<String> values = new ArrayList<>();
        try (var consumer = new KafkaConsumer<String, String>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "testkit-it",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class))) {
            consumer.subscribe(List.of("testkit-round-trip"));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> values.add(r.value()));
                return !values.isEmpty();
            });
        }
        assertThat(values).containsExactly("value");
    }

    @Test
    void shouldNotCreateTopicsWhenProducedToUnknownTopic() throws Exception {
        // Services create their topics; both broker kinds refuse auto-creation, so a missing creation shows.
        kafka.admin().listTopics().names().get(30, TimeUnit.SECONDS);

        try (var producer = new KafkaProducer<String, String>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 2_000,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class))) {
            var send = producer.send(new ProducerRecord<>("testkit-never-created", "key", "value"));
            await().atMost(Duration.ofSeconds(10)).until(send::isDone);
        }

        assertThat(kafka.admin().listTopics().names().get(30, TimeUnit.SECONDS)).doesNotContain("testkit-never-created");
    }

    @Nested
    class WhenNested {

        @Test
        void shouldShareTheEnclosingClassBroker(TestKafka parameter) {
            assertThat(parameter).isSameAs(kafka);
        }
    }
}
