package dev.patrol.streams.errors;

import dev.patrol.model.event.DeadLetter;
import dev.patrol.model.topic.Topics;
import dev.patrol.streams.metrics.StreamsMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A record that cannot be deserialized or evaluated becomes a {@link DeadLetter} in the dead-letter topic (written
 * in the same transaction as the rest of the task's output) and processing resumes. Logs carry coordinates and the
 * error class only, never the payload.
 */
public final class DeadLetterExceptionHandler implements DeserializationExceptionHandler, ProcessingExceptionHandler {

    /** Streams config key naming the dead-letter topic (with any prefix). */
    public static final String TOPIC_CONFIG = "patrol.deadletter.topic";
    /**
     * Streams config key holding the {@link MeterRegistry} (the object itself) that counts dead letters: Kafka Streams
     * creates this handler, so the registry reaches it through the configuration.
     */
    public static final String METER_REGISTRY_CONFIG = "patrol.deadletter.meterRegistry";
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterExceptionHandler.class);

    private String topic = Topics.DEAD_LETTERS.name();
    private MeterRegistry registry;

    /** The Streams properties that route failed records to {@code deadLetterTopic}; tests use the same ones. */
    @SuppressWarnings("deprecation") // the global-handler switch is deprecated only because 5.0 makes it the default
    public static Map<String, Object> properties(String deadLetterTopic) {
        return Map.of(
                StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterExceptionHandler.class,
                StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterExceptionHandler.class,
                // Route failures of the global thread through the same handler.
                StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true,
                TOPIC_CONFIG, deadLetterTopic);
    }

    @Override
    public void configure(Map<String, ?> configs) {
        Object configured = configs.get(TOPIC_CONFIG);
        if (configured != null) {
            topic = configured.toString();
        }
        if (configs.get(METER_REGISTRY_CONFIG) instanceof MeterRegistry meters) {
            registry = meters;
        }
    }

    private void count(ErrorHandlerContext context, String stage) {
        if (registry != null) {
            StreamsMetrics.deadLetters(registry, context.topic(), stage).increment();
        }
    }

    @Override
    public DeserializationExceptionHandler.Response handleError(ErrorHandlerContext context,
                                                                ConsumerRecord<byte[], byte[]> record, Exception exception) {
        LOG.warn("record sent to dead-letter topic: cannot deserialize topic={} partition={} offset={} error={}",
                context.topic(), context.partition(), context.offset(), exception.getClass().getSimpleName());
        count(context, "deserialize");
        return DeserializationExceptionHandler.Response.resume(List.of(
                deadLetter(context, "streams-deserialize", exception, record.value())));
    }

    @Override
    public ProcessingExceptionHandler.Response handleError(ErrorHandlerContext context, Record<?, ?> record,
                                                           Exception exception) {
        LOG.warn("record sent to dead-letter topic: processing failed topic={} partition={} offset={} processor={} error={}",
                context.topic(), context.partition(), context.offset(), context.processorNodeId(),
                exception.getClass().getSimpleName());
        count(context, "process");
        return ProcessingExceptionHandler.Response.resume(List.of(
                deadLetter(context, "streams-" + context.processorNodeId(), exception, context.sourceRawValue())));
    }

    private ProducerRecord<byte[], byte[]> deadLetter(ErrorHandlerContext context, String stage, Exception exception,
                                                      byte[] payload) {
        var letter = new DeadLetter(context.topic() == null ? "unknown" : context.topic(), context.partition(),
                context.offset(), stage, reasonOf(exception), exception.getClass().getName(), payload, Instant.now());
        String key = context.topic() + "/" + context.partition() + "@" + context.offset();
        return new ProducerRecord<>(topic, null, Instant.now().toEpochMilli(),
                Topics.DEAD_LETTERS.keySerde().serializer().serialize(topic, key),
                Topics.DEAD_LETTERS.valueSerde().serializer().serialize(topic, letter));
    }

    /** The exception's own message: JsonSerde keeps payload text out of it. */
    private static String reasonOf(Exception exception) {
        return exception.getMessage() == null ? exception.getClass().getSimpleName() : exception.getMessage();
    }
}
