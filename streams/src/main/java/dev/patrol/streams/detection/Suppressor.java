package dev.patrol.streams.detection;

import dev.patrol.model.event.Finding;
import dev.patrol.model.json.JsonSerde;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorSupplier;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * Turns a storm into one alert: after a finding for a (rule, subject, network) the same triple is suppressed for
 * the rule's {@code suppressFor} window (event time), and the next finding after the window says how many were
 * suppressed in between ({@code suppressedSincePrevious}). The network part is the ASN when known, else the /24 (IPv4)
 * or /48 (IPv6), so a token hopping addresses inside one provider does not page anyone twice. The subject is the token,
 * else the user (principal name, else id); a finding with no subject and no address at all is never a repeat of
 * another.
 */
public final class Suppressor implements FixedKeyProcessorSupplier<String, Finding, Finding> {

    /** What the store remembers per suppression key. */
    public record State(Instant lastEmitted, long suppressed, String lastFindingId, int lastFingerprint) {
    }

    /** What a person would see change: severity and evidence. */
    static int fingerprint(Finding finding) {
        return java.util.Objects.hash(finding.severity(), finding.evidence());
    }

    private final String storeName;
    private final Duration window;

    public Suppressor(String storeName, Duration window) {
        this.storeName = storeName;
        this.window = window;
    }

    public StoreBuilder<KeyValueStore<String, State>> storeBuilder() {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(storeName), Serdes.String(),
                JsonSerde.of(State.class));
    }

    static String key(Finding finding) {
        var about = finding.subject();
        if (about.authorizationId() == null && about.userPrincipalName() == null && about.userId() == null
                && about.ipAddress() == null) {
            // Nothing to group repeats by (e.g. a leak discovery names a token only by its name): each finding is
            // its own key, so only an update of the same finding meets its state.
            return finding.ruleId() + "|finding:" + finding.id();
        }
        String subject = about.authorizationId() != null ? about.authorizationId()
                : about.userPrincipalName() != null ? about.userPrincipalName()
                : about.userId() != null ? "user:" + about.userId() : "";
        String network = finding.evidence().getOrDefault("asn", networkPrefix(finding.subject().ipAddress()));
        return finding.ruleId() + "|" + subject + "|" + network;
    }

    static String networkPrefix(String ip) {
        if (ip == null) {
            return "";
        }
        if (ip.indexOf(':') >= 0) {
            String[] groups = ip.split(":", -1);
            return groups.length >= 3 ? groups[0] + ":" + groups[1] + ":" + groups[2] + "::/48" : ip;
        }
        int lastDot = ip.lastIndexOf('.');
        return lastDot > 0 ? ip.substring(0, lastDot) + ".0/24" : ip;
    }

    @Override
    public FixedKeyProcessor<String, Finding, Finding> get() {
        return new FixedKeyProcessor<>() {
            private FixedKeyProcessorContext<String, Finding> context;
            private KeyValueStore<String, State> store;

            @Override
            public void init(FixedKeyProcessorContext<String, Finding> context) {
                this.context = context;
                this.store = context.getStateStore(storeName);
                // Forget keys whose window has long passed, so the store does not grow with every subject ever seen.
                context.schedule(Duration.ofMinutes(10), PunctuationType.STREAM_TIME, now -> {
                    Instant cutoff = Instant.ofEpochMilli(now).minus(window).minus(window);
                    try (var all = store.all()) {
                        all.forEachRemaining(entry -> {
                            if (entry.value.lastEmitted().isBefore(cutoff)) {
                                store.delete(entry.key);
                            }
                        });
                    }
                });
            }

            @Override
            public void process(FixedKeyRecord<String, Finding> record) {
                Finding finding = record.value();
                if (window.isZero()) {
                    context.forward(record);
                    return;
                }
                String key = key(finding);
                State state = store.get(key);
                Instant at = finding.eventTime();
                // The same finding id again is an update of the finding (e.g. its token arrived), not a repeat.
                boolean update = state != null && finding.id().equals(state.lastFindingId())
                        && fingerprint(finding) != state.lastFingerprint();
                if (!update && state != null && at.isBefore(state.lastEmitted().plus(window))
                        && !at.isBefore(state.lastEmitted())) {
                    store.put(key, new State(state.lastEmitted(), state.suppressed() + 1, state.lastFindingId(),
                            state.lastFingerprint()));
                    return;
                }
                Finding emitted = finding;
                if (state != null && state.suppressed() > 0) {
                    Map<String, String> evidence = new LinkedHashMap<>(finding.evidence());
                    evidence.put("suppressedSincePrevious", Long.toString(state.suppressed()));
                    emitted = new Finding(finding.id(), finding.ruleId(), finding.title(), finding.severity(),
                            finding.mitreAttack(), finding.organization(), finding.subject(), finding.summary(),
                            evidence, finding.eventTime(), finding.detectedAt(), finding.sourceEventIds());
                }
                if (state == null || at.isAfter(state.lastEmitted()) || update) {
                    Instant last = state == null || at.isAfter(state.lastEmitted()) ? at : state.lastEmitted();
                    store.put(key, new State(last, 0, finding.id(), fingerprint(emitted)));
                }
                context.forward(record.withValue(emitted));
            }
        };
    }
}
