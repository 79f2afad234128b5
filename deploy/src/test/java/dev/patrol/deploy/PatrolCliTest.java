package dev.patrol.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PatrolCliTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(Map<String, String> env, String... args) {
        return new PatrolCli(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), env).run(args);
    }

    private String stderr() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void shouldPrintUsageAndSucceedWhenAskedForHelp() {
        int code = run(Map.of(), "--help");

        assertThat(code).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("Usage: patrol <command>", "demo", "ingest",
                "streams", "alerts", "--config FILE");
    }

    @Test
    void shouldFailWithUsageWhenCommandIsUnknown() {
        int code = run(Map.of(), "launch");

        assertThat(code).isEqualTo(2);
        assertThat(stderr()).startsWith("patrol: unknown command 'launch'");
    }

    @Test
    void shouldNameTheKeyInOneLineWhenConfigIsBad() throws IOException {
        Path config = dir.resolve("patrol.yaml");
        Files.writeString(config, "organization: contoso\ningest:\n  pollInterval: often\n");

        int code = run(Map.of("ADO_PAT", "x"), "ingest", "--config", config.toString());

        assertThat(code).isEqualTo(2);
        assertThat(stderr().lines().toList()).singleElement().satisfies(line -> assertThat(line)
                .startsWith("patrol: config key ingest.pollInterval").contains("'often'"));
    }

    @Test
    void shouldSayWhereThePatIsExpectedWhenItIsMissing() throws IOException {
        Path config = dir.resolve("patrol.yaml");
        Files.writeString(config, "organization: contoso\n");

        int code = run(Map.of(), "ingest", "--config", config.toString());

        assertThat(code).isEqualTo(2);
        assertThat(stderr()).contains("ADO_PAT").doesNotContain("Exception");
    }

    @Test
    void shouldRequireCorporateNetworksForStreams() {
        int code = run(Map.of(), "streams");

        assertThat(code).isEqualTo(2);
        assertThat(stderr()).contains("network.corporateCidrs");
    }

    @Test
    void shouldRejectUnknownOption() {
        int code = run(Map.of(), "demo", "--speed", "3");

        assertThat(code).isEqualTo(2);
        assertThat(stderr()).startsWith("patrol: unknown option '--speed'");
    }

    @Test
    void shouldRejectSeedThatIsNotANumber() {
        int code = run(Map.of(), "demo", "--seed", "abc");

        assertThat(code).isEqualTo(2);
        assertThat(stderr()).contains("--seed: 'abc' is not a whole number");
    }

    @Test
    void shouldReportMissingConfigFile() {
        int code = run(Map.of(), "alerts", "--config", dir.resolve("absent.yaml").toString());

        assertThat(code).isEqualTo(2);
        assertThat(stderr()).contains("absent.yaml: not found");
    }
}
