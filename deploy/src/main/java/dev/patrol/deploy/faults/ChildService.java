package dev.patrol.deploy.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One PATrol service ({@code patrol ingest|streams|alerts}) as a child JVM, started the way an operator starts it
 * (the launcher's own class path and main class, configured only through the environment), so that a kill here is
 * a real SIGKILL of a real process ({@link Process#destroyForcibly()} on Linux).
 *
 * <p>Like a Kubernetes Deployment with {@code restartPolicy: Always}, a child that exits on its own while supervised
 * is started again after a second; such exits are counted and reported, never hidden. Each run's output goes to its
 * own file under the log folder.
 */
final class ChildService implements AutoCloseable {

    private final String name;
    private final String command;
    private final Map<String, String> env;
    private final Path logs;
    private final List<String> jvmOptions;
    private final Consumer<String> progress;
    private final List<Instant> kills = new ArrayList<>(); // guarded by this
    private Process process; // guarded by this
    private int runs; // guarded by this
    private int selfExits; // guarded by this
    private Instant startedAt; // guarded by this
    private boolean supervised = true; // guarded by this
    private int metricsPort; // guarded by this
    private Thread supervisor;

    ChildService(String name, String command, Map<String, String> env, Path logs, List<String> jvmOptions,
                 Consumer<String> progress) {
        this.name = name;
        this.command = command;
        this.env = Map.copyOf(env);
        this.logs = logs;
        this.jvmOptions = List.copyOf(jvmOptions);
        this.progress = progress;
    }

    /** Starts the first run and the supervisor. */
    synchronized ChildService start() {
        launch();
        supervisor = new Thread(this::supervise, "faults-supervisor-" + name);
        supervisor.setDaemon(true);
        supervisor.start();
        return this;
    }

    /** SIGKILL of the running process, waited for; the supervisor's next round does not count it as an exit. */
    void kill() throws InterruptedException {
        Process victim;
        synchronized (this) {
            victim = process;
            kills.add(Instant.now());
        }
        victim.destroyForcibly();
        if (!victim.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException(name + " did not die within 30 s of SIGKILL");
        }
    }

    /** Kills the running process and starts a new one at once. */
    synchronized void killAndRestart() throws InterruptedException {
        kill();
        launch();
    }

    /** Kills it for good: no restart follows. */
    void killForGood() throws InterruptedException {
        synchronized (this) {
            supervised = false;
        }
        kill();
    }

    synchronized Instant startedAt() {
        return startedAt;
    }

    synchronized List<Instant> kills() {
        return List.copyOf(kills);
    }

    synchronized int selfExits() {
        return selfExits;
    }

    synchronized boolean alive() {
        return process != null && process.isAlive();
    }

    String name() {
        return name;
    }

    /** A Prometheus scrape of the running process, or empty when it is not running or does not answer. */
    java.util.Optional<String> scrapeMetrics(java.net.http.HttpClient http) {
        int port;
        synchronized (this) {
            if (process == null || !process.isAlive()) {
                return java.util.Optional.empty();
            }
            port = metricsPort;
        }
        try {
            var response = http.send(java.net.http.HttpRequest.newBuilder(
                            java.net.URI.create("http://127.0.0.1:" + port + "/metrics"))
                    .timeout(Duration.ofSeconds(10)).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? java.util.Optional.of(response.body()) : java.util.Optional.empty();
        } catch (IOException e) {
            return java.util.Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return java.util.Optional.empty();
        }
    }

    private static int freePort() {
        try (var socket = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port for metrics", e);
        }
    }

    private void launch() {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> commandLine = new ArrayList<>();
        commandLine.add(java);
        commandLine.addAll(jvmOptions);
        commandLine.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.patrol.deploy.PatrolCli", command));
        ProcessBuilder builder = new ProcessBuilder(commandLine).redirectErrorStream(true)
                .redirectOutput(logs.resolve(name + "-" + runs + ".log").toFile());
        // Only what the suite sets configures the child, never the caller's own PATROL_/KAFKA_/ADO_ settings.
        builder.environment().keySet().removeIf(k -> k.startsWith("PATROL_") || k.startsWith("KAFKA_")
                || k.startsWith("AZURE_") || k.startsWith("ADO_") || k.startsWith("WEBHOOK_") || k.startsWith("RESPONSE_"));
        builder.environment().putAll(env);
        // Its metrics on a fresh loopback port each run, so the suite can scrape the live process (secret scan).
        metricsPort = freePort();
        builder.environment().put("PATROL_METRICS_BIND_ADDRESS", "127.0.0.1");
        builder.environment().put("PATROL_METRICS_" + command.toUpperCase(Locale.ROOT) + "_PORT",
                Integer.toString(metricsPort));
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
        runs++;
        startedAt = Instant.now();
    }

    private void supervise() {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                Thread.sleep(500);
                synchronized (this) {
                    if (!supervised) {
                        return;
                    }
                    if (!process.isAlive()) {
                        int code = process.exitValue();
                        boolean killed = !kills.isEmpty() && Duration.between(kills.get(kills.size() - 1),
                                Instant.now()).compareTo(Duration.ofSeconds(2)) < 0 && code == 137;
                        if (code == 2) {
                            progress.accept(name + " refused its configuration (status 2, log "
                                    + logs.resolve(name + "-" + (runs - 1) + ".log") + "); not restarting it");
                            selfExits++;
                            supervised = false;
                            return;
                        }
                        if (!killed) {
                            selfExits++;
                            progress.accept(name + " exited on its own (status " + code + ", log "
                                    + logs.resolve(name + "-" + (runs - 1) + ".log") + "); restarting it");
                        }
                        wait(1000);
                        if (supervised && !process.isAlive()) {
                            launch();
                        }
                    }
                }
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Stops it in order (SIGTERM), then forcibly if it has not stopped within 20 s. */
    @Override
    public void close() {
        Process last;
        synchronized (this) {
            supervised = false;
            last = process;
        }
        if (supervisor != null) {
            supervisor.interrupt();
        }
        if (last == null) {
            return;
        }
        last.destroy();
        try {
            if (!last.waitFor(20, TimeUnit.SECONDS)) {
                last.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            last.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
