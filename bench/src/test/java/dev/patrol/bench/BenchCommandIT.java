package dev.patrol.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Guards against a {@code patrol bench} that no longer runs end to end (a service's API or configuration moved, a
 * step hangs) or drops a figure scripts read: a run on tiny sizes must finish and print every key. The figures of
 * such a run mean nothing and are not checked.
 */
class BenchCommandIT {

    @Test
    void shouldPrintEveryFigureWhenRunOnTinySizes() {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();

        int code = BenchCommand.run(List.of("--events", "1000", "--ingest-entries", "200", "--users", "20",
                        "--latency-seconds", "1", "--rate", "500", "--delivery-seconds", "1", "--inventory-users", "40",
                        "--heap-tokens", "500"),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));

        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(code).as("exit status; stderr:%n%s", err.toString(StandardCharsets.UTF_8)).isZero();
        for (String key : Report.KEYS) {
            assertThat(printed).as("figure %s", key).containsPattern("(?m)^" + key + "=\\S+$");
        }
        for (Report.Target target : Report.TARGETS) {
            assertThat(printed).containsPattern("(?m)^target_" + target.key() + "=(met|MISSED) ");
        }
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("patrol bench [").contains("7/7 heap");
    }

    @Test
    void shouldExitWithUsageWhenAnOptionIsUnknown() {
        var err = new ByteArrayOutputStream();

        int code = BenchCommand.run(List.of("--fast"), new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8));

        assertThat(code).isEqualTo(BenchCommand.EXIT_USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("patrol bench: unknown option '--fast'");
    }
}
