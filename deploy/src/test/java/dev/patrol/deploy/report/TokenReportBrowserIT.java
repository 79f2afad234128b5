package dev.patrol.deploy.report;

import static dev.patrol.deploy.report.ReportFixtures.NOW;
import static dev.patrol.deploy.report.ReportFixtures.finding;
import static dev.patrol.deploy.report.ReportFixtures.report;
import static dev.patrol.deploy.report.ReportFixtures.token;
import static dev.patrol.deploy.report.ReportFixtures.user;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.patrol.model.event.Severity;
import dev.patrol.testkit.HeadlessChromium;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Guards the HTML token report in a real browser (headless Chromium over the DevTools protocol): the page opens from
 * disk without a console error (its Content-Security-Policy would report a script whose hash no longer matches, or any
 * outside load), shows the global-PAT table, and sorts it as numbers, text and times when a heading is clicked; with
 * scripts turned off the same rows show, in their default order. The page and a screenshot are kept in {@code target/}
 * ({@code token-report/tokens-report.html}, {@code token-report.png}). Skipped where Chromium is not installed (Debian:
 * {@code apt-get install -y chromium}).
 */
class TokenReportBrowserIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String NASTY = "mid <b>bold</b> & 'co' <img src=x onerror=alert(1)>";

    @Test
    void shouldShowAndSortTheGlobalPatTableWithoutErrorsWhenOpenedInABrowser() throws Exception {
        Optional<Path> chromium = HeadlessChromium.find();
        Assumptions.assumeTrue(chromium.isPresent(), "Chromium is not installed (looked for chromium, chromium-browser, "
                + "google-chrome on PATH, or PATROL_CHROMIUM): install it (Debian: apt-get install -y chromium) to run "
                + "the token report browser test");
        Path output = Path.of(System.getProperty("patrol.screenshot.dir", "target")).toAbsolutePath();
        Path page = output.resolve("token-report").resolve("tokens-report.html");
        Files.createDirectories(page.getParent());
        Files.writeString(page, TokenReportHtml.render(globalPatsDueAtDifferentTimes()), StandardCharsets.UTF_8);

        try (var browser = HeadlessChromium.launch(chromium.get(), output.resolve("chromium-token-report.log"))) {
            browser.navigate(page.toUri().toString());

            assertThat(browser.pageErrors()).as("errors the page reported").isEmpty();
            assertThat(browser.evaluate("document.querySelector('h1').textContent")).isEqualTo("PAT inventory");
            assertThat(column(browser, 1)).as("default order: soonest to break first")
                    .containsExactly("zeta-sync", "alpha-ci", NASTY, "beta-deploy");
            assertThat(column(browser, 4)).containsExactly("5", "40", "120", "182");

            clickHeading(browser, 4); // Days left
            assertThat(column(browser, 4)).as("as numbers, not text").containsExactly("5", "40", "120", "182");
            clickHeading(browser, 4);
            assertThat(column(browser, 4)).containsExactly("182", "120", "40", "5");
            assertThat(browser.evaluate("document.querySelector('#global-pats th:nth-child(4)').getAttribute('aria-sort')"))
                    .isEqualTo("descending");

            clickHeading(browser, 1); // Token
            assertThat(column(browser, 1)).containsExactly("alpha-ci", "beta-deploy", NASTY, "zeta-sync");

            clickHeading(browser, 6); // Valid to
            clickHeading(browser, 6);
            assertThat(column(browser, 1)).as("latest expiry first").containsExactly("beta-deploy", NASTY, "alpha-ci",
                    "zeta-sync");

            // Clicking scrolled the wide table sideways; the screenshot shows it from its first column.
            browser.evaluate("document.querySelectorAll('.scroll').forEach(box => box.scrollLeft = 0); "
                    + "window.scrollTo(0, 0); true");
            Path screenshot = output.resolve("token-report.png");
            browser.screenshot(screenshot);
            System.out.println("token report screenshot: " + screenshot);
            assertThat(screenshot).isNotEmptyFile();
            assertThat(browser.pageErrors()).as("errors the page reported while sorting").isEmpty();

            // Sorting is an enhancement: without scripts the rows are all there, in the order the writer chose.
            browser.command("Emulation.setScriptExecutionDisabled", JSON.createObjectNode().put("value", true));
            browser.navigate(page.toUri().toString());
            assertThat(column(browser, 1)).containsExactly("zeta-sync", "alpha-ci", NASTY, "beta-deploy");
            assertThat(browser.evaluate("document.querySelectorAll('#global-pats th button').length"))
                    .as("no script ran").isEqualTo("0");
            assertThat(browser.pageErrors()).isEmpty();
        }
    }

    /** Four global PATs breaking 5, 40 and 120 days from now and at the cut-off, named so no two orders agree. */
    private static TokenReport globalPatsDueAtDifferentTimes() {
        Instant from = NOW.minus(Duration.ofDays(30));
        var tokens = List.of(
                token("g-5", "zoe").asGlobal().named("zeta-sync").validBetween(from, NOW.plus(Duration.ofDays(5))),
                token("g-40", "adam").asGlobal().named("alpha-ci").validBetween(from, NOW.plus(Duration.ofDays(40))),
                token("g-120", "mia").asGlobal().named(NASTY).validBetween(from, NOW.plus(Duration.ofDays(120))),
                token("g-cut", "ben").asGlobal().named("beta-deploy").validBetween(from, Instant.parse("2027-03-01T00:00:00Z")),
                token("o-1", "adam").withScope("app_token"));
        var findings = List.of(finding("f1", "PAT-OFFNET-01", Severity.HIGH, "g-5", NOW.minusSeconds(600)));
        return report(tokens, List.of(user("zoe"), user("adam"), user("mia"), user("ben")), findings);
    }

    private static List<String> column(HeadlessChromium browser, int column) throws Exception {
        String json = browser.evaluate("JSON.stringify(Array.from(document.querySelectorAll('#global-pats tbody tr'))"
                + ".map(row => row.cells[" + (column - 1) + "].textContent))");
        return List.of(JSON.readValue(json, String[].class));
    }

    private static void clickHeading(HeadlessChromium browser, int column) throws Exception {
        browser.click("#global-pats th:nth-child(" + column + ") button");
    }
}
