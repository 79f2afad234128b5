package dev.patrol.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code patrol bench --jmh [REGEX] [JMH options]}: runs the JMH benchmarks in {@code dev.patrol.bench.jmh} through
 * JMH's own command line, forked JVMs included (they inherit this JVM's classpath).
 */
final class Jmh {

    private Jmh() {
    }

    static int run(List<String> args, PrintStream out, PrintStream err) {
        List<String> jmhArgs = new ArrayList<>(args);
        jmhArgs.remove("--debug");
        if (jmhArgs.isEmpty() || jmhArgs.get(0).startsWith("-")) {
            jmhArgs.add(0, "dev\\.patrol\\.bench\\.jmh\\..*");
        }
        try {
            var options = new org.openjdk.jmh.runner.options.CommandLineOptions(jmhArgs.toArray(String[]::new));
            if (options.shouldHelp()) {
                options.showHelp();
                return BenchCommand.EXIT_OK;
            }
            if (options.shouldList()) {
                new org.openjdk.jmh.runner.Runner(options).list();
                return BenchCommand.EXIT_OK;
            }
            new org.openjdk.jmh.runner.Runner(options).run();
            return BenchCommand.EXIT_OK;
        } catch (org.openjdk.jmh.runner.options.CommandLineOptionException e) {
            err.println("patrol bench --jmh: " + e.getMessage());
            return BenchCommand.EXIT_USAGE;
        } catch (org.openjdk.jmh.runner.RunnerException e) {
            err.println("patrol bench --jmh: " + e.getMessage());
            return BenchCommand.EXIT_FAILED;
        } catch (java.io.IOException e) {
            err.println("patrol bench --jmh: " + e.getMessage());
            return BenchCommand.EXIT_FAILED;
        }
    }
}
