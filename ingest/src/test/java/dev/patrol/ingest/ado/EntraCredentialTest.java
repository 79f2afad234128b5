package dev.patrol.ingest.ado;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.patrol.model.Secret;
import dev.patrol.simulator.AdoSimulator;
import dev.patrol.simulator.EntraApp;
import dev.patrol.simulator.SimulatorConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Entra client credentials against the simulator's token endpoint over real HTTP, on a clock the test moves: token
 * caching and refresh before expiry, refusals without secrets, the federated token file re-read, thread safety.
 */
class EntraCredentialTest {

    private static final EntraApp APP = EntraApp.defaults();
    private static final RetryPolicy RETRY = new RetryPolicy(3, Duration.ofMillis(100), Duration.ofSeconds(1));

    @TempDir
    Path dir;

    private final ManualClock clock = new ManualClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    private AdoSimulator simulator;

    @BeforeEach
    void startSimulator() {
        simulator = AdoSimulator.start(SimulatorConfig.defaults().withAuditEntries(20).withClock(clock)
                .withEntra(APP.withTokenLifetime(Duration.ofHours(1))));
    }

    @AfterEach
    void stopSimulator() {
        simulator.close();
    }

    private EntraCredential withSecret(String secret) {
        return credential(new EntraCredential.ClientSecret(Secret.of(secret), "environment AZURE_CLIENT_SECRET"));
    }

    private EntraCredential credential(EntraCredential.ClientProof proof) {
        return new EntraCredential(simulator.authorityUrl(), APP.tenantId(), APP.clientId(), proof,
                Duration.ofSeconds(5), RETRY, clock.sleeper(), clock);
    }

    @Test
    void shouldFetchOneTokenAndReuseItWhenAskedAgainBeforeItsRefreshTime() throws Exception {
        // given
        EntraCredential credential = withSecret(APP.clientSecret());

        // when
        String first = credential.authorization();
        clock.advance(Duration.ofMinutes(54));
        String second = credential.authorization();

        // then
        assertThat(first).startsWith("Bearer ").isEqualTo(second);
        assertThat(simulator.entraTokens().issued()).isEqualTo(1);
    }

    @Test
    void shouldRefreshFiveMinutesBeforeExpiryWhenTheClockGetsThere() throws Exception {
        // given
        EntraCredential credential = withSecret(APP.clientSecret());
        String first = credential.authorization();

        // when
        clock.advance(Duration.ofMinutes(55));
        String refreshed = credential.authorization();

        // then: a new token while the old one still works, so no request ever carries an expired one
        assertThat(refreshed).isNotEqualTo(first);
        assertThat(simulator.entraTokens().issued()).isEqualTo(2);
        AdoHttpClient client = new AdoHttpClient(credential, Duration.ofSeconds(5), RETRY, clock.sleeper(), clock);
        assertThat(client.get(auditUri(), "audit log").body()).isNotEmpty();
    }

    @Test
    void shouldFailClearlyWithoutRevealingTheSecretWhenTheClientSecretIsWrong() {
        // given
        EntraCredential credential = withSecret("wrong-client-secret-value");

        // when / then
        assertThatThrownBy(credential::authorization)
                .isInstanceOf(AdoAuthException.class)
                .hasMessageContaining("refused: HTTP 401 invalid_client (AADSTS7000215)")
                .hasMessageContaining(APP.clientId())
                .hasMessageNotContaining("wrong-client-secret-value");
        assertThat(credential.toString()).doesNotContain("wrong-client-secret-value");
        assertThat(credential.description()).doesNotContain("wrong-client-secret-value");
        assertThat(clock.sleeps()).as("a refusal is not retried").isEmpty();
    }

    @Test
    void shouldReadTheFederatedTokenFileAgainForEveryTokenRequest() throws Exception {
        // given: Kubernetes has not yet written the right token
        Path file = Files.writeString(dir.resolve("azure-identity-token"), "stale-token");
        EntraCredential credential = credential(new EntraCredential.FederatedTokenFile(file));
        assertThatThrownBy(credential::authorization).isInstanceOf(AdoAuthException.class)
                .hasMessageContaining("invalid_client (AADSTS700211)").hasMessageNotContaining("stale-token");

        // when: the file is rotated
        Files.writeString(file, APP.federatedAssertion() + "\n");
        String token = credential.authorization();

        // then
        assertThat(token).startsWith("Bearer ");
        assertThat(simulator.entraTokens().requests()).isEqualTo(2);
    }

    @Test
    void shouldKeepTheCurrentTokenUntilExpiryWhenARefreshFailsAndThenReportTheRefusal() throws Exception {
        // given
        Path file = Files.writeString(dir.resolve("azure-identity-token"), APP.federatedAssertion());
        EntraCredential credential = credential(new EntraCredential.FederatedTokenFile(file));
        String first = credential.authorization();
        Files.writeString(file, "revoked-federation");

        // when
        clock.advance(Duration.ofMinutes(56));
        String duringRefreshFailure = credential.authorization();
        clock.advance(Duration.ofMinutes(5));

        // then
        assertThat(duringRefreshFailure).isEqualTo(first);
        assertThatThrownBy(credential::authorization).isInstanceOf(AdoAuthException.class);
    }

    @Test
    void shouldRetryTheTokenEndpointWhenItFailsForAWhile() throws Exception {
        // given
        simulator.faults().failNext("oauth2", 2, 503);
        EntraCredential credential = withSecret(APP.clientSecret());

        // when
        String token = credential.authorization();

        // then
        assertThat(token).startsWith("Bearer ");
        assertThat(clock.sleeps()).hasSize(2);
    }

    @Test
    void shouldFetchOnlyOneTokenWhenManyThreadsAskAtOnce() throws Exception {
        // given
        EntraCredential credential = withSecret(APP.clientSecret());
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            // when
            List<Callable<String>> asks = IntStream.range(0, 32).<Callable<String>>mapToObj(i -> credential::authorization).toList();
            List<String> tokens = threads.invokeAll(asks).stream().map(EntraCredentialTest::join).toList();

            // then
            assertThat(tokens).hasSize(32).containsOnly(tokens.get(0));
            assertThat(simulator.entraTokens().issued()).isEqualTo(1);
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void shouldFetchAFreshTokenAndRetryOnceWhenAdoRefusesARevokedOne() throws Exception {
        // given
        EntraCredential credential = withSecret(APP.clientSecret());
        AdoHttpClient client = new AdoHttpClient(credential, Duration.ofSeconds(5), RETRY, clock.sleeper(), clock);
        client.get(auditUri(), "audit log");
        simulator.entraTokens().revokeAll();

        // when
        var response = client.get(auditUri(), "audit log");

        // then
        assertThat(response.body()).isNotEmpty();
        assertThat(simulator.entraTokens().issued()).isEqualTo(2);
    }

    @Test
    void shouldReportTheServicePrincipalWhenAdoKeepsRefusingItsTokens() throws Exception {
        // given: every token is refused, fresh ones too
        EntraCredential credential = withSecret(APP.clientSecret());
        AdoHttpClient client = new AdoHttpClient(credential, Duration.ofSeconds(5), RETRY, clock.sleeper(), clock);
        simulator.faults().failNext("auditlog", 2, 401);

        // when / then
        assertThatThrownBy(() -> client.get(auditUri(), "audit log"))
                .isInstanceOf(AdoAuthException.class)
                .hasMessageStartingWith("audit log: ADO answered 401 (Entra token of service principal " + APP.clientId());
        assertThat(simulator.entraTokens().issued()).isEqualTo(2);
    }

    private java.net.URI auditUri() {
        return new AdoEndpoints(simulator.baseUrl(), simulator.baseUrl(), simulator.org().organization())
                .auditLog(clock.instant().minus(Duration.ofDays(1)), clock.instant(), 5, null);
    }

    private static String join(Future<String> future) {
        try {
            return future.get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
