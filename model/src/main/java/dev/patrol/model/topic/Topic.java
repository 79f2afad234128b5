package dev.patrol.model.topic;

import java.util.Objects;
import org.apache.kafka.common.serialization.Serde;

/**
 * A topic with its types: the one way production code and tests name a topic and get its serdes.
 *
 * @param keyDoc   what the key is, for the README topic table
 * @param valueDoc what the value is
 */
public record Topic<K, V>(String name, Serde<K> keySerde, Serde<V> valueSerde, TopicSpec spec, Owner owner,
                          String keyDoc, String valueDoc) {

    public Topic {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(keySerde, "keySerde");
        Objects.requireNonNull(valueSerde, "valueSerde");
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(owner, "owner");
    }

    /** The same topic under a prefixed name: lets tests and several deployments share a broker. */
    public Topic<K, V> withPrefix(String prefix) {
        return prefix.isEmpty() ? this : new Topic<>(prefix + name, keySerde, valueSerde, spec, owner, keyDoc, valueDoc);
    }

    @Override
    public String toString() {
        return name;
    }
}
