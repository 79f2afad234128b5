package dev.patrol.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Guards what browser tests rely on when they assert "no errors on the page": that an uncaught exception, a
 * {@code console.error} and a load the page's Content-Security-Policy blocks are each reported. Without this, an empty
 * {@link HeadlessChromium#pageErrors()} could mean "nothing was listening". Skipped where Chromium is not installed.
 */
class HeadlessChromiumIT {

    @TempDir
    Path dir;

    @Test
    void shouldReportUncaughtErrorsConsoleErrorsAndBlockedLoads() throws Exception {
        Optional<Path> chromium = HeadlessChromium.find();
        Assumptions.assumeTrue(chromium.isPresent(), "Chromium is not installed (Debian: apt-get install -y chromium)");
        Path page = dir.resolve("broken.html");
        Files.writeString(page, """
                <!DOCTYPE html><html><head><meta charset="utf-8">
                <meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'">
                <title>broken</title></head><body><p id="ok">fine</p>
                <img src="https://example.invalid/pixel.png" alt="">
                <script>console.log('not an error'); console.error('boom', 42); undefinedFunction();</script>
                </body></html>
                """);

        try (var browser = HeadlessChromium.launch(chromium.get(), dir.resolve("chromium.log"))) {
            browser.navigate(page.toUri().toString());

            assertThat(browser.evaluate("document.getElementById('ok').textContent")).isEqualTo("fine");
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                    .until(() -> browser.pageErrors().size() >= 3);
            assertThat(browser.pageErrors()).anySatisfy(e -> assertThat(e).startsWith("console.error: boom 42"))
                    .anySatisfy(e -> assertThat(e).startsWith("uncaught: ReferenceError: undefinedFunction"))
                    .anySatisfy(e -> assertThat(e).contains("Content Security Policy", "pixel.png"))
                    .noneSatisfy(e -> assertThat(e).contains("not an error"));

            browser.clearPageErrors();
            assertThat(browser.pageErrors()).isEmpty();
        }
    }
}
