package dev.patrol.streams.detection;

import static dev.patrol.streams.detection.DetectionHarness.DETECTED;
import static org.assertj.core.api.Assertions.assertThat;

import dev.patrol.model.event.AuditCheckpoint;
import dev.patrol.model.event.Finding;
import dev.patrol.model.event.Severity;
import dev.patrol.streams.metrics.StreamsMetrics;
import dev.patrol.streams.rules.RuleBook;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PIPELINE-LAG-25 on the production topology. The harness clock stands at {@code DETECTED}, so a checkpoint's lag is
 * fixed by its window end; wall-clock time only triggers the checks.
 */
class PollerLagTest {

    static final String RULE = PollerLag.RULE_ID;

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

    @Test
    void shouldReportOnceWhenThePollerStallsBeyondMaxLag() {
        Instant stalled = minutesAgo(40);

        harness.checkpoint(stalled).after(Duration.ofMinutes(10));

        assertThat(harness.findings.readValuesToList()).singleElement().satisfies(f -> {
            assertThat(f.id()).isEqualTo(Finding.stableId(RULE, "contoso", stalled.toString()));
            assertThat(f.ruleId()).isEqualTo(RULE);
            assertThat(f.severity()).isEqualTo(Severity.HIGH);
            assertThat(f.organization()).isEqualTo("contoso");
            assertThat(f.summary()).isEqualTo("the audit poller of contoso is 40m behind (last window end " + stalled
                    + ", limit 15m): new audit entries are not read; a dead or stuck ingest looks exactly like this");
            assertThat(f.evidence()).containsEntry("windowEnd", stalled.toString()).containsEntry("lag", "40m")
                    .containsEntry("maxLag", "15m").containsKeys("effect", "check");
            assertThat(f.eventTime()).isEqualTo(stalled.plus(Duration.ofMinutes(15)));
            assertThat(f.detectedAt()).isEqualTo(DETECTED);
            assertThat(f.sourceEventIds()).isEmpty();
        });
    }

    @Test
    void shouldStaySilentWhileThePollerIsWithinMaxLag() {
        harness.checkpoint(minutesAgo(1)).after(Duration.ofMinutes(5)).checkpoint(minutesAgo(15)).after(Duration.ofMinutes(5));

        assertThat(harness.findingsOf(RULE)).isEmpty();
    }

    @Test
    void shouldWaitForTheNextCheckBeforeReporting() {
        harness.checkpoint(minutesAgo(40));

        assertThat(harness.findingsOf(RULE)).isEmpty();
    }

    @Test
    void shouldReportTheSameEpisodeOnceWhileThePollerCatchesUpSlowly() {
        harness.checkpoint(minutesAgo(40)).after(Duration.ofMinutes(3))
                .checkpoint(minutesAgo(30)).after(Duration.ofMinutes(3))
                .checkpoint(minutesAgo(20)).after(Duration.ofMinutes(30));

        assertThat(harness.findingsOf(RULE)).singleElement()
                .satisfies(f -> assertThat(f.evidence()).containsEntry("windowEnd", minutesAgo(40).toString()));
    }

    @Test
    void shouldReportASecondEpisodeAfterThePollerRecovered() {
        harness.checkpoint(minutesAgo(40)).after(Duration.ofMinutes(3))
                .checkpoint(minutesAgo(1)).after(Duration.ofMinutes(3))
                // A backfill, say: the checkpoint moves back, and ingest would resume from there.
                .checkpoint(minutesAgo(30)).after(Duration.ofMinutes(3));

        assertThat(harness.findingsOf(RULE)).extracting(f -> f.evidence().get("windowEnd"))
                .containsExactly(minutesAgo(40).toString(), minutesAgo(30).toString());
    }

    @Test
    void shouldReportEachOrganizationOnItsOwn() {
        harness.checkpoint(minutesAgo(1));
        harness.checkpoints.pipeInput("fabrikam", new AuditCheckpoint("fabrikam", minutesAgo(50), Map.of()), minutesAgo(50));
        harness.checkpoints.pipeInput("northwind", new AuditCheckpoint("northwind", minutesAgo(60), Map.of()), minutesAgo(60));

        harness.after(Duration.ofMinutes(2));

        // Both stalls are reported: one organization's episode does not suppress another's.
        assertThat(harness.findingsOf(RULE)).extracting(Finding::organization)
                .containsExactlyInAnyOrder("fabrikam", "northwind");
    }

    @Test
    void shouldCountTheFindingInTheFindingsMetric() {
        harness.checkpoint(minutesAgo(40)).after(Duration.ofMinutes(2));

        assertThat(harness.meters.get(StreamsMetrics.FINDINGS).tag("rule", RULE).tag("org", "contoso").counter().count())
                .isEqualTo(1.0);
    }

    @Test
    void shouldHonourTheConfiguredMaxLag(@TempDir Path dir) throws Exception {
        String bundled = new String(RuleBook.class.getResourceAsStream(RuleBook.BUNDLED).readAllBytes());
        assertThat(bundled).contains("      maxLag: 15m\n");
        Path rules = Files.writeString(dir.resolve("rules.yaml"), bundled.replace("      maxLag: 15m\n", "      maxLag: 1h\n"));

        try (var lenient = new DetectionHarness(new TestNetwork(), RuleBook.load(Optional.of(rules)))) {
            lenient.checkpoint(minutesAgo(40)).after(Duration.ofMinutes(5))
                    .checkpoint(minutesAgo(61)).after(Duration.ofMinutes(5));

            assertThat(lenient.findingsOf(RULE)).singleElement()
                    .satisfies(f -> assertThat(f.evidence()).containsEntry("maxLag", "1h").containsEntry("lag", "1h 1m"));
        }
    }
}
