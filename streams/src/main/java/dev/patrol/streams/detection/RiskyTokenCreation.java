package dev.patrol.streams.detection;

import dev.patrol.model.event.CredentialKind;
import dev.patrol.model.event.EnrichedAuditEvent;
import dev.patrol.model.event.Finding;
import dev.patrol.model.event.NetworkClass;
import dev.patrol.model.event.Severity;
import dev.patrol.model.json.JsonSerde;
import dev.patrol.streams.rules.RuleSettings;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * PAT-CREATE-13: a PAT created or extended ({@code Token.PatCreateEvent}, {@code Token.PatUpdateEvent}, which also
 * covers regeneration) in a risky way — from off the corporate network or an anonymizer, by a non-interactive
 * mechanism ({@code UserAuthToken} replayed outside a browser, {@code S2S_*}: X-Force showed both), as part of a burst
 * of creations by one person, or shortly after that person was added to an admin group (persistence after
 * privilege escalation).
 *
 * <p>Creations and admin-group additions meet per person: a creation is keyed by its actor's user id, an addition
 * by the added member's id ({@code data.MemberId}, which public samples show equal to that member's
 * {@code actorUserId} elsewhere). An addition whose data has no MemberId cannot be tied to anyone and is ignored.
 */
public final class RiskyTokenCreation implements Detection {

    public static final String RULE_ID = "PAT-CREATE-13";
    static final Set<String> CREATION_ACTIONS = Set.of("Token.PatCreateEvent", "Token.PatUpdateEvent");
    /** Creations remembered per person at most: a burst beyond this is reported anyway, on the way. */
    private static final int MAX_KEPT = 50;

    /**
     * Per person: recent creations (for bursts, and for an admin-group addition that arrives after the creations it
     * precedes: the two reach this partition through a repartition, in no guaranteed order) and the last addition.
     */
    public record PersonState(List<EnrichedAuditEvent> creations, Instant adminAddedAt, String adminGroup) {
        public PersonState {
            creations = creations == null ? List.of() : List.copyOf(creations);
        }
    }

    @Override
    public String id() {
        return RULE_ID;
    }

    @Override
    public String prefix() {
        return "create";
    }

    @Override
    public KStream<String, Finding> build(DetectionInputs inputs, RuleSettings rule) {
        int burstCount = (int) rule.number("burstCount", 5, 2, 1000);
        Duration burstWindow = rule.duration("burstWindow", Duration.ofHours(1));
        Duration afterAdminAdd = rule.duration("afterAdminAdd", Duration.ofHours(1));
        List<String> adminGroups = rule.list("adminGroups", AdminGroupAddition.DEFAULT_GROUPS);
        Clock clock = inputs.clock();
        // Remembered a day beyond the longest window: an addition can be processed well after later creations.
        Duration keep = (burstWindow.compareTo(afterAdminAdd) > 0 ? burstWindow : afterAdminAdd).plus(Duration.ofDays(1));
        String store = prefix() + "-person-store";
        inputs.builder().addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(store),
                Serdes.String(), JsonSerde.of(PersonState.class)));

        return inputs.audit()
                .filter((id, enriched) -> isCreation(enriched) || adminGroupOf(enriched, adminGroups).isPresent(),
                        Named.as(prefix() + "-creations-and-admin-adds"))
                .selectKey((id, enriched) -> person(enriched), Named.as(prefix() + "-key-by-person"))
                .filter((person, enriched) -> person != null, Named.as(prefix() + "-attributable-only"))
                .repartition(Repartitioned.<String, EnrichedAuditEvent>as(prefix() + "-by-person")
                        .withKeySerde(Serdes.String()).withValueSerde(JsonSerde.of(EnrichedAuditEvent.class)))
                .processValues(() -> new FixedKeyProcessor<String, EnrichedAuditEvent, Finding>() {
                    private FixedKeyProcessorContext<String, Finding> context;
                    private KeyValueStore<String, PersonState> people;

                    @Override
                    public void init(FixedKeyProcessorContext<String, Finding> context) {
                        this.context = context;
                        this.people = context.getStateStore(store);
                    }

                    @Override
                    public void process(FixedKeyRecord<String, EnrichedAuditEvent> record) {
                        EnrichedAuditEvent enriched = record.value();
                        Instant at = enriched.event().timestamp();
                        PersonState state = people.get(record.key());
                        if (state == null) {
                            state = new PersonState(List.of(), null, null);
                        }
                        Optional<String> group = adminGroupOf(enriched, adminGroups);
                        if (group.isPresent()) {
                            people.put(record.key(), new PersonState(state.creations(), at, group.get()));
                            // Creations already seen that this addition precedes: reported now, as their own finding.
                            for (EnrichedAuditEvent creation : state.creations()) {
                                Instant created = creation.event().timestamp();
                                if (!created.isBefore(at) && Duration.between(at, created).compareTo(afterAdminAdd) <= 0
                                        && !allowlisted(creation)) {
                                    List<String> reasons = List.of(afterAdmin(at, created, group.get()));
                                    context.forward(record.withValue(finding(rule, creation, reasons,
                                            creation.network().networkClass(), "/after-admin-add", clock)));
                                }
                            }
                            return;
                        }
                        List<EnrichedAuditEvent> kept = new ArrayList<>();
                        int inBurst = 1;
                        for (EnrichedAuditEvent earlier : state.creations()) {
                            Instant t = earlier.event().timestamp();
                            if (!t.isBefore(at.minus(keep)) && !t.isAfter(at.plus(keep))) {
                                kept.add(earlier);
                            }
                            if (!t.isBefore(at.minus(burstWindow)) && !t.isAfter(at)) {
                                inBurst++;
                            }
                        }
                        kept.add(enriched);
                        people.put(record.key(), new PersonState(kept.size() > MAX_KEPT
                                ? kept.subList(kept.size() - MAX_KEPT, kept.size()) : kept,
                                state.adminAddedAt(), state.adminGroup()));

                        List<String> reasons = new ArrayList<>();
                        NetworkClass source = enriched.network().networkClass();
                        if (source == NetworkClass.TOR || source == NetworkClass.ANONYMIZER) {
                            reasons.add("from an anonymizer (" + source.name().toLowerCase(Locale.ROOT) + ")");
                        } else if (source.offNetwork()) {
                            reasons.add("from outside the corporate network");
                        }
                        var mechanism = enriched.event().mechanism();
                        if (mechanism.kind() == CredentialKind.SERVICE_PRINCIPAL || "UserAuthToken".equals(mechanism.name())) {
                            reasons.add("by a non-interactive mechanism (" + mechanism.name() + ")");
                        }
                        if (inBurst >= burstCount) {
                            reasons.add("as creation " + inBurst + " by this person within " + burstWindow.toMinutes()
                                    + " min");
                        }
                        if (state.adminAddedAt() != null && !at.isBefore(state.adminAddedAt())
                                && Duration.between(state.adminAddedAt(), at).compareTo(afterAdminAdd) <= 0) {
                            reasons.add(afterAdmin(state.adminAddedAt(), at, state.adminGroup()));
                        }
                        if (reasons.isEmpty() || allowlisted(enriched)) {
                            return;
                        }
                        context.forward(record.withValue(finding(rule, enriched, reasons, source, "", clock)));
                    }

                    private boolean allowlisted(EnrichedAuditEvent enriched) {
                        return rule.allowlist().allows(enriched.event().actor().userPrincipalName(), null,
                                enriched.network().ip());
                    }
                }, Named.as(prefix() + "-evaluate"), store);
    }

    static boolean isCreation(EnrichedAuditEvent enriched) {
        return CREATION_ACTIONS.contains(enriched.event().actionId());
    }

    /** The person a record is about: the creator, or the member added to a group. */
    static String person(EnrichedAuditEvent enriched) {
        if (isCreation(enriched)) {
            String userId = enriched.event().actor().userId();
            return userId == null || userId.isBlank() ? null : userId.toLowerCase(Locale.ROOT);
        }
        return AdminGroupAddition.memberId(enriched.event()).map(id -> id.toLowerCase(Locale.ROOT)).orElse(null);
    }

    /** The admin group an addition was to (parsed as {@link AdminGroupAddition} does); empty when not admin. */
    static Optional<String> adminGroupOf(EnrichedAuditEvent enriched, List<String> adminGroups) {
        return AdminGroupAddition.adminGroup(enriched.event(), adminGroups).map(AdminGroupAddition.Group::name);
    }

    private static String afterAdmin(Instant added, Instant created, String group) {
        return Duration.between(added, created).toMinutes() + " min after being added to " + group;
    }

    /** @param windowSuffix distinguishes the late "after an admin-group addition" finding from the creation's own */
    private static Finding finding(RuleSettings rule, EnrichedAuditEvent enriched, List<String> reasons,
                                   NetworkClass source, String windowSuffix, Clock clock) {
        var event = enriched.event();
        boolean strong = reasons.size() > 1 || source == NetworkClass.TOR || source == NetworkClass.ANONYMIZER
                || reasons.stream().anyMatch(r -> r.contains("after being added"));
        Severity severity = strong ? Findings.raise(rule.severity()) : rule.severity();
        String verb = "Token.PatCreateEvent".equals(event.actionId()) ? "created" : "updated or regenerated";
        String tokenName = AuditData.of(event).text("DisplayName").orElse(null);
        String who = event.actor().userPrincipalName() != null ? event.actor().userPrincipalName() : "an unknown user";
        String summary = who + " " + verb + " PAT " + (tokenName == null ? "(name not in the entry)" : "'" + tokenName + "'")
                + " " + String.join(", ", reasons);
        Evidence evidence = new Evidence().network(enriched.network()).action(event)
                .put("tokenName", tokenName == null ? "not in the entry's data (DisplayName)" : tokenName)
                .put("reasons", String.join("; ", reasons));
        return Findings.of(rule, severity, event, Findings.actor(enriched), "user:" + event.actor().userId(),
                event.id() + windowSuffix, summary, evidence, clock.instant());
    }
}
