package dev.patrol.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patrol.ingest.inventory.InventoryScanner;
import dev.patrol.model.ado.GraphUser;
import dev.patrol.model.event.Finding;
import dev.patrol.model.event.Severity;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** PIPELINE-COVERAGE-26: the finding ingest writes when an inventory scan could not list every user's PATs. */
class CoverageFindingTest {

    static final Instant SCANNED = Instant.parse("2026-05-01T10:05:00Z");
    static final Instant NOW = SCANNED.plus(Duration.ofMinutes(2));

    static GraphUser user(String name) {
        return new GraphUser("aad." + name, name, name + "@contoso.example", name + "@contoso.example", "aad",
                "origin-" + name, "user", "tenant", "member", name, null, null, null, Map.of());
    }

    static InventoryScanner.Snapshot scan(List<GraphUser> users, boolean usersComplete, Set<String> failed, int skipped) {
        return new InventoryScanner.Snapshot(users, usersComplete, Map.of(), failed, skipped, 0, SCANNED);
    }

    @Test
    void shouldRaiseNothingWhenTheScanWasComplete() {
        var complete = scan(List.of(user("jane"), user("bob")), true, Set.of(), 0);

        assertThat(IngestService.coverageFinding("contoso", complete, NOW)).isEmpty();
    }

    @Test
    void shouldNameTheUsersWhoseListingFailedWhenTheScanWasIncomplete() {
        var partial = scan(List.of(user("jane"), user("bob"), user("carol")), true, Set.of("aad.jane", "aad.bob"), 0);

        var finding = IngestService.coverageFinding("contoso", partial, NOW);

        assertThat(finding).hasValueSatisfying(f -> {
            assertThat(f.id()).isEqualTo(Finding.stableId(IngestService.COVERAGE_RULE, "contoso", "2026-05-01T10:00:00Z"));
            assertThat(f.ruleId()).isEqualTo("PIPELINE-COVERAGE-26");
            assertThat(f.severity()).isEqualTo(Severity.MEDIUM);
            assertThat(f.organization()).isEqualTo("contoso");
            assertThat(f.summary()).isEqualTo("the PAT inventory scan of contoso could not list the tokens of 2 users "
                    + "(bob@contoso.example, jane@contoso.example): no disappeared events for them; their tokens' "
                    + "changes are unseen");
            assertThat(f.evidence()).containsExactly(
                    Map.entry("failedUsers", "2"),
                    Map.entry("users", "bob@contoso.example, jane@contoso.example"),
                    Map.entry("effect", "no disappeared events for them; their tokens' changes are unseen"),
                    Map.entry("check", "ingest's log names each failed listing and its error; the next scan asks again"));
            assertThat(f.eventTime()).isEqualTo(SCANNED);
            assertThat(f.detectedAt()).isEqualTo(NOW);
            assertThat(f.sourceEventIds()).isEmpty();
        });
    }

    @Test
    void shouldKeepTheIdWithinTheHourAndCountUsersBeyondTheNamedOnes() {
        List<GraphUser> users = IntStream.range(0, 25).mapToObj(i -> user(String.format("u%02d", i))).toList();
        var partial = scan(users, true, Set.copyOf(users.stream().map(GraphUser::descriptor).toList()), 0);

        var first = IngestService.coverageFinding("contoso", partial, NOW).orElseThrow();
        var again = IngestService.coverageFinding("contoso", partial, NOW.plus(Duration.ofMinutes(50))).orElseThrow();
        var nextHour = IngestService.coverageFinding("contoso", partial, NOW.plus(Duration.ofHours(1))).orElseThrow();

        assertThat(again.id()).isEqualTo(first.id());
        assertThat(nextHour.id()).isNotEqualTo(first.id());
        assertThat(first.evidence().get("users")).startsWith("u00@contoso.example, u01@contoso.example")
                .endsWith("u19@contoso.example and 5 more");
    }

    @Test
    void shouldSayNobodyIsTakenAsRemovedWhenGraphUsersWereUnreadable() {
        var partial = scan(List.of(user("jane")), false, Set.of(), 1);

        assertThat(IngestService.coverageFinding("contoso", partial, NOW)).hasValueSatisfying(f -> {
            assertThat(f.summary()).startsWith("the PAT inventory scan of contoso could not read every Graph user");
            assertThat(f.evidence()).containsEntry("failedUsers", "0").doesNotContainKey("users")
                    .containsKeys("graphUsers", "unparseable");
        });
    }
}
