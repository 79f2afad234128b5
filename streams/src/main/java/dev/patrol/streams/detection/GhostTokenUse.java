package dev.patrol.streams.detection;

import dev.patrol.model.event.Finding;
import dev.patrol.model.json.JsonSerde;
import dev.patrol.streams.rules.RuleSettings;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * PAT-GHOST-10: an audited action by a token the inventory does not list: deleted since, owned by a removed user,
 * or missed by an incomplete scan. Either way a credential PATrol cannot see did something; the finding says which
 * of those it may be, since the inventory's coverage is part of the answer.
 *
 * <p>A token created after the last inventory scan is unknown until the next one, so the decision waits
 * {@code grace} (processing time; default 2 h, more than one scan interval): if the token arrives meanwhile, it was
 * not a ghost and nothing is reported.
 */
public final class GhostTokenUse implements Detection {

    public static final String RULE_ID = "PAT-GHOST-10";

    /** Uses of one unknown token waiting for their grace to run out. */
    record Pending(long sinceMillis, List<TokenUse> uses) {
        Pending {
            uses = List.copyOf(uses);
        }
    }

    @Override
    public String id() {
        return RULE_ID;
    }

    @Override
    public String prefix() {
        return "ghost";
    }

    @Override
    public KStream<String, Finding> build(DetectionInputs inputs, RuleSettings rule) {
        Duration grace = rule.duration("grace", Duration.ofHours(2));
        String store = prefix() + "-pending-store";
        inputs.builder().addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(store),
                Serdes.String(), JsonSerde.of(Pending.class)));
        Clock clock = inputs.clock();
        KStream<String, TokenUse> unknown = inputs.tokenUses()
                .filter((token, use) -> !use.tokenKnown() && use.authorizationId() != null
                        && !rule.allowlist().allows(use.event().actor().userPrincipalName(), use.authorizationId(),
                        use.use().network().ip()), Named.as(prefix() + "-unknown-only"));
        Duration every = clamp(grace.dividedBy(4), Duration.ofSeconds(1), Duration.ofMinutes(1));
        return GraceSignal.merged(inputs, unknown, prefix())
                .process(() -> new Processor<String, GraceSignal, String, Finding>() {
                    private ProcessorContext<String, Finding> context;
                    private KeyValueStore<String, Pending> pending;

                    @Override
                    public void init(ProcessorContext<String, Finding> context) {
                        this.context = context;
                        this.pending = context.getStateStore(store);
                        context.schedule(every, PunctuationType.WALL_CLOCK_TIME, this::expire);
                    }

                    @Override
                    public void process(Record<String, GraceSignal> record) {
                        GraceSignal signal = record.value();
                        if (signal.arrived() != null) {
                            pending.delete(record.key()); // the token exists after all
                            return;
                        }
                        if (grace.isZero()) {
                            context.forward(record.withValue(finding(rule, signal.use(), clock)));
                            return;
                        }
                        Pending waiting = pending.get(record.key());
                        List<TokenUse> uses = new ArrayList<>(waiting == null ? List.of() : waiting.uses());
                        uses.add(signal.use());
                        long since = waiting == null ? context.currentSystemTimeMs() : waiting.sinceMillis();
                        pending.put(record.key(), new Pending(since, uses));
                    }

                    private void expire(long now) {
                        List<KeyValue<String, Pending>> due = new ArrayList<>();
                        try (var all = pending.all()) {
                            all.forEachRemaining(entry -> {
                                if (now - entry.value.sinceMillis() >= grace.toMillis()) {
                                    due.add(entry);
                                }
                            });
                        }
                        for (var entry : due) {
                            for (TokenUse use : entry.value.uses()) {
                                context.forward(new Record<>(entry.key, finding(rule, use, clock),
                                        use.event().timestamp().toEpochMilli()));
                            }
                            pending.delete(entry.key);
                        }
                    }
                }, Named.as(prefix() + "-detect"), store);
    }

    static Duration clamp(Duration value, Duration min, Duration max) {
        return value.compareTo(min) < 0 ? min : value.compareTo(max) > 0 ? max : value;
    }

    private static Finding finding(RuleSettings rule, TokenUse use, Clock clock) {
        return Findings.of(rule, rule.severity(), use.event(), Findings.subject(use), use.authorizationId(),
                use.event().id(), "a PAT missing from the inventory (" + use.authorizationId() + ") of "
                        + Findings.who(use) + " did " + use.event().actionId() + " from " + Findings.where(use),
                Evidence.of(use).put("coverage", "the inventory may be incomplete: check the last scan's failed users"),
                clock.instant());
    }
}
