package dev.patrol.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A helper process on this JVM's classpath: the broker and the measured streams service run apart from the bench, so
 * their heap, RSS and GC are theirs alone. The child lives while its stdin is open ({@link ChildMain}), so it ends
 * with the bench even when the bench is killed. Its stderr goes to a log file.
 */
final class ChildJvm implements AutoCloseable {

    private final Process process;
    private final BufferedReader stdout;
    private final Path log;

    private ChildJvm(Process process, Path log) {
        this.process = process;
        this.stdout = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        this.log = log;
    }

    static ChildJvm start(Class<?> main, List<String> jvmOptions, List<String> args, Map<String, String> env, Path log)
            throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(main.getName());
        command.addAll(args);
        var builder = new ProcessBuilder(command).redirectError(log.toFile());
        builder.environment().putAll(env);
        return new ChildJvm(builder.start(), log);
    }

    /** Waits for the child's line starting with {@code prefix} and returns the rest of it. */
    String awaitLine(String prefix, Duration timeout) throws InterruptedException, TimeoutException {
        CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> {
            try {
                for (String l; (l = stdout.readLine()) != null; ) {
                    if (l.startsWith(prefix)) {
                        return l.substring(prefix.length()).strip();
                    }
                }
                return null;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        try {
            String found = line.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (found == null) {
                throw new IllegalStateException("helper process " + process.pid() + " ended before it was ready: "
                        + lastLogLine());
            }
            // Keep reading: a child whose stdout pipe fills up (a logger writing there) blocks on its next write.
            Thread drain = new Thread(() -> {
                try {
                    while (stdout.readLine() != null) {
                        // discard
                    }
                } catch (IOException e) {
                    // the child ended
                }
            }, "bench-child-stdout-" + process.pid());
            drain.setDaemon(true);
            drain.start();
            return found;
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("helper process " + process.pid() + ": " + e.getCause().getMessage(), e);
        }
    }

    long pid() {
        return process.pid();
    }

    boolean alive() {
        return process.isAlive();
    }

    /** Resident set size in MB, from /proc (Linux); -1 where there is no /proc. */
    long rssMb() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
                if (l.startsWith("VmRSS:")) {
                    return Long.parseLong(l.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    private static final Pattern USED = Pattern.compile("total (\\d+)K, used (\\d+)K");

    /** Runs a full GC in the child with {@code jcmd}, then returns {used, committed} heap in MB. */
    long[] heapAfterGcMb() throws IOException, InterruptedException {
        jcmd("GC.run");
        String info = jcmd("GC.heap_info");
        Matcher m = USED.matcher(info);
        if (!m.find()) {
            throw new IllegalStateException("jcmd GC.heap_info gave no heap figures: " + info.lines().findFirst().orElse(""));
        }
        return new long[] {Long.parseLong(m.group(2)) / 1024, Long.parseLong(m.group(1)) / 1024};
    }

    private String jcmd(String what) throws IOException, InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid()), what).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("jcmd " + what + " failed: " + output.lines().findFirst().orElse(""));
        }
        return output;
    }

    String lastLogLine() {
        try {
            List<String> lines = Files.readAllLines(log);
            return lines.isEmpty() ? "(no output; see " + log + ")" : lines.get(lines.size() - 1) + " (log " + log + ")";
        } catch (IOException e) {
            return "(see " + log + ")";
        }
    }

    @Override
    public void close() {
        try {
            process.getOutputStream().close(); // the child's cue to stop cleanly
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroy();
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            }
        } catch (IOException e) {
            process.destroyForcibly();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
