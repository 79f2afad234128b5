package dev.patrol.alerts.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patrol.alerts.sink.Alert;
import dev.patrol.alerts.sink.TestFindings;
import dev.patrol.model.event.Finding;
import dev.patrol.model.event.Severity;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class GrouperTest {

    private static final Duration WINDOW = Duration.ofMinutes(15);
    private static final Instant T0 = Instant.parse("2026-05-01T10:00:00Z");
    private static final String TOKEN = "6c1e7b3a-0d2f-4e58-9a71-2b8c4d5e6f70";

    private final Grouper grouper = new Grouper("slack", WINDOW, List.of());

    private static Finding repeat(int i) {
        return TestFindings.unknownToken(String.format("%032d", i), TOKEN, Severity.HIGH);
    }

    /** What the lane does: apply a step's state after acting on it. */
    private Grouper.Step step(Finding finding, Instant now) {
        Grouper.Step step = grouper.onFinding(finding, now);
        if (step instanceof Grouper.Send s) {
            grouper.apply(s.next());
        } else if (step instanceof Grouper.Count c) {
            grouper.apply(c.next());
        }
        return step;
    }

    @Test
    void shouldSendFirstFindingOfGroupAtOnce() {
        Grouper.Step step = grouper.onFinding(repeat(1), T0);

        assertThat(step).isInstanceOfSatisfying(Grouper.Send.class, s -> {
            assertThat(s.alert()).isEqualTo(Alert.of(repeat(1)));
            assertThat(s.next().key()).isEqualTo("slack|contoso|PAT-OFFNET-01|token:" + TOKEN);
        });
    }

    @Test
    void shouldCountRepeatsWithinWindowWithoutSending() {
        step(repeat(1), T0);

        Grouper.Step second = step(repeat(2), T0.plusSeconds(60));
        Grouper.Step third = grouper.onFinding(repeat(3), T0.plusSeconds(120));

        assertThat(second).isInstanceOf(Grouper.Count.class);
        assertThat(third).isInstanceOfSatisfying(Grouper.Count.class, c -> assertThat(c.next().pending()).isEqualTo(2));
    }

    @Test
    void shouldSendOneUpdateWithCountWhenWindowEnds() {
        step(repeat(1), T0);
        step(repeat(2), T0.plusSeconds(60));
        step(repeat(3), T0.plusSeconds(120));

        List<Grouper.Due> due = grouper.due(T0.plus(WINDOW));

        assertThat(due).singleElement().isInstanceOfSatisfying(Grouper.Flush.class, f -> {
            assertThat(f.alert()).isEqualTo(Alert.update(repeat(3), repeat(1).id(), 2, T0));
            assertThat(f.next().pending()).isZero();
            assertThat(f.next().lastSentAt()).isEqualTo(T0.plus(WINDOW));
        });
    }

    @Test
    void shouldNotDueAnythingBeforeWindowEnds() {
        step(repeat(1), T0);
        step(repeat(2), T0.plusSeconds(60));

        assertThat(grouper.due(T0.plus(WINDOW).minusMillis(1))).isEmpty();
    }

    @Test
    void shouldCloseGroupWhenWindowEndsQuietly() {
        step(repeat(1), T0);

        List<Grouper.Due> due = grouper.due(T0.plus(WINDOW));

        assertThat(due).singleElement().isInstanceOf(Grouper.Close.class);
    }

    @Test
    void shouldSendNewAlertWhenGroupWasQuietForAWindow() {
        step(repeat(1), T0);

        Grouper.Step later = grouper.onFinding(repeat(2), T0.plus(WINDOW).plusSeconds(1));

        assertThat(later).isInstanceOfSatisfying(Grouper.Send.class, s -> assertThat(s.alert().isUpdate()).isFalse());
    }

    @Test
    void shouldFoldFindingIntoUpdateWhenWindowEndedUnflushed() {
        step(repeat(1), T0);
        step(repeat(2), T0.plusSeconds(60));

        Grouper.Step late = grouper.onFinding(repeat(3), T0.plus(WINDOW).plusSeconds(5));

        assertThat(late).isInstanceOfSatisfying(Grouper.Send.class,
                s -> assertThat(s.alert()).isEqualTo(Alert.update(repeat(3), repeat(1).id(), 2, T0)));
    }

    @Test
    void shouldIgnoreFindingWhenItWasAlreadyFoldedIn() {
        step(repeat(1), T0);
        step(repeat(2), T0.plusSeconds(60));

        assertThat(grouper.onFinding(repeat(2), T0.plusSeconds(61))).isInstanceOf(Grouper.Replayed.class);
        assertThat(grouper.onFinding(repeat(1), T0.plusSeconds(62))).isInstanceOf(Grouper.Replayed.class);
    }

    @Test
    void shouldKeepGroupsApartWhenSubjectOrRuleDiffers() {
        step(repeat(1), T0);

        Grouper.Step otherToken = grouper.onFinding(TestFindings.unknownToken(String.format("%032d", 9),
                "00000000-0000-0000-0000-000000000009", Severity.HIGH), T0.plusSeconds(1));

        assertThat(otherToken).isInstanceOf(Grouper.Send.class);
    }

    @Test
    void shouldContinueCountingWhenRestoredFromStoredState() {
        step(repeat(1), T0);
        Grouper.Count counted = (Grouper.Count) step(repeat(2), T0.plusSeconds(60));
        Grouper restarted = new Grouper("slack", WINDOW, List.of(counted.next()));

        Grouper.Step afterRestart = restarted.onFinding(repeat(3), T0.plusSeconds(120));

        assertThat(afterRestart).isInstanceOfSatisfying(Grouper.Count.class,
                c -> assertThat(c.next().pending()).isEqualTo(2));
    }

    @Test
    void shouldIgnoreOtherSinksStateWhenRestoring() {
        AlertGroup teams = AlertGroup.opened("teams", "token:" + TOKEN, repeat(1), T0);

        Grouper restored = new Grouper("slack", WINDOW, List.of(teams));

        assertThat(restored.size()).isZero();
    }
}
