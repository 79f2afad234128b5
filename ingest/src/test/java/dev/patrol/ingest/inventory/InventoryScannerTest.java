package dev.patrol.ingest.inventory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.patrol.ingest.ado.AdoAuthException;
import dev.patrol.ingest.ado.AdoEndpoints;
import dev.patrol.ingest.ado.AdoHttpClient;
import dev.patrol.ingest.ado.RetryPolicy;
import dev.patrol.model.Secret;
import dev.patrol.model.ado.GraphUser;
import dev.patrol.simulator.AdoSimulator;
import dev.patrol.simulator.SimToken;
import dev.patrol.simulator.SimUser;
import dev.patrol.simulator.SimulatorConfig;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The scanner against the simulator over real HTTP; retries wait nothing. */
class InventoryScannerTest {

    /** A budget of 3 attempts: a fault on more requests than that outlasts the client's retries. */
    private static final RetryPolicy RETRY = new RetryPolicy(3, Duration.ofMillis(10), Duration.ofMillis(50));

    private AdoSimulator simulator;
    private AdoEndpoints endpoints;
    private AdoHttpClient http;

    @BeforeEach
    void start() {
        simulator = AdoSimulator.start(SimulatorConfig.defaults().withAuditEntries(0).withSeed(7));
        endpoints = new AdoEndpoints(simulator.baseUrl(), simulator.baseUrl(), simulator.org().organization());
        http = new AdoHttpClient(Secret.of(SimulatorConfig.defaults().pat()), Duration.ofSeconds(5), RETRY, d -> { });
    }

    @AfterEach
    void stop() {
        simulator.close();
    }

    private InventoryScanner scanner(InventoryScanner.AdoGet client, int concurrency, boolean sshKeys) {
        return new InventoryScanner(simulator.org().organization(), endpoints, client, Clock.systemUTC(), concurrency,
                sshKeys);
    }

    @Test
    void shouldListEveryTokenWithAtMostConcurrencyCallsInFlightWhenScanning() throws Exception {
        // given: each of the first three tokenadmin calls waits until three are in flight, so a scan with fewer in
        // flight would stall here and one with more would show in the maximum
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger maxInFlight = new AtomicInteger();
        CountDownLatch threeInFlight = new CountDownLatch(3);
        InventoryScanner.AdoGet counting = (uri, what) -> {
            if (!what.startsWith("tokenadmin")) {
                return http.get(uri, what);
            }
            maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            try {
                threeInFlight.countDown();
                assertThat(threeInFlight.await(10, TimeUnit.SECONDS)).as("three calls in flight at once").isTrue();
                return http.get(uri, what);
            } finally {
                inFlight.decrementAndGet();
            }
        };

        // when
        InventoryScanner.Snapshot snapshot = scanner(counting, 3, false).scan();

        // then
        assertThat(maxInFlight).hasValue(3);
        assertThat(snapshot.complete()).isTrue();
        assertThat(snapshot.users()).extracting(GraphUser::descriptor)
                .containsExactlyElementsOf(simulator.org().users().stream().map(SimUser::descriptor).toList());
        assertThat(snapshot.tokens().keySet()).containsExactlyInAnyOrderElementsOf(
                simulator.org().tokens().stream().map(SimToken::authorizationId).toList());
        assertThat(snapshot.tokens().values()).allSatisfy(token -> assertThat(token.owner().descriptor())
                .isEqualTo(owners().get(token.authorizationId())));
    }

    @Test
    void shouldReportTheUserAsFailedAndListTheOthersWhenOneUsersCallsKeepFailing() throws Exception {
        // given
        String failing = simulator.org().tokens().get(0).ownerDescriptor();
        simulator.faults().failNext("personalaccesstokens/" + failing, 5, 500);
        InventoryScanner scanner = scanner(http::get, 4, false);

        // when
        InventoryScanner.Snapshot snapshot = scanner.scan();

        // then
        assertThat(snapshot.failedUsers()).containsExactly(failing);
        assertThat(snapshot.complete()).isFalse();
        assertThat(snapshot.usersComplete()).isTrue();
        assertThat(scanner.lastScanFailedUsers()).isEqualTo(1);
        assertThat(snapshot.tokens().keySet()).containsExactlyInAnyOrderElementsOf(simulator.org().tokens().stream()
                .filter(token -> !token.ownerDescriptor().equals(failing)).map(SimToken::authorizationId).toList());
    }

    @Test
    void shouldEndTheScanAndStopThePoolWhenTheCredentialIsRejected() {
        // given
        simulator.faults().failNext("personalaccesstokens", 1, 401);

        // when / then
        assertThatThrownBy(() -> scanner(http::get, 4, false).scan()).isInstanceOf(AdoAuthException.class);
        await().atMost(Duration.ofSeconds(10)).until(() -> inventoryThreads() == 0);
    }

    @Test
    void shouldThrowInterruptedAndStopThePoolWhenTheScanningThreadIsInterrupted() throws Exception {
        // given: every tokenadmin call blocks until interrupted
        CountDownLatch never = new CountDownLatch(1);
        AtomicInteger blocked = new AtomicInteger();
        InventoryScanner.AdoGet stuck = (uri, what) -> {
            if (what.startsWith("tokenadmin")) {
                blocked.incrementAndGet();
                never.await();
            }
            return http.get(uri, what);
        };
        InventoryScanner scanner = scanner(stuck, 2, false);
        AtomicReference<Throwable> outcome = new AtomicReference<>();
        Thread scanning = new Thread(() -> {
            try {
                scanner.scan();
            } catch (Throwable e) {
                outcome.set(e);
            }
        }, "test-scan");
        scanning.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> blocked.get() == 2);

        // when
        scanning.interrupt();

        // then
        scanning.join(10_000);
        assertThat(scanning.isAlive()).isFalse();
        assertThat(outcome.get()).isInstanceOf(InterruptedException.class);
        await().atMost(Duration.ofSeconds(10)).until(() -> inventoryThreads() == 0);
        assertThat(blocked).hasValue(2);
    }

    @Test
    void shouldAskForSshKeysPerUserAndKeepThemOutOfTheTokensWhenIncluded() throws Exception {
        // given
        AtomicInteger sshCalls = new AtomicInteger();
        InventoryScanner.AdoGet counting = (uri, what) -> {
            if (uri.getQuery().contains("isPublic=true")) {
                sshCalls.incrementAndGet();
            }
            return http.get(uri, what);
        };
        InventoryScanner scanner = scanner(counting, 2, true);

        // when
        InventoryScanner.Snapshot snapshot = scanner.scan();

        // then: the simulator has no SSH keys; each user was asked once, and the PAT inventory is unchanged
        assertThat(sshCalls).hasValue(simulator.org().users().size());
        assertThat(snapshot.sshKeys()).isZero();
        assertThat(scanner.lastScanSshKeys()).isZero();
        assertThat(snapshot.tokens()).hasSize(simulator.org().tokens().size());
        assertThat(snapshot.tokens().values()).noneMatch(token -> token.token().isPublic());
    }

    @Test
    void shouldAskForSshKeysOnlyThroughTheIsPublicParameterWhenBuildingTheirUrl() {
        // given
        URI pats = endpoints.personalAccessTokens("aad.aXNQdWJsaWM9ZmFsc2U=", "abc=");

        // when
        URI ssh = InventoryScanner.sshKeys(pats);

        // then
        assertThat(ssh.toString()).isEqualTo(pats.toString().replace("isPublic=false", "isPublic=true"));
        assertThat(ssh.getQuery()).contains("isPublic=true").doesNotContain("isPublic=false");
        assertThat(ssh.getRawPath()).isEqualTo(pats.getRawPath());
    }

    private Map<String, String> owners() {
        return simulator.org().tokens().stream()
                .collect(Collectors.toMap(SimToken::authorizationId, SimToken::ownerDescriptor));
    }

    private static long inventoryThreads() {
        List<Thread> threads = List.copyOf(Thread.getAllStackTraces().keySet());
        return threads.stream().filter(t -> t.getName().startsWith("patrol-inventory-") && t.isAlive()).count();
    }
}
