package dev.patrol.model.event;

import java.time.Instant;
import java.util.Objects;

/**
 * A record that could not be processed, with where it came from and why. The payload is kept here (so it can be
 * replayed once the cause is fixed) but never logged.
 *
 * @param sourceTopic   topic the record was read from, or the ADO endpoint for entries that never reached Kafka
 * @param partition     source partition, -1 when not from Kafka
 * @param offset        source offset, -1 when not from Kafka
 * @param stage         which step failed, e.g. {@code ingest-parse}, {@code streams-deserialize}
 * @param reason        a person-readable reason without payload content
 * @param payload       the bytes that failed (base64 in JSON)
 */
public record DeadLetter(String sourceTopic, int partition, long offset, String stage, String reason,
                         String errorClass, byte[] payload, Instant at) {

    public DeadLetter {
        Objects.requireNonNull(sourceTopic, "sourceTopic");
        Objects.requireNonNull(stage, "stage");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(at, "at");
        payload = payload == null ? null : payload.clone();
    }

    @Override
    public byte[] payload() {
        return payload == null ? null : payload.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DeadLetter d && sourceTopic.equals(d.sourceTopic) && partition == d.partition
                && offset == d.offset && stage.equals(d.stage) && reason.equals(d.reason)
                && Objects.equals(errorClass, d.errorClass) && java.util.Arrays.equals(payload, d.payload)
                && at.equals(d.at);
    }

    @Override
    public int hashCode() {
        return Objects.hash(sourceTopic, partition, offset, stage, reason, errorClass, java.util.Arrays.hashCode(payload), at);
    }

    @Override
    public String toString() {
        return "DeadLetter[" + sourceTopic + "/" + partition + "@" + offset + " stage=" + stage + " reason=" + reason + "]";
    }
}
