package dev.patrol.streams.detection;

import dev.patrol.model.event.AuditCheckpoint;
import dev.patrol.model.event.Finding;
import dev.patrol.model.event.FindingSubject;
import dev.patrol.model.json.JsonSerde;
import dev.patrol.streams.rules.RuleException;
import dev.patrol.streams.rules.RuleSettings;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
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
 * PIPELINE-LAG-25: the audit poller of an organization has not moved its checkpoint for more than {@code maxLag}.
 * Ingest writes a checkpoint every poll cycle, so its window end is roughly the time of the last poll; when it stops
 * moving, audit entries are no longer read and no detection sees them. A dead ingest cannot report itself, which is
 * why this lives here: every {@code checkEvery} (processing time) the last window end of each organization is
 * compared with now.
 *
 * <p>One finding per episode: the episode is named by the window end at which the poller stalled, and ends when a
 * checkpoint within {@code maxLag} of now arrives. A checkpoint that moves the window end back (a backfill reading
 * from an older point) counts as the poller's position too: it is where ingest resumes from.
 */
public final class PollerLag implements Detection {

    public static final String RULE_ID = "PIPELINE-LAG-25";
    static final Duration DEFAULT_MAX_LAG = Duration.ofMinutes(15);

    /**
     * Where one organization's poller stands.
     *
     * @param windowEnd the window end of the latest checkpoint
     * @param stalledAt the window end of the episode already reported; null while the poller is current
     */
    record State(Instant windowEnd, Instant stalledAt) {
    }

    @Override
    public String id() {
        return RULE_ID;
    }

    @Override
    public String prefix() {
        return "lag";
    }

    /** The lag above which the poller counts as stalled; {@link AuditSilence} reads it too, so there is one knob. */
    static Duration maxLag(RuleSettings rule) {
        return positive(rule, "maxLag", rule.duration("maxLag", DEFAULT_MAX_LAG));
    }

    static Duration positive(RuleSettings rule, String name, Duration value) {
        if (value.isZero() || value.isNegative()) {
            throw new RuleException("rule " + rule.id() + " (" + rule.source() + "): parameter " + name
                    + " must be longer than 0s");
        }
        return value;
    }

    @Override
    public KStream<String, Finding> build(DetectionInputs inputs, RuleSettings rule) {
        Duration maxLag = maxLag(rule);
        Duration every = positive(rule, "checkEvery", rule.duration("checkEvery", Duration.ofMinutes(1)));
        String store = prefix() + "-state-store";
        inputs.builder().addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(store),
                Serdes.String(), JsonSerde.of(State.class)));
        Clock clock = inputs.clock();
        return inputs.checkpoints().process(() -> new Processor<String, AuditCheckpoint, String, Finding>() {
            private ProcessorContext<String, Finding> context;
            private KeyValueStore<String, State> states;

            @Override
            public void init(ProcessorContext<String, Finding> context) {
                this.context = context;
                this.states = context.getStateStore(store);
                // The punctuation only triggers the check; "now" is the clock's, as for every finding's detectedAt.
                context.schedule(every, PunctuationType.WALL_CLOCK_TIME, ignored -> check());
            }

            @Override
            public void process(Record<String, AuditCheckpoint> record) {
                AuditCheckpoint checkpoint = record.value();
                if (checkpoint == null) {
                    return;
                }
                State previous = states.get(checkpoint.organization());
                Instant stalledAt = previous == null ? null : previous.stalledAt();
                if (!lagging(checkpoint.windowEnd(), clock.instant(), maxLag)) {
                    stalledAt = null; // caught up: the episode is over
                }
                states.put(checkpoint.organization(), new State(checkpoint.windowEnd(), stalledAt));
            }

            private void check() {
                Instant now = clock.instant();
                List<KeyValue<String, State>> changed = new ArrayList<>();
                try (var all = states.all()) {
                    all.forEachRemaining(entry -> {
                        State state = entry.value;
                        boolean lagging = lagging(state.windowEnd(), now, maxLag);
                        if (lagging && state.stalledAt() == null) {
                            changed.add(KeyValue.pair(entry.key, new State(state.windowEnd(), state.windowEnd())));
                        } else if (!lagging && state.stalledAt() != null) {
                            changed.add(KeyValue.pair(entry.key, new State(state.windowEnd(), null)));
                        }
                    });
                }
                for (var entry : changed) {
                    states.put(entry.key, entry.value);
                    if (entry.value.stalledAt() != null) {
                        Finding finding = finding(rule, entry.key, entry.value.windowEnd(), maxLag, now);
                        context.forward(new Record<>(entry.key, finding, finding.eventTime().toEpochMilli()));
                    }
                }
            }
        }, Named.as(prefix() + "-detect"), store);
    }

    static boolean lagging(Instant windowEnd, Instant now, Duration maxLag) {
        return Duration.between(windowEnd, now).compareTo(maxLag) > 0;
    }

    private static Finding finding(RuleSettings rule, String organization, Instant windowEnd, Duration maxLag,
                                   Instant now) {
        String behind = human(Duration.between(windowEnd, now));
        var evidence = new Evidence()
                .put("windowEnd", windowEnd)
                .put("lag", behind)
                .put("maxLag", human(maxLag))
                .put("effect", "audit entries after the window end reach no detection until the poller catches up")
                .put("check", "is ingest running for this organization? A dead ingest cannot report itself and looks "
                        + "exactly like this: see its log, patrol_audit_poll_failures_total and PIPELINE-CREDENTIAL-20 "
                        + "findings; a backfill also holds the live poller back");
        // The fact became true when the lag passed the limit; detectedAt says when the check noticed.
        return Findings.about(rule, rule.severity(), organization, new FindingSubject(null, null, null, null),
                organization, windowEnd.toString(), "the audit poller of " + organization + " is " + behind
                        + " behind (last window end " + windowEnd + ", limit " + human(maxLag)
                        + "): new audit entries are not read; a dead or stuck ingest looks exactly like this",
                evidence, windowEnd.plus(maxLag), now);
    }

    /** {@code 45s}, {@code 42m}, {@code 3h 10m}, {@code 2d 4h}: how a person reads a lag or a gap. */
    static String human(Duration duration) {
        long seconds = Math.max(0, duration.toSeconds());
        if (seconds < 60) {
            return seconds + "s";
        }
        long minutes = seconds / 60;
        if (minutes < 60) {
            return minutes + "m";
        }
        long hours = minutes / 60;
        if (hours < 48) {
            return minutes % 60 == 0 ? hours + "h" : hours + "h " + minutes % 60 + "m";
        }
        return hours % 24 == 0 ? hours / 24 + "d" : hours / 24 + "d " + hours % 24 + "h";
    }
}
