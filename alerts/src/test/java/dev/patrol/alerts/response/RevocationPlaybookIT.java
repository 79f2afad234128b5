package dev.patrol.alerts.response;

import static dev.patrol.alerts.response.Fixtures.finding;
import static dev.patrol.alerts.response.Fixtures.leakedUse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.patrol.model.event.ResponseAction;
import dev.patrol.model.event.ResponseAction.Kind;
import dev.patrol.model.event.ResponseAction.Status;
import dev.patrol.model.event.Severity;
import dev.patrol.model.json.Json;
import dev.patrol.testkit.HttpReceiver;
import dev.patrol.testkit.KafkaExtension;
import dev.patrol.testkit.ManualClock;
import dev.patrol.testkit.TestKafka;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Guards the revocation playbook against the ADO simulator on a real broker: that automatic mode revokes exactly the
 * tokens the policy names, once each, through duplicate findings and restarts (state only in the actions topic); that a
 * dry run, the allowlist and the hourly cap revoke nothing they should not; and that the next inventory scan verifies a
 * revocation.
 */
@ExtendWith(KafkaExtension.class)
class RevocationPlaybookIT {

    private static final String LIVE_POLICY = """
            dryRun: false
            capPerHour: 100
            rules:
              - rule: PAT-LEAKED-12
                minSeverity: high
                mode: automatic
              - rule: PAT-ANON-06
                minSeverity: high
                mode: automatic
                when: { fullScope: true }
            """;

    @TempDir
    Path dir;

    @Test
    void shouldRevokeExactlyThePolicysTokensOnceWhenFindingsRepeatAndTheServiceRestarts(TestKafka kafka) throws Exception {
        try (var world = new PlaybookHarness(kafka, dir, LIVE_POLICY)) {
            String leaked = world.addToken(0, "vso.code");
            String fullScope = world.addToken(1, "app_token");
            String narrowScope = world.addToken(2, "vso.code");
            String offNetwork = world.addToken(3, "app_token");
            String interrupted = world.addToken(4, "vso.code");

            try (var first = world.start(Clock.systemUTC())) {
                first.onFinding(leakedUse(leaked, world.ownerOf(leaked), "w1"));
                first.onFinding(leakedUse(leaked, world.ownerOf(leaked), "w1"));
                first.onFinding(finding("PAT-ANON-06", Severity.HIGH, narrowScope, world.ownerOf(narrowScope), "vso.code",
                        "tor", "w1"));
                await().atMost(Duration.ofSeconds(30)).until(() -> world.revocations().contains(leaked));
            }
            // As a crash leaves it: the decision recorded, the call to ADO not made.
            world.produceAction(new ResponseAction(UUID.randomUUID().toString(), "crashed-finding", "contoso", interrupted,
                    Kind.REVOKE_TOKEN, Status.APPROVED, ResponseService.POLICY, "automatic revocation", Instant.now()));

            try (var second = world.start(Clock.systemUTC())) {
                second.onFinding(leakedUse(leaked, world.ownerOf(leaked), "w1"));
                second.onFinding(leakedUse(leaked, world.ownerOf(leaked), "w2"));
                second.onFinding(finding("PAT-ANON-06", Severity.HIGH, fullScope, world.ownerOf(fullScope), "app_token",
                        "anonymizer", "w1"));
                second.onFinding(finding("PAT-ANON-06", Severity.HIGH, fullScope, world.ownerOf(fullScope), "app_token",
                        "anonymizer", "w1"));
                second.onFinding(finding("PAT-OFFNET-01", Severity.CRITICAL, offNetwork, world.ownerOf(offNetwork),
                        "app_token", "public", "w1"));

                await().atMost(Duration.ofSeconds(30)).until(() -> world.revocations().size() >= 3);
                await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10))
                        .until(() -> world.revocations().size() == 3);
            }

            assertThat(world.revocations()).containsExactlyInAnyOrder(leaked, fullScope, interrupted);
            assertThat(world.actions(leaked, Status.REVOKED)).hasSize(1);
            assertThat(world.actions(leaked, Status.APPROVED)).singleElement()
                    .satisfies(a -> assertThat(a.decidedBy()).isEqualTo(ResponseService.POLICY));
            assertThat(world.actions(fullScope, Status.REVOKED)).hasSize(1);
            assertThat(world.actions(interrupted, Status.REVOKED)).hasSize(1);
            assertThat(world.actions()).noneMatch(a -> a.authorizationId().equals(narrowScope)
                    || a.authorizationId().equals(offNetwork));
        }
    }

    @Test
    void shouldVerifyTheRevocationWhenTheNextInventoryScanListsTheTokenInvalid(TestKafka kafka) throws Exception {
        try (var world = new PlaybookHarness(kafka, dir, LIVE_POLICY)) {
            String leaked = world.addToken(0, "vso.code");
            try (var service = world.start(Clock.systemUTC())) {
                world.scanInventory(leaked, Instant.now());
                service.onFinding(leakedUse(leaked, world.ownerOf(leaked), "w1"));
                await().atMost(Duration.ofSeconds(30)).until(() -> !world.actions(leaked, Status.REVOKED).isEmpty());

                world.scanInventory(leaked, Instant.now().plusSeconds(1));

                await().atMost(Duration.ofSeconds(30)).until(() -> !world.actions(leaked, Status.VERIFIED).isEmpty());
                await().atMost(Duration.ofSeconds(10)).until(() -> world.heard.stream()
                        .anyMatch(a -> a.status() == Status.VERIFIED && a.authorizationId().equals(leaked)));
            }
            assertThat(world.actions(leaked, Status.VERIFIED)).singleElement()
                    .satisfies(a -> assertThat(a.reason()).contains("isValid: false"));
            assertThat(world.heard).extracting(ResponseAction::status)
                    .containsSubsequence(Status.APPROVED, Status.REVOKED, Status.VERIFIED);
        }
    }

    @Test
    void shouldRevokeNothingAndRecordWhatItWouldDoWhenThePolicyIsDryRun(TestKafka kafka) throws Exception {
        String dryRun = LIVE_POLICY.replace("dryRun: false\n", "");
        try (var world = new PlaybookHarness(kafka, dir, dryRun)) {
            String first = world.addToken(0, "vso.code");
            String second = world.addToken(1, "app_token");
            try (var service = world.start(Clock.systemUTC())) {
                service.onFinding(leakedUse(first, world.ownerOf(first), "w1"));
                service.onFinding(leakedUse(first, world.ownerOf(first), "w2"));
                ResponseNote note = service.onFinding(finding("PAT-ANON-06", Severity.HIGH, second, world.ownerOf(second),
                        "app_token", "tor", "w1"));
                assertThat(note.status()).contains(Status.DRY_RUN);
                assertThat(note.text()).startsWith("Dry run: PATrol would have revoked this token");
            }

            assertThat(world.actions()).extracting(ResponseAction::status).containsExactly(Status.DRY_RUN, Status.DRY_RUN);
            assertThat(world.actions(first, Status.DRY_RUN)).singleElement()
                    .satisfies(a -> assertThat(a.reason()).startsWith("dry run: would revoke automatically"));
            assertThat(world.revocations()).isEmpty();
        }
    }

    @Test
    void shouldNeverRevokeWhenTheTokenItsOwnerOrAServiceAccountPatternIsAllowlisted(TestKafka kafka) throws Exception {
        try (var world = new PlaybookHarness(kafka, dir, LIVE_POLICY)) {
            String byToken = world.addToken(0, "vso.code");
            String byUser = world.addToken(1, "vso.code");
            String byPattern = world.addToken(2, "vso.code");
            String notListed = world.addToken(3, "vso.code");
            String policy = LIVE_POLICY + """
                    allowlist:
                      tokens: [%s]
                      users: [%s]
                      serviceAccounts: ["%s"]
                    """.formatted(byToken, world.ownerOf(byUser).toUpperCase(java.util.Locale.ROOT),
                    world.ownerOf(byPattern).replaceFirst("^[^@]{2}", "*"));
            world.policy(policy);

            try (var service = world.start(Clock.systemUTC())) {
                for (String token : new String[] {byToken, byUser, byPattern, notListed}) {
                    service.onFinding(leakedUse(token, world.ownerOf(token), "w1"));
                }
                await().atMost(Duration.ofSeconds(30)).until(() -> world.revocations().contains(notListed));
            }

            assertThat(world.revocations()).containsExactly(notListed);
            for (String token : new String[] {byToken, byUser, byPattern}) {
                assertThat(world.actions(token, Status.SKIPPED_ALLOWLIST)).hasSize(1);
            }
        }
    }

    @Test
    void shouldHoldTheHourlyCapAcrossARestartAndFreeItAnHourLater(TestKafka kafka) throws Exception {
        try (var world = new PlaybookHarness(kafka, dir, LIVE_POLICY.replace("capPerHour: 100", "capPerHour: 2"))) {
            String[] tokens = {world.addToken(0, "vso.code"), world.addToken(1, "vso.code"), world.addToken(2, "vso.code"),
                    world.addToken(3, "vso.code")};
            ManualClock clock = new ManualClock(Instant.now());
            try (var service = world.start(clock)) {
                service.onFinding(leakedUse(tokens[0], world.ownerOf(tokens[0]), "w1"));
                service.onFinding(leakedUse(tokens[1], world.ownerOf(tokens[1]), "w1"));
                ResponseNote capped = service.onFinding(leakedUse(tokens[2], world.ownerOf(tokens[2]), "w1"));
                assertThat(capped.approvalUrl()).as("a capped automatic revocation is offered for approval").isPresent();
                await().atMost(Duration.ofSeconds(30)).until(() -> world.revocations().size() == 2);
            }
            try (var restarted = world.start(clock)) {
                restarted.onFinding(leakedUse(tokens[3], world.ownerOf(tokens[3]), "w1"));
                assertThat(world.actions(tokens[3], Status.SKIPPED_CAP)).hasSize(1);

                clock.advance(Duration.ofMinutes(61));
                restarted.onFinding(leakedUse(tokens[3], world.ownerOf(tokens[3]), "w2"));
                await().atMost(Duration.ofSeconds(30)).until(() -> world.revocations().size() == 3);
            }

            assertThat(world.revocations()).containsExactly(tokens[0], tokens[1], tokens[3]);
            assertThat(world.actions(tokens[2], Status.SKIPPED_CAP)).singleElement()
                    .satisfies(a -> assertThat(a.reason()).contains("the cap of 2 revocations an hour in contoso is reached"));
            assertThat(world.actions(tokens[2], Status.PROPOSED)).hasSize(1);
        }
    }

    @Test
    void shouldTellTheOwnerAfterRevokingWhenThePolicyAsks(TestKafka kafka) throws Exception {
        try (var receiver = HttpReceiver.start();
             var world = new PlaybookHarness(kafka, dir, LIVE_POLICY + "notifyOwner: after\n")
                     .with("PATROL_RESPONSE_OWNER_NOTICE_URL", receiver.url("/notices").toString())) {
            String leaked = world.addToken(0, "vso.code");
            try (var service = world.start(Clock.systemUTC())) {
                service.onFinding(leakedUse(leaked, world.ownerOf(leaked), "w1"));
                await().atMost(Duration.ofSeconds(30)).until(() -> receiver.received().size() == 1);
                await().atMost(Duration.ofSeconds(10)).until(() -> world.actions().stream()
                        .anyMatch(a -> a.kind() == Kind.NOTIFY_OWNER));
            }

            JsonNode notice = Json.mapper().readTree(receiver.received().get(0).body());
            assertThat(notice.get("type").asText()).isEqualTo("patrol.owner-notice.v1");
            assertThat(notice.get("timing").asText()).isEqualTo("after-revocation");
            assertThat(notice.get("to").asText()).isEqualTo(world.ownerOf(leaked));
            assertThat(notice.get("authorizationId").asText()).isEqualTo(leaked);
            assertThat(notice.get("message").asText()).contains("It has been revoked.");
            assertThat(receiver.received().get(0).header(OwnerNotifier.NOTICE_ID_HEADER))
                    .contains(notice.get("noticeId").asText());
            assertThat(world.actions()).filteredOn(a -> a.kind() == Kind.NOTIFY_OWNER).singleElement()
                    .satisfies(a -> assertThat(a.status()).isEqualTo(Status.VERIFIED));
        }
    }
}
