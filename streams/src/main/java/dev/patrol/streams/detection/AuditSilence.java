package dev.patrol.streams.detection;

import dev.patrol.model.event.AuditCheckpoint;
import dev.patrol.model.event.Finding;
import dev.patrol.model.event.FindingSubject;
import dev.patrol.model.json.JsonSerde;
import dev.patrol.streams.rules.RuleSettings;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * PIPELINE-GAP-21: the poller is current, yet no audit entry of the organization is newer than {@code factor} times
 * the usual gap between entries (at least {@code minSilence}). Auditing turned off, or ADO no longer writing or
 * showing entries, looks like this; so does an organization that simply went quiet.
 *
 * <p>The usual gap is learnt from the checkpoints: each lists the entry times inside the poll overlap, and the gaps
 * between entries newer than the newest seen so far are kept, the last {@value #RESERVOIR} of them, and their median
 * is the usual gap (a burst or one long night moves it little). Gaps are learnt only from checkpoints within
 * {@code maxLag} of now whose window moved by at most {@code maxLag}: a backlog is read in slices whose skipped parts
 * would look like long gaps. An entry that ADO shows after a newer one is not a gap sample (which errs towards longer
 * gaps, so fewer findings). Nothing is judged before {@code minSamples} gaps, nor while the poller lags
 * ({@link PollerLag} reports that, with PIPELINE-LAG-25's {@code maxLag}).
 *
 * <p>One finding per silence episode, named by the newest entry's time: a newer entry ends the episode.
 */
public final class AuditSilence implements Detection {

    public static final String RULE_ID = "PIPELINE-GAP-21";
    /** How many recent gaps the median is taken over. */
    static final int RESERVOIR = 64;

    /**
     * What is known of one organization's audit log.
     *
     * @param windowEnd        the window end of the latest checkpoint
     * @param newestEntry      the newest entry time seen; null before the first entry
     * @param gapsMillis       the last {@link #RESERVOIR} gaps between consecutive entries, oldest first
     * @param samples          how many gaps were learnt in all
     * @param reportedSilence  the newest entry time of the silence already reported; null if none
     */
    record State(Instant windowEnd, Instant newestEntry, List<Long> gapsMillis, long samples, Instant reportedSilence) {
        State {
            gapsMillis = List.copyOf(gapsMillis);
        }
    }

    /** An organization found silent by one check, with the limit it passed. */
    private record Silent(String organization, State state, Duration threshold) {
    }

    @Override
    public String id() {
        return RULE_ID;
    }

    @Override
    public String prefix() {
        return "gap";
    }

    @Override
    public KStream<String, Finding> build(DetectionInputs inputs, RuleSettings rule) {
        double factor = rule.decimal("factor", 10, 1, 10_000);
        Duration minSilence = PollerLag.positive(rule, "minSilence", rule.duration("minSilence", Duration.ofMinutes(30)));
        long minSamples = rule.number("minSamples", 20, 1, 1_000_000);
        Duration every = PollerLag.positive(rule, "checkEvery", rule.duration("checkEvery", Duration.ofMinutes(1)));
        Duration maxLag = PollerLag.maxLag(inputs.rules().rule(PollerLag.RULE_ID));
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
                context.schedule(every, PunctuationType.WALL_CLOCK_TIME, ignored -> check());
            }

            @Override
            public void process(Record<String, AuditCheckpoint> record) {
                AuditCheckpoint checkpoint = record.value();
                if (checkpoint != null) {
                    String organization = checkpoint.organization();
                    states.put(organization, learn(states.get(organization), checkpoint, clock.instant(), maxLag));
                }
            }

            private void check() {
                Instant now = clock.instant();
                List<Silent> silent = new ArrayList<>();
                try (var all = states.all()) {
                    all.forEachRemaining(entry -> {
                        State state = entry.value;
                        Duration threshold = silence(state, now, maxLag, minSamples, factor, minSilence);
                        if (threshold != null && !state.newestEntry().equals(state.reportedSilence())) {
                            silent.add(new Silent(entry.key, state, threshold));
                        }
                    });
                }
                for (Silent episode : silent) {
                    State state = episode.state();
                    states.put(episode.organization(), new State(state.windowEnd(), state.newestEntry(),
                            state.gapsMillis(), state.samples(), state.newestEntry()));
                    Finding finding = finding(rule, episode.organization(), state, episode.threshold(), now);
                    context.forward(new Record<>(episode.organization(), finding, finding.eventTime().toEpochMilli()));
                }
            }
        }, Named.as(prefix() + "-detect"), store);
    }

    /** The state after one checkpoint: the newest entry moves on; gaps are learnt when the window is trustworthy. */
    static State learn(State previous, AuditCheckpoint checkpoint, Instant now, Duration maxLag) {
        Instant known = previous == null ? null : previous.newestEntry();
        List<Instant> fresh = checkpoint.recentIds().values().stream()
                .filter(at -> at != null && (known == null || at.isAfter(known)))
                .distinct().sorted().toList();
        List<Long> gaps = new ArrayList<>(previous == null ? List.of() : previous.gapsMillis());
        long samples = previous == null ? 0 : previous.samples();
        boolean current = !PollerLag.lagging(checkpoint.windowEnd(), now, maxLag);
        if (current && !fresh.isEmpty()) {
            // The gap to the previous newest entry is real only if no part of the log between them went unseen.
            boolean continuous = previous != null && !checkpoint.windowEnd().isBefore(previous.windowEnd())
                    && !checkpoint.windowEnd().isAfter(previous.windowEnd().plus(maxLag));
            Instant before = continuous ? known : null;
            for (Instant at : fresh) {
                if (before != null) {
                    gaps.add(Duration.between(before, at).toMillis());
                    samples++;
                }
                before = at;
            }
            if (gaps.size() > RESERVOIR) {
                gaps = gaps.subList(gaps.size() - RESERVOIR, gaps.size());
            }
        }
        Instant newest = fresh.isEmpty() ? known : fresh.get(fresh.size() - 1);
        return new State(checkpoint.windowEnd(), newest, gaps, samples,
                previous == null ? null : previous.reportedSilence());
    }

    /**
     * The silence limit when the organization has been silent for longer than it, else null: nothing to judge yet
     * (no entry, too few gaps), the poller lagging, or entries recent enough.
     */
    static Duration silence(State state, Instant now, Duration maxLag, long minSamples, double factor,
                            Duration minSilence) {
        if (state.windowEnd() == null || state.newestEntry() == null || state.samples() < minSamples
                || state.gapsMillis().isEmpty() || PollerLag.lagging(state.windowEnd(), now, maxLag)) {
            return null;
        }
        Duration threshold = threshold(usualGap(state), factor, minSilence);
        return Duration.between(state.newestEntry(), now).compareTo(threshold) > 0 ? threshold : null;
    }

    static Duration threshold(Duration usualGap, double factor, Duration minSilence) {
        Duration scaled = Duration.ofMillis(Math.round(usualGap.toMillis() * factor));
        return scaled.compareTo(minSilence) > 0 ? scaled : minSilence;
    }

    /** The median of the kept gaps. */
    static Duration usualGap(State state) {
        List<Long> sorted = state.gapsMillis().stream().sorted().toList();
        int middle = sorted.size() / 2;
        long median = sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
        return Duration.ofMillis(median);
    }

    private static Finding finding(RuleSettings rule, String organization, State state, Duration threshold,
                                   Instant now) {
        Duration usual = usualGap(state);
        String silence = PollerLag.human(Duration.between(state.newestEntry(), now));
        var evidence = new Evidence()
                .put("newestEntry", state.newestEntry())
                .put("silence", silence)
                .put("usualGap", PollerLag.human(usual))
                .put("threshold", PollerLag.human(threshold))
                .put("samples", state.samples())
                .put("windowEnd", state.windowEnd())
                .put("check", "is auditing still on (Organization settings > Policies > Log Audit Events)? Does ADO's "
                        + "status page report an incident? A quiet night or holiday in a small organization also "
                        + "looks like this");
        // The fact became true when the silence passed the limit.
        return Findings.about(rule, rule.severity(), organization, new FindingSubject(null, null, null, null),
                organization, state.newestEntry().toString(), "no audit entry of " + organization + " for " + silence
                        + " although the poller is current: usually one every " + PollerLag.human(usual)
                        + " (median of " + state.gapsMillis().size() + " recent gaps), limit "
                        + PollerLag.human(threshold) + "; auditing may be off or ADO may have stopped writing entries",
                evidence, state.newestEntry().plus(threshold), now);
    }
}
