package dev.patrol.streams.detection;

import dev.patrol.model.event.Finding;
import org.apache.kafka.streams.kstream.KStream;

/**
 * One detection: a rule id and the part of the topology that turns the shared inputs into findings. Building must
 * be pure (no I/O); every processor, store and repartition topic it creates is named {@code <prefix>-<step>}.
 */
public interface Detection {

    /** The rule id findings carry, e.g. {@code PAT-OFFNET-01}. */
    String id();

    /** Adds this detection to the topology; returns its findings keyed by finding id. */
    KStream<String, Finding> build(DetectionInputs inputs);
}
