package dev.patrol.streams.errors;

import dev.patrol.model.event.DeadLetter;
import dev.patrol.model.json.Json;
import java.time.Instant;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorSupplier;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/**
 * Turns a record a detection cannot evaluate into a {@link DeadLetter} carrying the source coordinates (topic,
 * partition, offset) from the record context, the step and the reason. The value is kept as JSON payload.
 */
public final class ToDeadLetter<V> implements FixedKeyProcessorSupplier<String, V, DeadLetter> {

    private final String stage;
    private final String reason;

    public ToDeadLetter(String stage, String reason) {
        this.stage = stage;
        this.reason = reason;
    }

    @Override
    public FixedKeyProcessor<String, V, DeadLetter> get() {
        return new FixedKeyProcessor<>() {
            private FixedKeyProcessorContext<String, DeadLetter> context;

            @Override
            public void init(FixedKeyProcessorContext<String, DeadLetter> context) {
                this.context = context;
            }

            @Override
            public void process(FixedKeyRecord<String, V> record) {
                var metadata = context.recordMetadata();
                byte[] payload;
                try {
                    payload = Json.mapper().writeValueAsBytes(record.value());
                } catch (Exception e) {
                    payload = null;
                }
                var letter = new DeadLetter(
                        metadata.map(m -> m.topic()).orElse("unknown"),
                        metadata.map(m -> m.partition()).orElse(-1),
                        metadata.map(m -> m.offset()).orElse(-1L),
                        stage, reason, null, payload, Instant.ofEpochMilli(record.timestamp()));
                context.forward(record.withValue(letter));
            }
        };
    }
}
