package dev.patrol.ingest.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.patrol.ingest.ado.AdoApiException;
import dev.patrol.ingest.ado.AdoCredential;
import dev.patrol.ingest.ado.AdoEndpoints;
import dev.patrol.ingest.ado.AdoHttpClient;
import dev.patrol.ingest.ado.ManualClock;
import dev.patrol.ingest.ado.RetryPolicy;
import dev.patrol.model.Secret;
import dev.patrol.model.json.Json;
import dev.patrol.simulator.AdoSimulator;
import dev.patrol.simulator.SimulatorConfig;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One window read page by page against the simulator over real HTTP, healthy and faulted mid-window. A zero delay on
 * the first page is how a test lets page one through and faults page two: rules queue in order.
 */
class AuditLogReaderTest {

    private final ManualClock clock = new ManualClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    private AdoSimulator simulator;
    private AuditLogReader reader;

    @BeforeEach
    void start() {
        simulator = AdoSimulator.start(SimulatorConfig.defaults().withSeed(31).withClock(clock));
        var client = new AdoHttpClient(AdoCredential.pat(Secret.of(SimulatorConfig.defaults().pat())),
                Duration.ofSeconds(5), new RetryPolicy(3, Duration.ofMillis(10), Duration.ofMillis(50)),
                clock.sleeper(), clock);
        reader = new AuditLogReader(new AdoEndpoints(simulator.baseUrl(), simulator.baseUrl(),
                simulator.org().organization()), client, 50);
    }

    @AfterEach
    void stop() {
        simulator.close();
    }

    private List<PageEntry> readLastDay() throws InterruptedException {
        return reader.read(clock.instant().minus(Duration.ofDays(1)), clock.instant());
    }

    @Test
    void shouldReadEveryEntryOnceWhenFollowingPages() throws Exception {
        // when
        List<PageEntry> entries = readLastDay();

        // then
        assertThat(entries).extracting(PageEntry::id).doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(simulator.org().auditEntries().stream()
                        .map(e -> e.get("id").asText()).toList());
        assertThat(entries).extracting(e -> Json.mapper().readTree(e.json()))
                .as("each entry's bytes are the JSON the simulator holds for it")
                .containsExactlyInAnyOrderElementsOf(simulator.org().auditEntries());
        assertThat(simulator.requestCount()).isEqualTo(4);
    }

    @Test
    void shouldRequestTheNextPageWhileThePageBeforeItIsHandled() throws Exception {
        // given: a handler that waits, for each page with more to come, until the next page has been asked for
        List<Long> requestsWhenHandled = new java.util.ArrayList<>();

        // when
        reader.read(clock.instant().minus(Duration.ofDays(1)), clock.instant(), page -> {
            long nextRequest = requestsWhenHandled.size() + 2L;
            if (page.hasMore()) {
                await().atMost(Duration.ofSeconds(5)).until(() -> simulator.requestCount() >= nextRequest);
            }
            requestsWhenHandled.add(simulator.requestCount());
        });

        // then: page n was handled after request n + 1 was made, and no page was asked for twice
        assertThat(requestsWhenHandled).containsExactly(2L, 3L, 4L, 4L);
    }

    @Test
    void shouldStopReadingWhenTheHandlerFails() {
        // when
        assertThatThrownBy(() -> reader.read(clock.instant().minus(Duration.ofDays(1)), clock.instant(), page -> {
            throw new IllegalStateException("handler failed");
        })).isInstanceOf(IllegalStateException.class).hasMessage("handler failed");

        // then: at most the page asked for ahead of the failed one, nothing after it
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
                .until(() -> simulator.requestCount() <= 2);
    }

    @Test
    void shouldFailTheWindowWhenAPageIsTruncated() {
        // given
        simulator.faults().delayNext("auditlog", 1, Duration.ZERO);
        simulator.faults().truncateNext("auditlog", 1);

        // when / then
        assertThatThrownBy(this::readLastDay).isInstanceOf(AdoApiException.class)
                .hasMessageStartingWith("audit log: page 2 of window ")
                .hasMessageContaining("is not valid JSON")
                .hasMessageEndingWith("the window will be retried");
    }

    @Test
    void shouldFailTheWindowWhenAPageIsHtmlInsteadOfJson() {
        // given
        simulator.faults().invalidJsonNext("auditlog", 1);

        // when / then
        assertThatThrownBy(this::readLastDay).isInstanceOf(AdoApiException.class)
                .hasMessageStartingWith("audit log: page 1 of window ")
                .hasMessageContaining("is not valid JSON");
    }

    @Test
    void shouldFailClearlyInsteadOfLoopingWhenTheContinuationTokenRepeats() {
        // given: the server would repeat the token for as long as the client follows it
        simulator.faults().repeatContinuationTokenNext(1_000);

        // when / then
        assertThatThrownBy(this::readLastDay).isInstanceOf(AdoApiException.class)
                .hasMessageStartingWith("audit log: continuation token repeated after 2 pages");
        assertThat(simulator.requestCount()).isEqualTo(2);
    }

    @Test
    void shouldReadTheWholeWindowWhenTheSameReadIsRetriedAfterAFault() throws Exception {
        // given
        simulator.faults().truncateNext("auditlog", 1);
        assertThatThrownBy(this::readLastDay).isInstanceOf(AdoApiException.class);

        // when
        List<PageEntry> entries = readLastDay();

        // then
        assertThat(entries).hasSize(simulator.org().auditEntries().size());
    }
}
