package dev.patrol.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Guards the README's promise: the packaged {@code patrol demo} (a real child JVM, as the launcher runs it) prints an
 * off-network finding within 60 s, serves its metrics and health, and exits 0 on Ctrl-C (SIGINT).
 */
class DemoCommandIT {

    @Test
    void shouldPrintAFindingWithinAMinuteAndExitZeroOnInterrupt() throws Exception {
        Path jar = Path.of("target", "patrol.jar");
        assertThat(jar).as("packaged launcher jar").exists();
        Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
        int metricsPort;
        try (var socket = new java.net.ServerSocket(0)) {
            metricsPort = socket.getLocalPort();
        }
        List<String> command = new java.util.ArrayList<>(List.of(javaBin.toString(), "-jar", jar.toString(), "demo",
                "--metrics-port", Integer.toString(metricsPort)));
        if (sigintIgnoredHere()) {
            // A build started in the background of a shell (nohup, `cmd &`, some CI runners) ignores SIGINT, and the
            // child JVM would inherit that and never see Ctrl-C. A terminal does not: put SIGINT back to its default
            // before exec, as a terminal would have it.
            Assumptions.assumeTrue(onPath("perl"), "SIGINT is ignored in this build and perl is missing to reset it");
            command.addAll(0, List.of("perl", "-e", "$SIG{INT} = 'DEFAULT'; exec { $ARGV[0] } @ARGV or die \"exec: $!\"",
                    "--"));
        }
        Process process = new ProcessBuilder(command).start();
        List<String> stdout = new CopyOnWriteArrayList<>();
        List<String> stderr = new CopyOnWriteArrayList<>();
        collect(process.getInputStream(), stdout);
        collect(process.getErrorStream(), stderr);
        Instant started = Instant.now();
        try {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> stdout.stream().anyMatch(l -> l.startsWith("FINDING ") && l.contains("PAT-OFFNET-01"))
                            || !process.isAlive());
            assertThat(process.isAlive()).as("demo still running; stderr:\n%s", String.join("\n", stderr)).isTrue();
            System.out.println("demo printed its first finding after "
                    + Duration.between(started, Instant.now()).toMillis() + " ms");

            var http = java.net.http.HttpClient.newHttpClient();
            String scrape = http.send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("http://127.0.0.1:" + metricsPort + "/metrics")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).body();
            assertThat(scrape).contains("patrol_findings_total{", "rule=\"PAT-OFFNET-01\"", "jvm_memory_used_bytes",
                    "patrol_detection_delay_seconds_bucket", "patrol_audit_entries_total{", "patrol_ingest_lag_seconds",
                    "patrol_ado_availability_delay_seconds_bucket",
                    "patrol_inventory_tokens");
            assertThat(http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:"
                    + metricsPort + "/health/ready")).build(), java.net.http.HttpResponse.BodyHandlers.discarding())
                    .statusCode()).isEqualTo(200);

            new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).start().waitFor();

            boolean exited = process.waitFor(60, TimeUnit.SECONDS);
            assertThat(exited).as("demo exits after SIGINT; its threads:\n%s\nstderr:\n%s",
                    exited ? "" : threadDump(process), String.join("\n", stderr)).isTrue();
            assertThat(process.exitValue()).as("exit code; stderr:\n%s", String.join("\n", stderr)).isZero();
            await().atMost(Duration.ofSeconds(5)).until(() -> stderr.stream().anyMatch(l -> l.contains("stopped after")));
            assertThat(stderr).noneMatch(l -> l.contains("Exception"));
        } finally {
            process.destroyForcibly();
        }
    }

    /** Whether this JVM inherited an ignored SIGINT (bit 2 of SigIgn in /proc/self/status); false where unknown. */
    private static boolean sigintIgnoredHere() {
        try {
            return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("SigIgn:"))
                    .map(l -> Long.parseUnsignedLong(l.substring("SigIgn:".length()).trim(), 16))
                    .anyMatch(mask -> (mask & (1L << (2 - 1))) != 0);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static boolean onPath(String program) {
        return java.util.Arrays.stream(System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator))
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, program)));
    }

    /** The JDK's jstack of a process that would not stop, so a failure says where it hangs. */
    private static String threadDump(Process process) {
        try {
            Path jstack = Path.of(System.getProperty("java.home"), "bin", "jstack");
            Process dump = new ProcessBuilder(jstack.toString(), Long.toString(process.pid())).redirectErrorStream(true)
                    .start();
            String text = new String(dump.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            dump.waitFor(30, TimeUnit.SECONDS);
            return text;
        } catch (IOException | InterruptedException e) {
            return "(no thread dump: " + e + ")";
        }
    }

    private static void collect(InputStream stream, List<String> lines) {
        Thread reader = new Thread(() -> {
            try (var in = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // process ended
            }
        });
        reader.setDaemon(true);
        reader.start();
    }
}
