package dev.patrol.streams.detection;

import dev.patrol.model.event.Finding;
import dev.patrol.model.event.NetworkClass;
import dev.patrol.model.event.NetworkContext;
import dev.patrol.model.event.Severity;
import dev.patrol.model.json.JsonSerde;
import dev.patrol.streams.rules.RuleSettings;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * PAT-TRAVEL-04: consecutive PAT uses of one owner from places no one could travel between in the time: at least
 * {@code minDistanceKm} apart and faster than {@code maxSpeedKmh}, after subtracting both locations' GeoIP accuracy
 * radii (MozDef's padding; GeoIP city data is often off by tens of kilometres).
 *
 * <p>The same /24 (or /48) or the same ASN is never travel. A use through a relay (VPN egress, anonymizer, Tor, or a
 * {@code relayAsns} entry) that would be impossible is reported at INFO and does not move the baseline, since the
 * relay's location says nothing about the person's (Panther). Out-of-order events are compared with the baseline
 * but only a newer event moves it.
 */
public final class ImpossibleTravel implements Detection {

    public static final String RULE_ID = "PAT-TRAVEL-04";
    private static final Set<NetworkClass> RELAYS = Set.of(NetworkClass.VPN_EGRESS, NetworkClass.ANONYMIZER,
            NetworkClass.TOR);

    /** The owner's last trusted location. */
    record Position(String ip, double latitude, double longitude, int radiusKm, Long asn, String country,
                    String city, Instant at, String entryId) {
    }

    @Override
    public String id() {
        return RULE_ID;
    }

    @Override
    public String prefix() {
        return "travel";
    }

    @Override
    public KStream<String, Finding> build(DetectionInputs inputs, RuleSettings rule) {
        double minDistance = rule.decimal("minDistanceKm", 500, 0, 40_000);
        double maxSpeed = rule.decimal("maxSpeedKmh", 800, 1, 100_000);
        Set<Long> relayAsns = Set.copyOf(rule.list("relayAsns", List.of()).stream().map(text -> {
            try {
                return Long.parseLong(text.replaceFirst("(?i)^AS", ""));
            } catch (NumberFormatException e) {
                throw new dev.patrol.streams.rules.RuleException("rule " + rule.id() + " (" + rule.source()
                        + "): parameter relayAsns: '" + text + "' is not an AS number");
            }
        }).toList());
        String store = prefix() + "-position-store";
        inputs.builder().addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(store),
                Serdes.String(), JsonSerde.of(Position.class)));
        Clock clock = inputs.clock();
        return inputs.tokenUsesByOwner().get()
                .filter((owner, use) -> use.use().network().hasLocation(), Named.as(prefix() + "-located-only"))
                .processValues(() -> new FixedKeyProcessor<String, TokenUse, Finding>() {
                    private FixedKeyProcessorContext<String, Finding> context;
                    private KeyValueStore<String, Position> positions;

                    @Override
                    public void init(FixedKeyProcessorContext<String, Finding> context) {
                        this.context = context;
                        this.positions = context.getStateStore(store);
                    }

                    @Override
                    public void process(FixedKeyRecord<String, TokenUse> record) {
                        TokenUse use = record.value();
                        NetworkContext here = use.use().network();
                        Position now = new Position(here.ip(), here.latitude(), here.longitude(),
                                here.accuracyRadiusKm() == null ? 0 : here.accuracyRadiusKm(), here.asn(),
                                here.countryIso(), here.city(), use.event().timestamp(), use.event().id());
                        boolean relay = RELAYS.contains(here.networkClass())
                                || (here.asn() != null && relayAsns.contains(here.asn()));
                        Position last = positions.get(record.key());
                        if (last != null && !sameNetwork(last, now)) {
                            double distance = Math.max(0, Geo.distanceKm(last.latitude(), last.longitude(),
                                    now.latitude(), now.longitude()) - last.radiusKm() - now.radiusKm());
                            double hours = Math.abs(Duration.between(last.at(), now.at()).toMillis()) / 3_600_000.0;
                            double speed = hours == 0 ? Double.POSITIVE_INFINITY : distance / hours;
                            boolean allowlisted = rule.allowlist().allows(use.event().actor().userPrincipalName(),
                                    use.authorizationId(), here.ip());
                            if (distance >= minDistance && speed > maxSpeed && !allowlisted) {
                                context.forward(record.withValue(finding(rule, use, last, now, distance, speed, relay, clock)));
                            }
                        }
                        if (!relay && (last == null || now.at().isAfter(last.at()))) {
                            positions.put(record.key(), now);
                        }
                    }
                }, Named.as(prefix() + "-detect"), store)
                .selectKey((owner, finding) -> finding.subject().authorizationId() == null ? owner
                        : finding.subject().authorizationId(), Named.as(prefix() + "-key-by-token"));
    }

    static boolean sameNetwork(Position a, Position b) {
        if (a.asn() != null && a.asn().equals(b.asn())) {
            return true;
        }
        return a.ip() != null && b.ip() != null && Suppressor.networkPrefix(a.ip()).equals(Suppressor.networkPrefix(b.ip()));
    }

    private static Finding finding(RuleSettings rule, TokenUse use, Position from, Position to, double distanceKm,
                                   double speedKmh, boolean relay, Clock clock) {
        Severity severity = relay ? Severity.INFO : rule.severity();
        String speedText = Double.isInfinite(speedKmh) ? "at the same moment"
                : String.format(Locale.ROOT, "%.0f km/h", speedKmh);
        String summary = Findings.who(use) + " used " + Findings.describeToken(use) + " from " + place(to) + " "
                + Duration.between(from.at(), to.at()).abs().toMinutes() + " min after " + place(from) + ": "
                + String.format(Locale.ROOT, "%.0f km", distanceKm) + ", " + speedText
                + (relay ? " (through a relay; the baseline stays)" : "");
        String subjectKey = use.authorizationId() != null ? use.authorizationId() : Owners.of(use);
        return Findings.of(rule, severity, use.event(), Findings.subject(use), subjectKey,
                from.entryId() + "->" + to.entryId(), summary,
                Evidence.of(use).put("previousIp", from.ip()).put("previousCountry", from.country())
                        .put("previousCity", from.city()).put("previousAt", from.at())
                        .put("distanceKm", String.format(Locale.ROOT, "%.0f", distanceKm))
                        .put("speedKmh", Double.isInfinite(speedKmh) ? "simultaneous" : String.format(Locale.ROOT, "%.0f", speedKmh))
                        .put("relay", relay ? "true" : null), clock.instant());
    }

    private static String place(Position p) {
        String name = p.city() != null ? p.city() + (p.country() != null ? ", " + p.country() : "")
                : p.country() != null ? p.country() : "an unnamed place";
        return name + " (" + p.ip() + ")";
    }
}
