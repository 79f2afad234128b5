package dev.patrol.model.json;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A Kafka serde for JSON records, backed by {@link Json#mapper()}.
 *
 * <p>A payload that does not parse raises {@link SerializationException} with the target type but never the
 * payload itself, so a dead-letter handler can log the coordinates without leaking data.
 */
public final class JsonSerde<T> implements Serde<T>, Serializer<T>, Deserializer<T> {

    private final JavaType type;
    private final ObjectMapper mapper;

    private JsonSerde(JavaType type) {
        this.mapper = Json.mapper();
        this.type = type;
    }

    public static <T> JsonSerde<T> of(Class<T> type) {
        return new JsonSerde<>(Json.mapper().constructType(type));
    }

    @Override
    public byte[] serialize(String topic, T data) {
        if (data == null) {
            return null;
        }
        try {
            return mapper.writeValueAsBytes(data);
        } catch (IOException e) {
            throw new SerializationException("cannot write " + type.getRawClass().getSimpleName() + " as JSON", e);
        }
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        try {
            return mapper.readValue(data, type);
        } catch (IOException | IllegalArgumentException e) {
            // Jackson's message quotes part of the input; keep only the location and the reason class.
            throw new SerializationException("not a valid " + type.getRawClass().getSimpleName() + " ("
                    + e.getClass().getSimpleName() + ")", e);
        }
    }

    @Override
    public Serializer<T> serializer() {
        return this;
    }

    @Override
    public Deserializer<T> deserializer() {
        return this;
    }

    @Override
    public void configure(java.util.Map<String, ?> configs, boolean isKey) {
        // configured by construction
    }

    @Override
    public void close() {
        // nothing to release
    }
}
