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

    @Test
    void shouldListTheTokenReportInTheHelp() {
        int code = run(Map.of(), "--help");

        assertThat(code).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("report tokens", "--from kafka|ado", "--out DIR",
                "tokens-report.html");
    }

    @Test
    void shouldAskForTheKindOfReportWhenNoneIsGiven() {
        int code = run(Map.of(), "report");

        assertThat(code).isEqualTo(2);
        assertThat(stderr().lines().toList()).containsExactly("patrol: report needs a kind: patrol report tokens",
                "Run 'patrol --help' for usage.");
    }

    @Test
    void shouldNameTheReportsThereAreWhenTheKindIsUnknown() {
        int code = run(Map.of(), "report", "nope");

        assertThat(code).isEqualTo(2);
        assertThat(stderr()).startsWith("patrol: unknown report 'nope' (there is: tokens)\n");
    }

    @Test
    void shouldRequireAConfigForAReportFromKafka() {
        int code = run(Map.of(), "report", "tokens", "--from", "kafka");

        assertThat(code).isEqualTo(2);
        assertThat(stderr()).startsWith("patrol: --from kafka needs --config FILE (the Kafka cluster and topic prefix "
                + "to read)\n").doesNotContain("Exception");
    }

    @Test
    void shouldRejectAnUnknownReportSource() {
        int code = run(Map.of(), "report", "tokens", "--from", "carrier-pigeon");

        assertThat(code).isEqualTo(2);
        assertThat(stderr()).startsWith("patrol: --from: 'carrier-pigeon' is not a source (kafka or ado)");
    }

    @Test
    void shouldRejectAReportOutputThatIsAFile() throws IOException {
        Path file = Files.writeString(dir.resolve("taken"), "x");

        int code = run(Map.of(), "report", "tokens", "--out", file.toString());

        assertThat(code).isEqualTo(2);
        assertThat(stderr()).startsWith("patrol: --out: " + file + " exists and is not a directory");
    }

    @Test
    void shouldSayInOneLineWhenNoKafkaAnswersForAReport() throws IOException {
        int port;
        try (var socket = new java.net.ServerSocket(0)) {
            port = socket.getLocalPort(); // free once closed: nothing answers there
        }
        Path config = Files.writeString(dir.resolve("patrol.yaml"), "kafka:\n  embedded:\n    port: " + port + "\n");

        int code = run(Map.of(), "report", "tokens", "--config", config.toString(), "--out", dir.toString());

        assertThat(code).isEqualTo(1);
        assertThat(stderr().lines().filter(line -> line.startsWith("patrol: ")).toList()).singleElement()
                .satisfies(line -> assertThat(line).contains("no embedded broker answers at 127.0.0.1:" + port));
        assertThat(stderr()).doesNotContain("Exception");
        assertThat(dir.resolve("tokens.csv")).doesNotExist();
    }

    @Test
    void shouldNameTheKeyWhenAReportScanHasNoOrganization() throws IOException {
        Path config = Files.writeString(dir.resolve("patrol.yaml"), "ado:\n  requestTimeout: 5s\n");

        int code = run(Map.of(), "report", "tokens", "--from", "ado", "--config", config.toString());

        assertThat(code).isEqualTo(2);
        assertThat(stderr()).startsWith("patrol: config key organization: required to scan ADO");
    }
}
