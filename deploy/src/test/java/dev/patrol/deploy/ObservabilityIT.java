package dev.patrol.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Guards against a dashboard that silently shows nothing and an alert rule that never loads: every Grafana panel
 * has a query, the Prometheus rules pass {@code promtool check rules} and their unit tests, and against the packaged
 * demo scraped by a real Prometheus (the Debian {@code prometheus} package) every panel query returns data. Meters
 * of events the demo never causes (poll failures, dead letters, revocations) pass because the services register
 * them at zero; a query on a misspelt or missing meter still comes back empty and fails. The project's own meters
 * pass {@code promtool check metrics}.
 */
class ObservabilityIT {

    private static final Path DASHBOARDS = Path.of("grafana", "dashboards");
    private static final Path PROMETHEUS = Path.of("prometheus");
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Grafana fills these in at query time; for Prometheus's API they become fixed windows long enough to span the
     * whole run at a 1 s scrape interval.
     */
    private static final Map<String, String> GRAFANA_VARIABLES = Map.of(
            "$__rate_interval", "1m",
            "$__range", "5m",
            "$__interval", "15s");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void shouldGiveEveryDashboardPanelAQuery() throws IOException {
        List<Path> dashboards = dashboards();
        assertThat(dashboards).as("dashboards under %s", DASHBOARDS.toAbsolutePath()).hasSizeGreaterThanOrEqualTo(2);

        for (Path dashboard : dashboards) {
            JsonNode root = JSON.readTree(dashboard.toFile());
            assertThat(root.path("title").asText()).as("%s title", dashboard).startsWith("PATrol — ");
            List<JsonNode> panels = panels(root);
            assertThat(panels).as("%s panels", dashboard).isNotEmpty();
            for (JsonNode panel : panels) {
                List<String> exprs = new ArrayList<>();
                panel.path("targets").forEach(t -> exprs.add(t.path("expr").asText("")));
                assertThat(exprs).as("%s panel '%s' queries", dashboard.getFileName(), panel.path("title").asText())
                        .isNotEmpty().allSatisfy(e -> assertThat(e).isNotBlank());
            }
        }
    }

    @Test
    void shouldLoadTheAlertRulesAndPassTheirUnitTests() throws Exception {
        assumeTrue(onPath("promtool"), "promtool is not on PATH: install the Debian package `prometheus` to check the rules");

        assertThat(run(PROMETHEUS, "promtool", "check", "rules", "patrol-rules.yml")).isEqualTo("ok");
        assertThat(run(PROMETHEUS, "promtool", "check", "config", "prometheus.yml")).isEqualTo("ok");
        assertThat(run(PROMETHEUS, "promtool", "test", "rules", "patrol-rules.test.yml")).isEqualTo("ok");
    }

    @Test
    void shouldReturnDataForEveryPanelQueryAgainstTheDemoScrapedByPrometheus(@TempDir Path tmp) throws Exception {
        assumeTrue(onPath("prometheus") && onPath("promtool"),
                "prometheus/promtool are not on PATH: install the Debian package `prometheus` to run this check");
        Path jar = Path.of("target", "patrol.jar");
        assertThat(jar).as("packaged launcher jar (run `mvn package` first)").exists();
        int demoPort = freePort();
        int prometheusPort = freePort();
        Path demoOut = tmp.resolve("demo.out");
        Path demoErr = tmp.resolve("demo.err");
        Path prometheusLog = tmp.resolve("prometheus.log");
        Path config = tmp.resolve("prometheus.yml");
        // The shipped rules are loaded too, so Prometheus itself (not only promtool) accepts them.
        Files.writeString(config, """
                global:
                  scrape_interval: 1s
                  evaluation_interval: 1s
                rule_files:
                  - %s
                scrape_configs:
                  - job_name: patrol
                    static_configs:
                      - targets: ["127.0.0.1:%d"]
                        labels:
                          service: demo
                """.formatted(PROMETHEUS.resolve("patrol-rules.yml").toAbsolutePath(), demoPort));

        Process demo = null;
        Process prometheus = null;
        try {
            demo = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                    jar.toString(), "demo", "--metrics-port", Integer.toString(demoPort))
                    .redirectOutput(demoOut.toFile()).redirectError(demoErr.toFile()).start();
            prometheus = new ProcessBuilder("prometheus", "--config.file=" + config,
                    "--storage.tsdb.path=" + tmp.resolve("tsdb"),
                    "--web.listen-address=127.0.0.1:" + prometheusPort)
                    .redirectErrorStream(true).redirectOutput(prometheusLog.toFile()).start();
            Process demoProcess = demo;
            Process prometheusProcess = prometheus;
            String api = "http://127.0.0.1:" + prometheusPort;

            await("the demo's first finding").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                    .until(() -> !demoProcess.isAlive() || Files.readAllLines(demoOut).stream()
                            .anyMatch(l -> l.startsWith("FINDING ")));
            assertThat(demo.isAlive()).as("demo still running; stderr:\n%s", Files.readString(demoErr)).isTrue();
            assertThat(prometheus.isAlive()).as("prometheus running; log:\n%s", Files.readString(prometheusLog)).isTrue();

            Map<String, String> queries = panelQueries();
            // Rates need two samples of a series after it first appears, and the Kafka Streams binder first sees the
            // state stores on its one-minute refresh: wait until every panel query has data.
            await("every panel query returns data").atMost(Duration.ofSeconds(120))
                    .pollInterval(Duration.ofSeconds(1))
                    .untilAsserted(() -> assertThat(emptyOf(api, queries)).as("panel queries with no data").isEmpty());

            for (Map.Entry<String, String> query : queries.entrySet()) {
                System.out.printf("%-70s %3d series%n", query.getKey(), seriesCount(api, query.getValue()));
            }
            assertThat(prometheusProcess.isAlive()).isTrue();

            String scrape = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + demoPort + "/metrics"))
                    .build(), HttpResponse.BodyHandlers.ofString()).body();
            String own = scrape.lines()
                    .filter(l -> l.startsWith("patrol_") || l.startsWith("# HELP patrol_") || l.startsWith("# TYPE patrol_"))
                    .collect(Collectors.joining("\n", "", "\n"));
            assertThat(own).contains("# HELP patrol_alert_deliveries_total ", "# HELP patrol_findings_total ");
            assertThat(scrape).as("Kafka client meters of ingest's producer and the alert lanes' consumers")
                    .contains("kafka_producer_record_send_total", "kafka_consumer_fetch_manager_records_consumed_total");
            assertThat(own.lines().filter(l -> l.startsWith("# HELP patrol_")))
                    .as("every project meter has a description")
                    .allSatisfy(l -> assertThat(l.split(" ", 4)).hasSize(4));
            Path ownMetrics = tmp.resolve("patrol-metrics.txt");
            Files.writeString(ownMetrics, own);
            assertThat(runWithInput(tmp, ownMetrics, "promtool", "check", "metrics")).isEqualTo("ok");
        } finally {
            stop(prometheus);
            stop(demo);
        }
    }

    private List<String> emptyOf(String api, Map<String, String> queries) throws Exception {
        List<String> empty = new ArrayList<>();
        for (Map.Entry<String, String> query : queries.entrySet()) {
            if (seriesCount(api, query.getValue()) == 0) {
                empty.add(query.getKey() + ": " + query.getValue());
            }
        }
        return empty;
    }

    /** Evaluates one dashboard query as Grafana would at "now"; a query Prometheus refuses fails the test. */
    private int seriesCount(String api, String expr) throws Exception {
        String promql = expr;
        for (Map.Entry<String, String> variable : GRAFANA_VARIABLES.entrySet()) {
            promql = promql.replace(variable.getKey(), variable.getValue());
        }
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(api + "/api/v1/query?query="
                + URLEncoder.encode(promql, StandardCharsets.UTF_8))).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.path("status").asText()).as("query %s: %s", promql, response.body()).isEqualTo("success");
        return body.path("data").path("result").size();
    }

    /** Every target of every panel, keyed by dashboard file, panel title and refId. */
    private static Map<String, String> panelQueries() throws IOException {
        Map<String, String> queries = new LinkedHashMap<>();
        for (Path dashboard : dashboards()) {
            for (JsonNode panel : panels(JSON.readTree(dashboard.toFile()))) {
                panel.path("targets").forEach(t -> queries.put(dashboard.getFileName() + " / "
                        + panel.path("title").asText() + " / " + t.path("refId").asText(), t.path("expr").asText()));
            }
        }
        return queries;
    }

    private static List<Path> dashboards() throws IOException {
        try (Stream<Path> files = Files.list(DASHBOARDS)) {
            return files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
    }

    /** Panels, including those nested in collapsed rows. */
    private static List<JsonNode> panels(JsonNode root) {
        List<JsonNode> panels = new ArrayList<>();
        root.path("panels").forEach(panel -> {
            if ("row".equals(panel.path("type").asText())) {
                panel.path("panels").forEach(panels::add);
            } else {
                panels.add(panel);
            }
        });
        return panels;
    }

    private static boolean onPath(String command) {
        String path = System.getenv().getOrDefault("PATH", "");
        return Stream.of(path.split(File.pathSeparator)).anyMatch(dir -> Files.isExecutable(Path.of(dir, command)));
    }

    /** "ok", or the exit code and output, so a failing check shows promtool's own message. */
    private static String run(Path dir, String... command) throws Exception {
        return runWithInput(dir, null, command);
    }

    private static String runWithInput(Path dir, Path input, String... command) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        if (input != null) {
            builder.redirectInput(input.toFile());
        }
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return "timed out: " + output;
        }
        return process.exitValue() == 0 ? "ok" : "exit " + process.exitValue() + ":\n" + output;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** SIGTERM first so the demo closes its broker and Prometheus its TSDB; forcibly if that takes too long. */
    private static void stop(Process process) throws InterruptedException {
        if (process == null) {
            return;
        }
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
