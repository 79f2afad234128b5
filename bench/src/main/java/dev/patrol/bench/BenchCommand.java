package dev.patrol.bench;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code patrol bench}: the end-to-end benchmark ({@link EndToEnd}) or, with {@code --jmh}, the JMH benchmarks of
 * the hot paths. The deploy CLI hands the arguments after {@code bench} to {@link #run}; figures go to stdout as
 * {@code key=value} lines, progress to stderr.
 */
public final class BenchCommand {

    public static final int EXIT_OK = 0;
    public static final int EXIT_FAILED = 1;
    public static final int EXIT_USAGE = 2;

    public static final String USAGE = """
            Usage: patrol bench [--quick] [options]
                   patrol bench --jmh [REGEX] [JMH options]

            Measures PATrol on this machine against baselines taken in the same run, on a real Kafka broker (a child
            JVM) and the ADO simulator: (1) ingest of the audit log vs a raw HTTP fetch of the same pages; (2) a
            generated audit stream (the simulated organization's entries replayed, a share of PAT uses from public
            addresses drawn by a Zipf distribution); (3-4) throughput and latency of the detection topology
            (exactly-once) vs a pass-through Kafka Streams app over the same records; (5) finding-to-webhook delivery
            through the alerts service; (6) an inventory scan under the simulator's enforced rate limit vs the least
            time that limit allows; (7) the streams service's heap and RSS, alone in a JVM, with a large inventory.
            ingest_ratio times ingest from its first page request to its last commit; its start-up (transactions and
            state restored from Kafka, paid once per start) is reported apart as ingest_startup_s.
            Progress goes to stderr; the figures end stdout as key=value lines, then whether each target holds.
            On 2 cores the full run takes 10-15 minutes, --quick about 6. Needs about 3 GB of memory and writes its
            data under .patrol/bench-* (deleted afterwards).

            Options:
              --quick              A shorter run: 150,000 events, 20 s latency and 15 s delivery runs, 200,000
                                   tokens for the heap figure (the full run: 600,000 events, 60 s, 60 s, 1,000,000).
              --events N           Generated audit events timed through both streams apps.
              --ingest-entries N   Entries of the simulated audit log ingest reads (10..200000).
              --users N            Users of that organization, one to three PATs each (1..10000).
              --off-network PCT    Percentage of PAT uses from public addresses (default 5).
              --rate N             Events per second of the latency runs (default 2000).
              --latency-seconds N  Length of each latency run.
              --delivery-seconds N Length of the delivery run (20 findings a second).
              --inventory-users N  Users (one PAT each) of the rate-limited inventory scan (default 10000).
              --heap-tokens N      Tokens in the inventory when the streams heap is measured.
              --seed N             Seed of the simulated organizations and the mix (default 42).
              --jmh [REGEX]        Run the JMH benchmarks instead (all, or those whose name matches REGEX);
                                   further arguments go to JMH (e.g. -f 1 -wi 2 -i 3; -h lists them).
              -h, --help           Show this help.

            Exit status: 0 when the run completed (whether or not every target holds), 1 when it failed,
            2 for bad usage.
            """;

    private BenchCommand() {
    }

    /** Runs {@code patrol bench ARGS}; returns the exit status. */
    public static int run(List<String> args, PrintStream out, PrintStream err) {
        if (args.contains("--jmh")) {
            List<String> jmh = new ArrayList<>(args);
            jmh.remove("--jmh");
            return Jmh.run(jmh, out, err);
        }
        Sizes sizes;
        try {
            sizes = parse(args);
        } catch (HelpRequested e) {
            out.print(USAGE);
            return EXIT_OK;
        } catch (IllegalArgumentException e) {
            err.println("patrol bench: " + e.getMessage());
            err.println("Run 'patrol bench --help' for usage.");
            return EXIT_USAGE;
        }
        quietServiceLogs();
        Report report = new Report();
        Runtime runtime = Runtime.getRuntime();
        report.put("cores", runtime.availableProcessors());
        report.put("memory_mb", physicalMemoryMb());
        report.put("jvm", System.getProperty("java.vm.name").replace(' ', '_') + "_" + System.getProperty("java.version"));
        Path workDir;
        try {
            Files.createDirectories(Path.of(".patrol"));
            workDir = Files.createTempDirectory(Path.of(".patrol"), "bench-").toAbsolutePath();
        } catch (java.io.IOException e) {
            err.println("patrol bench: cannot create a work folder under .patrol: " + e.getMessage());
            return EXIT_FAILED;
        }
        long started = System.nanoTime();
        try (EndToEnd bench = new EndToEnd(sizes, err, report, workDir)) {
            bench.run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("patrol bench: interrupted");
            return EXIT_FAILED;
        } catch (Exception e) {
            err.println("patrol bench: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
            if (args.contains("--debug")) {
                e.printStackTrace(err);
            }
            report.print(out);
            return EXIT_FAILED;
        }
        report.put("run_s", (System.nanoTime() - started) / 1e9);
        List<String> missed = report.print(out);
        err.println("patrol bench: done in " + (System.nanoTime() - started) / 1_000_000_000L + " s; "
                + (missed.isEmpty() ? "every target holds" : "targets missed: " + String.join(", ", missed)));
        return EXIT_OK;
    }

    private static final class HelpRequested extends RuntimeException {
        private static final long serialVersionUID = 1L;
    }

    static Sizes parse(List<String> args) {
        Sizes sizes = args.contains("--quick") ? Sizes.quick() : Sizes.full();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            switch (arg) {
                case "-h", "--help" -> throw new HelpRequested();
                case "--quick", "--debug" -> {
                }
                default -> {
                    String name = arg;
                    String value;
                    int eq = arg.indexOf('=');
                    if (arg.startsWith("--") && eq > 0) {
                        name = arg.substring(0, eq);
                        value = arg.substring(eq + 1);
                    } else {
                        if (!OPTIONS.contains(arg)) {
                            throw new IllegalArgumentException(arg.startsWith("-") ? "unknown option '" + arg + "'"
                                    : "unexpected argument '" + arg + "'");
                        }
                        if (i + 1 >= args.size()) {
                            throw new IllegalArgumentException(arg + " needs a value");
                        }
                        value = args.get(++i);
                    }
                    sizes = apply(sizes, name, value);
                }
            }
        }
        return sizes;
    }

    private static final List<String> OPTIONS = List.of("--events", "--ingest-entries", "--users", "--off-network",
            "--rate", "--latency-seconds", "--delivery-seconds", "--inventory-users", "--heap-tokens", "--seed");

    private static Sizes apply(Sizes sizes, String name, String value) {
        try {
            return switch (name) {
                case "--events" -> sizes.withEvents(whole(name, value));
                case "--ingest-entries" -> sizes.withIngestEntries(whole(name, value));
                case "--users" -> sizes.withUsers(whole(name, value));
                case "--off-network" -> sizes.withOffNetworkShare(Double.parseDouble(value) / 100);
                case "--rate" -> sizes.withRate(whole(name, value));
                case "--latency-seconds" -> sizes.withLatencySeconds(whole(name, value));
                case "--delivery-seconds" -> sizes.withDeliverySeconds(whole(name, value));
                case "--inventory-users" -> sizes.withInventoryUsers(whole(name, value));
                case "--heap-tokens" -> sizes.withHeapTokens(whole(name, value));
                case "--seed" -> sizes.withSeed(Long.parseLong(value));
                default -> throw new IllegalArgumentException("unknown option '" + name + "'");
            };
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + ": '" + value + "' is not a number");
        }
    }

    private static int whole(String name, String value) {
        try {
            int n = Integer.parseInt(value);
            if (n <= 0) {
                throw new IllegalArgumentException(name + ": " + value + " must be positive");
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + ": '" + value + "' is not a whole number");
        }
    }

    /** The services' lifecycle lines would bury the progress lines; warnings and errors still show. */
    private static void quietServiceLogs() {
        for (String name : List.of("dev.patrol", "org.apache.kafka", "kafka", "state.change.logger")) {
            if (org.slf4j.LoggerFactory.getLogger(name) instanceof ch.qos.logback.classic.Logger logger) {
                logger.setLevel(ch.qos.logback.classic.Level.WARN);
            }
        }
    }

    private static long physicalMemoryMb() {
        if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getTotalMemorySize() / (1024 * 1024);
        }
        return -1;
    }

    static String format(double value) {
        return String.format(Locale.ROOT, "%.3f", value);
    }
}
