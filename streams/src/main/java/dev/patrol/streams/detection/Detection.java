package dev.patrol.streams.detection;

import dev.patrol.model.event.Finding;
import dev.patrol.streams.rules.RuleSettings;
import org.apache.kafka.streams.kstream.KStream;

/**
 * One detection type: a rule id and the part of the topology that turns the shared inputs into findings. Its
 * instance settings (thresholds, severity, allowlist) come from the rule file. Building must be pure (no I/O);
 * every processor, store and repartition topic it creates is named {@code <prefix>-<step>}.
 */
public interface Detection {

    /** The rule id findings carry, e.g. {@code PAT-OFFNET-01}. */
    String id();

    /** A short lowercase prefix for this detection's processor and store names, e.g. {@code offnet}. */
    String prefix();

    /**
     * Adds this detection to the topology. Returns its findings keyed by a suppression subject (the composer
     * suppresses repeats per key and then re-keys by finding id); allowlisted subjects must already be dropped.
     */
    KStream<String, Finding> build(DetectionInputs inputs, RuleSettings rule);
}
