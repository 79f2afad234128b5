package dev.patrol.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

class OrgGeneratorTest {

    private static final Instant NOW = Instant.parse("2026-05-01T12:00:00Z");
    private static final SimulatorConfig CONFIG = SimulatorConfig.defaults().withClock(Clock.fixed(NOW, ZoneOffset.UTC));
    private static final Pattern PAT_MECHANISM = Pattern.compile("(PAT\\w*) authorizationId:( ?)([0-9a-f-]{36})");
    private static final Pattern DECORATED_ID = Pattern.compile(
            "(\\d{19});00000064-0000-8888-8000-000000000000;([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})");

    @Test
    void shouldGenerateIdenticalOrgWhenSeedAndClockAreTheSame() {
        // when
        SimulatedOrg first = OrgGenerator.generate(CONFIG);
        SimulatedOrg second = OrgGenerator.generate(CONFIG);

        // then
        assertThat(second.users()).isEqualTo(first.users());
        assertThat(second.tokens()).isEqualTo(first.tokens());
        assertThat(second.auditEntries()).isEqualTo(first.auditEntries());
        assertThat(second.offNetworkPatUses()).isEqualTo(first.offNetworkPatUses());
        assertThat(second.organizationId()).isEqualTo(first.organizationId());
    }

    @Test
    void shouldGenerateDifferentOrgWhenSeedDiffers() {
        // when
        SimulatedOrg first = OrgGenerator.generate(CONFIG);
        SimulatedOrg second = OrgGenerator.generate(CONFIG.withSeed(43));

        // then
        assertThat(second.users()).doesNotContainAnyElementsOf(first.users());
        assertThat(second.tokens()).doesNotContainAnyElementsOf(first.tokens());
        assertThat(ids(second.auditEntries())).doesNotContainAnyElementsOf(ids(first.auditEntries()));
    }

    @ParameterizedTest
    @ValueSource(longs = {42, 1, 7, 2026, -5})
    void shouldPlantOffNetworkPatUsesOnlyOutsideCorporateNetworksWhenGenerating(long seed) {
        // when
        SimulatedOrg org = OrgGenerator.generate(CONFIG.withSeed(seed));

        // then
        List<OffNetworkUse> truth = org.offNetworkPatUses();
        Map<String, ObjectNode> entries = byId(org.auditEntries());
        Set<String> inventory = org.tokens().stream().map(SimToken::authorizationId).collect(Collectors.toSet());
        assertThat(truth).hasSizeBetween(4, 6);
        assertThat(truth).allSatisfy(use -> {
            ObjectNode entry = entries.get(use.entryId());
            assertThat(entry).as("ground-truth entry %s", use.entryId()).isNotNull();
            assertThat(entry.get("ipAddress").asText()).isEqualTo(use.ipAddress());
            assertThat(CidrRange.inAny(org.corporateCidrs(), use.ipAddress())).as(use.ipAddress()).isFalse();
            assertThat(entry.get("authenticationMechanism").asText()).startsWith("PAT").endsWith(use.authorizationId());
            assertThat(inventory.contains(use.authorizationId())).isEqualTo(use.tokenInInventory());
        });
        assertThat(truth).filteredOn(use -> !use.tokenInInventory()).hasSize(1);
        assertThat(truth).anySatisfy(use -> assertThat(use.ipAddress()).contains(":"));
        assertThat(truth).anySatisfy(use -> assertThat(use.ipAddress()).startsWith("203.0.113."));
        assertThat(truth).anySatisfy(use -> assertThat(use.ipAddress()).startsWith("185.220.101."));
        assertThat(truth).anySatisfy(use -> assertThat(use.ipAddress()).startsWith("45.83."));
    }

    @ParameterizedTest
    @ValueSource(longs = {42, 1, 7, 2026, -5})
    void shouldKeepEveryOtherAddressCorporateExceptOneCookieSignInWhenGenerating(long seed) {
        // when
        SimulatedOrg org = OrgGenerator.generate(CONFIG.withSeed(seed));

        // then
        Set<String> truth = org.offNetworkPatUses().stream().map(OffNetworkUse::entryId).collect(Collectors.toSet());
        List<ObjectNode> others = org.auditEntries().stream().filter(entry -> !truth.contains(entry.get("id").asText())).toList();
        List<ObjectNode> offNetwork = others.stream()
                .filter(entry -> !entry.get("ipAddress").isNull())
                .filter(entry -> !CidrRange.inAny(org.corporateCidrs(), entry.get("ipAddress").asText()))
                .toList();
        assertThat(offNetwork).singleElement()
                .satisfies(entry -> assertThat(entry.get("authenticationMechanism").asText()).isEqualTo("AAD_Cookie"));
        assertThat(others).filteredOn(entry -> entry.get("authenticationMechanism").asText().startsWith("PAT"))
                .isNotEmpty()
                .allSatisfy(entry -> assertThat(CidrRange.inAny(org.corporateCidrs(), entry.get("ipAddress").asText())).isTrue());
        assertThat(others).filteredOn(entry -> entry.get("ipAddress").asText("").contains(":")).isNotEmpty();
    }

    @Test
    void shouldNameTokensConsistentlyWithScopeAndReachWhenWritingPatMechanisms() {
        // given
        SimulatedOrg org = OrgGenerator.generate(CONFIG);
        Map<String, SimToken> tokens = org.tokens().stream()
                .collect(Collectors.toMap(SimToken::authorizationId, Function.identity()));

        // when
        List<Matcher> patUses = org.auditEntries().stream()
                .map(entry -> PAT_MECHANISM.matcher(entry.get("authenticationMechanism").asText()))
                .filter(Matcher::matches)
                .toList();

        // then
        long patEntries = org.auditEntries().stream()
                .filter(entry -> entry.get("authenticationMechanism").asText().startsWith("PAT")).count();
        assertThat(patUses).hasSize((int) patEntries).hasSizeGreaterThan(org.auditEntries().size() / 2);
        assertThat(patUses).filteredOn(use -> use.group(2).isEmpty()).hasSize(1);
        assertThat(patUses).filteredOn(use -> tokens.containsKey(use.group(3))).allSatisfy(use -> {
            SimToken token = tokens.get(use.group(3));
            String expected = "PAT" + (token.fullAccess() && token.global() ? "_UnscopedGlobal"
                    : token.fullAccess() ? "_Unscoped" : token.global() ? "_Global" : "");
            assertThat(use.group(1)).isEqualTo(expected);
        });
        assertThat(patUses).extracting(use -> use.group(1))
                .contains("PAT_Unscoped")
                .containsAnyOf("PAT", "PAT_Global", "PAT_UnscopedGlobal");
    }

    @Test
    void shouldUseOnlyTokensThatAreValidAtTheEntryTimeWhenWritingPatUses() {
        // given
        SimulatedOrg org = OrgGenerator.generate(CONFIG);
        Map<String, SimToken> tokens = org.tokens().stream()
                .collect(Collectors.toMap(SimToken::authorizationId, Function.identity()));

        // when
        List<ObjectNode> knownTokenUses = org.auditEntries().stream()
                .filter(entry -> authorizationId(entry).map(tokens::containsKey).orElse(false))
                .toList();

        // then
        assertThat(knownTokenUses).allSatisfy(entry -> {
            SimToken token = tokens.get(authorizationId(entry).orElseThrow());
            Instant timestamp = Instant.parse(entry.get("timestamp").asText());
            assertThat(token.isValid()).isTrue();
            assertThat(timestamp).isBetween(token.validFrom(), token.validTo());
            assertThat(entry.get("actorImageUrl").asText()).endsWith(token.ownerDescriptor());
        });
    }

    @Test
    void shouldWriteDecoratedIdsAndSevenDigitTimestampsWithinHistoryWhenGenerating() {
        // when
        List<ObjectNode> entries = OrgGenerator.generate(CONFIG).auditEntries();

        // then
        assertThat(entries).hasSize(200).allSatisfy(entry -> {
            String timestamp = entry.get("timestamp").asText();
            assertThat(timestamp).matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{7}\\+00:00");
            Instant instant = Instant.parse(timestamp);
            assertThat(instant).isAfterOrEqualTo(NOW.minus(Duration.ofHours(6))).isBefore(NOW);
            Matcher id = DECORATED_ID.matcher(entry.get("id").asText());
            assertThat(id.matches()).as(entry.get("id").asText()).isTrue();
            long ticks = 621_355_968_000_000_000L + instant.getEpochSecond() * 10_000_000L + instant.getNano() / 100;
            assertThat(Long.parseLong(id.group(1))).isEqualTo(3_155_378_975_999_999_999L - ticks);
            assertThat(entry.get("correlationId").asText()).isEqualTo(id.group(2));
            assertThat(entry.get("scopeType").asText()).isEqualTo("organization");
            assertThat(entry.get("scopeDisplayName").asText()).isEqualTo("contoso (Organization)");
            assertThat(entry.get("category").asText()).isIn("modify", "create", "remove", "access", "execute");
            assertThat(entry.get("data").isObject()).isTrue();
        });
    }

    @Test
    void shouldWriteServicePrincipalAndSystemEventsWithoutAddressesWhenGenerating() {
        // when
        List<ObjectNode> entries = OrgGenerator.generate(CONFIG).auditEntries();

        // then
        assertThat(entries).filteredOn(entry -> entry.get("authenticationMechanism").asText().equals("S2S_ServicePrincipal"))
                .isNotEmpty()
                .allSatisfy(entry -> {
                    assertThat(entry.get("ipAddress").isNull()).isTrue();
                    assertThat(entry.get("actorUserId").asText()).isEqualTo(OrgGenerator.ZERO_GUID);
                    assertThat(entry.get("actorClientId").asText()).isNotEqualTo(OrgGenerator.ZERO_GUID);
                });
        assertThat(entries).filteredOn(entry -> entry.get("authenticationMechanism").asText().isEmpty())
                .isNotEmpty()
                .allSatisfy(entry -> {
                    assertThat(entry.get("ipAddress").isNull()).isTrue();
                    assertThat(entry.get("actorDisplayName").asText()).isEqualTo("Azure DevOps Service");
                });
        assertThat(entries).extracting(entry -> entry.get("authenticationMechanism").asText())
                .contains("AAD_Cookie", "FedAuth", "UserAuthToken");
    }

    @Test
    void shouldGiveEveryUserOneToThreeVariedTokensWhenGenerating() {
        // when
        SimulatedOrg org = OrgGenerator.generate(CONFIG);

        // then
        Map<String, Long> perOwner = org.tokens().stream()
                .collect(Collectors.groupingBy(SimToken::ownerDescriptor, Collectors.counting()));
        assertThat(perOwner.keySet()).containsExactlyInAnyOrderElementsOf(org.users().stream().map(SimUser::descriptor).toList());
        assertThat(perOwner.values()).allSatisfy(count -> assertThat(count).isBetween(1L, 3L));
        assertThat(org.tokens()).extracting(SimToken::authorizationId).doesNotHaveDuplicates()
                .allSatisfy(id -> assertThat(id).matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"));
        assertThat(org.tokens()).filteredOn(token -> !token.isValid()).hasSize(2);
        assertThat(org.tokens()).anyMatch(SimToken::global).anyMatch(token -> !token.global());
        assertThat(org.tokens()).anyMatch(SimToken::fullAccess).anyMatch(token -> !token.fullAccess());
        assertThat(org.tokens()).anyMatch(token -> token.validTo().isBefore(NOW));
        assertThat(org.tokens()).filteredOn(token -> !token.global())
                .allSatisfy(token -> assertThat(token.targetAccounts()).containsExactly(org.organizationId()));
        assertThat(org.tokens()).allSatisfy(token -> {
            assertThat(Duration.between(token.validFrom(), token.validTo())).isBetween(Duration.ofDays(7), Duration.ofDays(365));
            assertThat(token.validFrom()).isBefore(NOW.minus(Duration.ofHours(6)));
        });
    }

    @Test
    void shouldGiveUsersUniqueRealisticNamesAndDescriptorsWhenGenerating() {
        // when
        List<SimUser> users = OrgGenerator.generate(CONFIG.withUsers(300)).users();

        // then
        assertThat(users).hasSize(300);
        assertThat(users).extracting(SimUser::principalName).doesNotHaveDuplicates()
                .allSatisfy(name -> assertThat(name).matches("[a-z]+\\.[a-z]+\\d*@contoso\\.example"));
        assertThat(users).extracting(SimUser::descriptor).doesNotHaveDuplicates()
                .allSatisfy(descriptor -> assertThat(descriptor).matches("aad\\.[A-Za-z0-9_-]+"));
        assertThat(users).extracting(SimUser::displayName).allSatisfy(name -> assertThat(name).matches("[A-Z][a-z]+ [A-Z][a-z]+"));
    }

    @Test
    void shouldGenerateEmptyLogAndNoGroundTruthWhenNoEntriesAreRequested() {
        // when
        SimulatedOrg org = OrgGenerator.generate(CONFIG.withAuditEntries(0));

        // then
        assertThat(org.auditEntries()).isEmpty();
        assertThat(org.offNetworkPatUses()).isEmpty();
        assertThat(org.tokens()).isNotEmpty();
    }

    private static Optional<String> authorizationId(JsonNode entry) {
        Matcher matcher = PAT_MECHANISM.matcher(entry.get("authenticationMechanism").asText());
        return matcher.matches() ? Optional.of(matcher.group(3)) : Optional.empty();
    }

    private static List<String> ids(List<ObjectNode> entries) {
        return entries.stream().map(entry -> entry.get("id").asText()).toList();
    }

    private static Map<String, ObjectNode> byId(List<ObjectNode> entries) {
        return entries.stream().collect(Collectors.toMap(entry -> entry.get("id").asText(), Function.identity()));
    }
}
