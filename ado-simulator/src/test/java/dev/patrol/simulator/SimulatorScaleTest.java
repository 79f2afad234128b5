package dev.patrol.simulator;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The benchmark knobs: users, PATs per user, audit entries per day, and their limits. */
class SimulatorScaleTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-05-01T12:00:00Z"), ZoneOffset.UTC);

    @Test
    void shouldGiveEveryUserExactlyThatManyPatsWhenPatsPerUserIsSet() {
        // given
        SimulatorConfig config = SimulatorConfig.defaults().withClock(CLOCK).withUsers(40).withPatsPerUser(7);

        // when
        SimulatedOrg org = OrgGenerator.generate(config);

        // then
        Map<String, Long> perOwner = org.tokens().stream()
                .collect(Collectors.groupingBy(SimToken::ownerDescriptor, Collectors.counting()));
        assertThat(perOwner).hasSize(40).allSatisfy((owner, count) -> assertThat(count).isEqualTo(7L));
    }

    @Test
    void shouldSizeTheLogFromTheHistoryWhenEntriesPerDayIsSet() {
        // when
        SimulatorConfig config = SimulatorConfig.defaults().withHistory(Duration.ofDays(30)).withAuditEntriesPerDay(1500);

        // then
        assertThat(config.auditEntries()).isEqualTo(45_000);
        assertThat(config.auditEntriesPerDay()).isEqualTo(1500.0);
        assertThat(SimulatorConfig.defaults().withAuditEntriesPerDay(0).auditEntries()).isZero();
    }

    @Test
    void shouldGenerateABenchmarkSizedOrgWithEveryEntryNamingATokenValidAtItsTime() {
        // given
        SimulatorConfig config = SimulatorConfig.defaults().withClock(CLOCK).withUsers(2000).withPatsPerUser(5)
                .withHistory(Duration.ofDays(90)).withAuditEntriesPerDay(300);

        // when
        SimulatedOrg org = OrgGenerator.generate(config);

        // then
        assertThat(org.users()).hasSize(2000);
        assertThat(org.tokens()).hasSize(10_000);
        assertThat(org.auditEntries()).hasSize(27_000);
        Map<String, SimToken> tokens = org.tokens().stream().collect(Collectors.toMap(SimToken::authorizationId, t -> t));
        java.util.regex.Pattern pat = java.util.regex.Pattern.compile("^PAT\\w* authorizationId: ?([0-9a-f-]{36})$");
        long checked = org.auditEntries().stream().filter(entry -> {
            var matcher = pat.matcher(entry.get("authenticationMechanism").asText());
            if (!matcher.matches() || !tokens.containsKey(matcher.group(1))) {
                return false; // not a PAT use, or the planted use of a token the inventory no longer lists
            }
            SimToken token = tokens.get(matcher.group(1));
            Instant at = AdoTime.parseOffsetDateTime(entry.get("timestamp").asText());
            assertThat(token.validFrom()).isBeforeOrEqualTo(at);
            assertThat(token.validTo()).isAfter(at);
            return true;
        }).count();
        assertThat(checked).isGreaterThan(10_000);
    }

    @Test
    void shouldRejectScaleWhenBeyondTheLimits() {
        SimulatorConfig defaults = SimulatorConfig.defaults();
        assertThatThrownBy(() -> defaults.withUsers(SimulatorConfig.MAX_USERS + 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("users 10001");
        assertThatThrownBy(() -> defaults.withPatsPerUser(101))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("patsPerUser 101");
        assertThatThrownBy(() -> defaults.withUsers(5000).withPatsPerUser(50))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("exceeds 100000 tokens");
        assertThatThrownBy(() -> defaults.withHistory(Duration.ofDays(90)).withAuditEntriesPerDay(10_000))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("900000 entries");
        assertThatThrownBy(() -> defaults.withAuditEntriesPerDay(-1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("negative");
    }

    @Test
    void shouldMaskEveryCredentialWhenPrinted() {
        // when
        String text = SimulatorConfig.defaults().toString();

        // then
        assertThat(text).doesNotContain(EntraApp.defaults().clientSecret(), EntraApp.defaults().federatedAssertion(),
                SimulatorConfig.defaults().pat());
    }
}
