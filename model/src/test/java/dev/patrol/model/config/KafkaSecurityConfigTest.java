package dev.patrol.model.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

/**
 * TLS and SASL/SCRAM reach Kafka as plain client properties through {@code KAFKA_*} variables: every kind of client
 * PATrol builds accepts them (Kafka validates them here, as it would at start), and the passwords are typed as
 * passwords, so neither Kafka's config dump nor PATrol's config shows them.
 */
class KafkaSecurityConfigTest {

    private static final String JAAS = "org.apache.kafka.common.security.scram.ScramLoginModule required "
            + "username=\"patrol\" password=\"scram-pw-5e8d1c\";";
    private static final Map<String, String> ENV = Map.of(
            "KAFKA_BOOTSTRAP_SERVERS", "kafka-1:9093,kafka-2:9093",
            "KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
            "KAFKA_SASL_MECHANISM", "SCRAM-SHA-512",
            "KAFKA_SASL_JAAS_CONFIG", JAAS,
            "KAFKA_SSL_TRUSTSTORE_LOCATION", "/etc/patrol/kafka-truststore.p12",
            "KAFKA_SSL_TRUSTSTORE_TYPE", "PKCS12",
            "KAFKA_SSL_TRUSTSTORE_PASSWORD", "truststore-pw-3a9f",
            "KAFKA_SSL_ENDPOINT_IDENTIFICATION_ALGORITHM", "https");

    @Test
    void shouldGiveEveryClientTheTlsAndScramSettingsWhenTheyComeFromKafkaVariables() {
        Map<String, Object> client = PatrolConfig.load(Optional.empty(), ENV).kafka().clientConfig();

        ProducerConfig producer = new ProducerConfig(with(client, ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class, ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class));
        ConsumerConfig consumer = new ConsumerConfig(with(client, ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class, ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class));
        AdminClientConfig admin = new AdminClientConfig(client);

        for (var config : java.util.List.of(producer, consumer, admin)) {
            assertThat(config.getList("bootstrap.servers")).containsExactly("kafka-1:9093", "kafka-2:9093");
            assertThat(config.getString("security.protocol")).isEqualTo("SASL_SSL");
            assertThat(config.getString("sasl.mechanism")).isEqualTo("SCRAM-SHA-512");
            assertThat(config.getPassword("sasl.jaas.config").value()).isEqualTo(JAAS);
            assertThat(config.getPassword("ssl.truststore.password").value()).isEqualTo("truststore-pw-3a9f");
            assertThat(config.getString("ssl.truststore.location")).isEqualTo("/etc/patrol/kafka-truststore.p12");
            assertThat(config.getString("ssl.endpoint.identification.algorithm")).isEqualTo("https");
            assertThat(config.values().toString()).doesNotContain("scram-pw-5e8d1c", "truststore-pw-3a9f");
        }
    }

    @Test
    void shouldMaskTheSaslAndTlsPasswordsWhenTheConfigIsPrinted() {
        PatrolConfig config = PatrolConfig.load(Optional.empty(), ENV);

        assertThat(config.toString()).doesNotContain("scram-pw-5e8d1c", "truststore-pw-3a9f")
                .contains("security.protocol=SASL_SSL", "sasl.jaas.config=****", "ssl.truststore.password=****");
        assertThat(config.kafka().describeClientProperties()).containsEntry("sasl.mechanism", "SCRAM-SHA-512");
    }

    private static Map<String, Object> with(Map<String, Object> base, Object... pairs) {
        Map<String, Object> out = new HashMap<>(base);
        for (int i = 0; i < pairs.length; i += 2) {
            out.put((String) pairs[i], pairs[i + 1]);
        }
        return out;
    }
}
