package dev.patrol.streams.detection;

import static dev.patrol.streams.detection.DetectionHarness.DETECTED;
import static org.assertj.core.api.Assertions.assertThat;

import dev.patrol.model.event.AuditCheckpoint;
import dev.patrol.model.event.Finding;
import dev.patrol.model.event.Severity;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * PIPELINE-GAP-21 on the production topology. The harness clock stands at {@code DETECTED}: a silence is fixed by the
 * newest entry's time, and wall-clock time only triggers the checks. Defaults: factor 10, minSilence 30m, minSamples
 * 20, and the poller counts as current within PIPELINE-LAG-25's maxLag of 15m.
 */
class AuditSilenceTest {

    static final String RULE = AuditSilence.RULE_ID;

    DetectionHarness harness;

    @BeforeEach
    void setUp() {
        harness = new DetectionHarness(new TestNetwork());
    }

    @AfterEach
    void tearDown() {
        harness.close();
    }

    static Instant minutesAgo(long minutes) {
        return DETECTED.minus(Duration.ofMinutes(minutes));
    }

    /** {@code count} entry times {@code gap} apart, the newest at {@code newest}. */
    static Instant[] entries(Instant newest, int count, Duration gap) {
        Instant[] times = new Instant[count];
        for (int i = 0; i < count; i++) {
            times[i] = newest.minus(gap.multipliedBy(count - 1 - i));
        }
        return times;
    }

    @Test
    void shouldReportASilenceOfMoreThanFactorTimesTheUsualGap() {
        Instant newest = minutesAgo(100);
        Instant[] learnt = entries(newest, 21, Duration.ofMinutes(5));

        // The next poll re-reads the overlap: the same entries again are no new gaps.
        harness.checkpoint(minutesAgo(2), learnt).checkpoint(minutesAgo(1), learnt).after(Duration.ofMinutes(10));

        assertThat(harness.findings.readValuesToList()).singleElement().satisfies(f -> {
            assertThat(f.id()).isEqualTo(Finding.stableId(RULE, "contoso", newest.toString()));
            assertThat(f.severity()).isEqualTo(Severity.MEDIUM);
            assertThat(f.organization()).isEqualTo("contoso");
            assertThat(f.summary()).isEqualTo("no audit entry of contoso for 1h 40m although the poller is current: "
                    + "usually one every 5m (median of 20 recent gaps), limit 50m; auditing may be off or ADO may have "
                    + "stopped writing entries");
            assertThat(f.evidence()).containsEntry("newestEntry", newest.toString()).containsEntry("silence", "1h 40m")
                    .containsEntry("usualGap", "5m").containsEntry("threshold", "50m").containsEntry("samples", "20")
                    .containsEntry("windowEnd", minutesAgo(1).toString()).containsKey("check");
            assertThat(f.eventTime()).isEqualTo(newest.plus(Duration.ofMinutes(50)));
            assertThat(f.detectedAt()).isEqualTo(DETECTED);
            assertThat(f.sourceEventIds()).isEmpty();
        });
    }

    @Test
    void shouldStaySilentWhenTheNewestEntryIsWithinTheLimit() {
        harness.checkpoint(minutesAgo(1), entries(minutesAgo(45), 21, Duration.ofMinutes(5))).after(Duration.ofMinutes(10));

        assertThat(harness.findingsOf(RULE)).isEmpty();
    }

    @Test
    void shouldFloorTheLimitAtMinSilence() {
        // A busy organization: one entry a minute makes 10m, floored at 30m.
        harness.checkpoint(minutesAgo(1), entries(minutesAgo(35), 21, Duration.ofMinutes(1))).after(Duration.ofMinutes(2));

        assertThat(harness.findingsOf(RULE)).singleElement()
                .satisfies(f -> assertThat(f.evidence()).containsEntry("usualGap", "1m").containsEntry("threshold", "30m"));
    }

    @Test
    void shouldJudgeNothingBeforeMinSamples() {
        harness.checkpoint(minutesAgo(1), entries(minutesAgo(300), 20, Duration.ofMinutes(5))).after(Duration.ofMinutes(10));

        assertThat(harness.findingsOf(RULE)).isEmpty();
    }

    @Test
    void shouldLeaveTheSilenceToPollerLagWhileThePollerLags() {
        // Learnt while current; then a backfill moves the window end back and the poller lags.
        harness.checkpoint(minutesAgo(1), entries(minutesAgo(100), 21, Duration.ofMinutes(5)))
                .checkpoint(minutesAgo(20)).after(Duration.ofMinutes(10));

        var findings = harness.findings.readValuesToList();

        assertThat(findings).extracting(Finding::ruleId).containsExactly(PollerLag.RULE_ID);
    }

    @Test
    void shouldReportASecondEpisodeAfterANewerEntryAndNoneOnceEntriesFlowAgain() {
        harness.checkpoint(minutesAgo(2), entries(minutesAgo(100), 21, Duration.ofMinutes(5))).after(Duration.ofMinutes(3))
                // A newer entry ends the first episode, but the log is silent again for longer than the limit.
                .checkpoint(minutesAgo(1), minutesAgo(60)).after(Duration.ofMinutes(3))
                .checkpoint(minutesAgo(1), minutesAgo(60), minutesAgo(5)).after(Duration.ofMinutes(30));

        assertThat(harness.findingsOf(RULE)).extracting(f -> f.evidence().get("newestEntry"))
                .containsExactly(minutesAgo(100).toString(), minutesAgo(60).toString());
    }

    @Test
    void shouldReportEachOrganizationOnItsOwn() {
        var times = new HashMap<String, Instant>();
        Instant[] learnt = entries(minutesAgo(100), 21, Duration.ofMinutes(5));
        for (int i = 0; i < learnt.length; i++) {
            times.put("f-" + i, learnt[i]);
        }
        harness.checkpoint(minutesAgo(1), learnt);
        harness.checkpoints.pipeInput("fabrikam", new AuditCheckpoint("fabrikam", minutesAgo(1), times), minutesAgo(1));

        harness.after(Duration.ofMinutes(2));

        assertThat(harness.findingsOf(RULE)).extracting(Finding::organization).containsExactlyInAnyOrder("contoso", "fabrikam");
    }

    @Test
    void shouldNotLearnTheGapAcrossAWindowTheCheckpointsDidNotCover() {
        var before = new AuditSilence.State(minutesAgo(180), minutesAgo(200), List.of(), 0, null);
        var times = new HashMap<String, Instant>();
        times.put("a", minutesAgo(10));
        times.put("b", minutesAgo(5));

        var after = AuditSilence.learn(before, new AuditCheckpoint("contoso", minutesAgo(1), times), DETECTED,
                Duration.ofMinutes(15));

        // Only the gap inside the checkpoint: the 190 minutes since the entry before it were read in a jump.
        assertThat(after.gapsMillis()).containsExactly(Duration.ofMinutes(5).toMillis());
        assertThat(after.samples()).isEqualTo(1);
        assertThat(after.newestEntry()).isEqualTo(minutesAgo(5));
    }

    @Test
    void shouldTakeTheMedianSoThatOneLongGapMovesTheUsualGapLittle() {
        var state = new AuditSilence.State(DETECTED, DETECTED, List.of(60_000L, 60_000L, 120_000L, 28_800_000L, 60_000L),
                5, null);

        assertThat(AuditSilence.usualGap(state)).isEqualTo(Duration.ofMinutes(1));
    }
}
