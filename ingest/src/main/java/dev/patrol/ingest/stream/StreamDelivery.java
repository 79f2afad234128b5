package dev.patrol.ingest.stream;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * What one accepted HTTP request from an ADO audit stream carried: the audit entries found in it, and the items of
 * the body that were not audit entries.
 *
 * @param target     which kind of stream sent it
 * @param entries    the audit entries, in the order they appear in the body; may be empty
 * @param rejected   items of the body that are not audit entries, for the dead-letter topic; may be empty
 * @param receivedAt when the receiver finished reading the body
 */
public record StreamDelivery(Target target, List<StreamedEntry> entries, List<Rejected> rejected, Instant receivedAt) {

    public StreamDelivery {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(receivedAt, "receivedAt");
        entries = List.copyOf(entries);
        rejected = List.copyOf(rejected);
    }

    /** The kind of ADO audit stream (ado-api.md §7). */
    public enum Target {
        /** ADO's "Splunk" stream, posting to an HTTP Event Collector endpoint. */
        SPLUNK_HEC("ado-stream:splunk-hec"),
        /** ADO's "Azure Event Grid" stream, delivered by an Event Grid webhook subscription. */
        EVENT_GRID("ado-stream:event-grid");

        private final String source;

        Target(String source) {
            this.source = source;
        }

        /** A stable name for where a record came from, e.g. for a dead letter's source field. */
        public String source() {
            return source;
        }
    }

    /**
     * One audit entry from a stream.
     *
     * @param entry  the entry with camelCase top-level field names as the audit query API returns them (a PascalCase
     *               Azure Monitor style payload is renamed: {@code OperationName} to {@code actionId},
     *               {@code TimeGenerated} to {@code timestamp} when there is no timestamp, other keys get a lower-case
     *               first letter; a {@code data} field holding a JSON object as a string is decoded). Ready for
     *               {@code AdoAuditEntry} parsing; do not mutate it.
     * @param asSent the same entry exactly as it sat inside the stream envelope (after only decoding a JSON string,
     *               never renamed), for the raw topic so a normalisation fix can be replayed
     */
    public record StreamedEntry(JsonNode entry, JsonNode asSent) {

        public StreamedEntry {
            Objects.requireNonNull(entry, "entry");
            Objects.requireNonNull(asSent, "asSent");
        }

        /** The entry's {@code id}, the de-duplication key (always present: the receiver checks it). */
        public String id() {
            return entry.path("id").asText();
        }
    }

    /**
     * An item of a body that is not an audit entry (an HEC event without one, an Event Grid event whose data is not
     * one, or the unparseable rest of a body). Goes to the dead-letter topic.
     *
     * @param reason  a person-readable reason that quotes no payload content
     * @param payload the item's bytes as JSON, or the raw unparseable bytes
     */
    public record Rejected(String reason, byte[] payload) {

        public Rejected {
            Objects.requireNonNull(reason, "reason");
            payload = payload.clone();
        }

        @Override
        public byte[] payload() {
            return payload.clone();
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Rejected that && reason.equals(that.reason) && Arrays.equals(payload, that.payload);
        }

        @Override
        public int hashCode() {
            return 31 * reason.hashCode() + Arrays.hashCode(payload);
        }

        /** Never the payload: this may reach a log line. */
        @Override
        public String toString() {
            return "Rejected[reason=" + reason + ", payloadBytes=" + payload.length + "]";
        }
    }
}
