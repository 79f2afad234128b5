package dev.patrol.alerts.response;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.patrol.model.event.ResponseAction.Status;
import dev.patrol.testkit.HeadlessChromium;
import dev.patrol.testkit.KafkaExtension;
import dev.patrol.testkit.TestKafka;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Guards the approval page in a real browser (headless Chromium over the DevTools protocol): the page renders under its
 * own Content-Security-Policy, the form posts with the browser's cookie and Origin, and clicking Approve revokes the
 * token once. Screenshots before and after the click are kept in {@code target/} ({@code approval-page.png}).
 * Skipped where Chromium is not installed (Debian: {@code apt-get install -y chromium}).
 */
@ExtendWith(KafkaExtension.class)
class ApprovalBrowserIT {

    @TempDir
    Path dir;

    @Test
    void shouldRevokeTheTokenWhenApproveIsClickedInTheBrowser(TestKafka kafka) throws Exception {
        Optional<Path> chromium = HeadlessChromium.find();
        Assumptions.assumeTrue(chromium.isPresent(), "Chromium is not installed (looked for chromium, chromium-browser, "
                + "google-chrome on PATH, or PATROL_CHROMIUM): install it (Debian: apt-get install -y chromium) to run "
                + "the approval page browser test");
        Path output = Path.of(System.getProperty("patrol.screenshot.dir", "target"));
        Files.createDirectories(output);

        try (var world = new PlaybookHarness(kafka, dir, ApprovalFlowIT.APPROVAL_POLICY)) {
            String token = world.addToken(0, "vso.code");
            try (var service = world.start(Clock.systemUTC());
                 var browser = HeadlessChromium.launch(chromium.get(), output.resolve("chromium.log"))) {
                URI link = service.onFinding(ApprovalFlowIT.anonymized(world, token)).approvalUrl().orElseThrow();

                browser.navigate(link.toString());
                assertThat(browser.evaluate("document.querySelector('h1').textContent"))
                        .isEqualTo("Revoke this personal access token?");
                assertThat(browser.evaluate("document.body.innerText")).contains(token, "PAT-ANON-06");
                browser.screenshot(output.resolve("approval-page-before.png"));
                assertThat(world.revocations()).as("opening the page revokes nothing").isEmpty();

                browser.type("#name", "Dana Browser");
                browser.click("#approve");

                await().atMost(Duration.ofSeconds(30)).until(() -> browser.evaluateQuietly(
                        "document.readyState === 'complete' && document.getElementById('outcome') !== null "
                                + "? document.getElementById('outcome').textContent : ''").startsWith("Revoked by PATrol"));
                browser.screenshot(output.resolve("approval-page.png"));
                assertThat(browser.evaluate("document.querySelector('h1').textContent")).isEqualTo("Token revoked");
                assertThat(browser.evaluate("document.forms.length")).isEqualTo("0");
            }

            assertThat(world.revocations()).containsExactly(token);
            assertThat(world.actions(token, Status.APPROVED)).singleElement()
                    .satisfies(a -> assertThat(a.decidedBy()).isEqualTo("Dana Browser (self-declared)"));
            assertThat(output.resolve("approval-page.png")).isNotEmptyFile();
        }
    }
}
