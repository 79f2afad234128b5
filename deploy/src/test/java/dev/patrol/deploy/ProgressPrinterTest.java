package dev.patrol.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class ProgressPrinterTest {

    static final Instant START = Instant.parse("2026-11-20T00:00:00Z");

    /** A clock the test moves. */
    static final class ManualClock extends Clock {
        Instant now = START;

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void shouldRedrawOneLineWithBarAndEtaOnATerminal() {
        var bytes = new ByteArrayOutputStream();
        var clock = new ManualClock();
        var printer = new ProgressPrinter(new PrintStream(bytes, true, StandardCharsets.UTF_8), true, clock, Duration.ofSeconds(5));

        clock.now = START.plusSeconds(30);
        printer.onProgress(Instant.parse("2026-10-01T00:00:00Z"), 1234, 0.25, false);
        clock.now = START.plusSeconds(120);
        printer.onProgress(Instant.parse("2026-11-20T00:01:00Z"), 5000, 1, true);

        String text = bytes.toString(StandardCharsets.UTF_8);
        assertThat(text).startsWith("\r[########......................]  25%  read up to 2026-10-01T00:00:00Z  1,234 entries  ETA 1m30s");
        assertThat(text).contains("\r[##############################] 100%").contains("done in 2m00s").endsWith(System.lineSeparator());
    }

    @Test
    void shouldPrintPlainLinesAtMostEveryIntervalButAlwaysTheLast() {
        var bytes = new ByteArrayOutputStream();
        var clock = new ManualClock();
        var printer = new ProgressPrinter(new PrintStream(bytes, true, StandardCharsets.UTF_8), false, clock, Duration.ofSeconds(5));

        printer.onProgress(START, 1, 0.1, false);
        clock.now = START.plusSeconds(2);
        printer.onProgress(START, 2, 0.2, false);
        clock.now = START.plusSeconds(6);
        printer.onProgress(START, 3, 0.3, false);
        clock.now = START.plusSeconds(7);
        printer.onProgress(START, 4, 1, true);

        assertThat(bytes.toString(StandardCharsets.UTF_8).lines()).hasSize(3)
                .allSatisfy(line -> assertThat(line).startsWith("backfill: "))
                .last().asString().contains("100%").contains("done in 7s");
    }
}
