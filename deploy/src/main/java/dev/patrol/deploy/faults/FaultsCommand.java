package dev.patrol.deploy.faults;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** {@code patrol faults}: parses the options, runs {@link FaultSuite}, prints the summary. */
public final class FaultsCommand {

    public static final String HELP = """
            Usage: patrol faults [--quick] [--entries N] [--kills N] [--seed S] [--outage DURATION]
                                 [--only 1,2,...] [--work-dir DIR]

            Runs the fault suite: each scenario starts a fresh simulated ADO organization, a local webhook receiver
            and the ingest, streams and alerts services as separate child JVMs (the way `patrol ingest|streams|alerts`
            run), on one embedded Kafka broker, injects its faults, waits until everything settled and counts.
              1  kill -9 (SIGKILL) of ingest, streams and alerts, each --kills times at random moments, during a
                 replay of --entries audit entries
              2  the broker stopped and restarted mid-run
              3  the webhook receiver down for --outage, then up (new off-network uses are planted meanwhile)
              4  ADO faults: 429 bursts, 5xx, timeouts, truncated and invalid JSON, repeating continuation tokens,
                 401 periods
              5  every entry also pushed twice through the HEC audit stream in shuffled order, plus late entries
              6  two streams instances with a standby replica each; one is killed for good
            Accounting: every simulator entry in the audit topics exactly once (read_committed); every planted
            off-network PAT use (the simulator's ground truth, plus ones the suite adds) detected as PAT-OFFNET-01,
            every committed finding delivered to the webhook, none committed or delivered twice (a repeat right
            after an alerts kill or broker outage is at-least-once and reported as "redelivered"); each planted
            token revoked once (policy: revoke on PAT-OFFNET-01), no other. docs/RELIABILITY.md explains it.

            Prints progress on stderr; on stdout one line per scenario, then
              faults: <n> scenarios, lost=<x>, duplicated=<y>, wrong_revocations=<z>, secret_hits=<s>
            Secret scan: every scenario runs with a known PAT, webhook signing key, HEC token (scenario 5's audit
            stream) and SASL password; afterwards its child logs, every record of its topics and a metrics scrape
            of each running child are searched for them and their base64 forms; secret_hits counts what was found.

            Options:
              --quick          Small and short (3,000 entries, 2 kills per service, 20 s outage): about 6 minutes.
              --entries N      Audit entries of scenario 1 (default 100000; quick 3000; 10..200000). The
                               other scenarios use 20000 (quick 2000).
              --kills N        SIGKILLs per service in scenario 1 (default 10; quick 2).
              --seed S         Seed of the organizations and of the kill and fault timing (default: random,
                               printed at the start).
              --outage D       How long the webhook receiver stays down (default 3m; quick 20s), e.g. 90s, 5m.
              --only LIST      Only these scenarios, e.g. --only 1,6.
              --work-dir DIR   Where the broker data, state and child logs go (default .patrol); logs are kept
                               in DIR/faults-<time>/scenario-<n>/, broker data and state are deleted at the end.

            Exit status: 0 when lost, duplicated, wrong_revocations and secret_hits are all 0; 1 otherwise; 2 for bad
            usage.
            """;

    /** A usage mistake, with a one-line message. */
    public static final class BadUsage extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        BadUsage(String message) {
            super(message);
        }
    }

    private final PrintStream out;
    private final PrintStream err;

    public FaultsCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    /** Returns the exit status; throws {@link BadUsage} with a one-line message for bad usage. */
    public int run(List<String> args) throws Exception {
        if (args.contains("-h") || args.contains("--help")) {
            out.print(HELP);
            return 0;
        }
        FaultSuite.Options options = parse(args);
        List<Run.Result> results = new FaultSuite(options, err).run();
        int lost = 0;
        int duplicated = 0;
        int wrong = 0;
        int secretHits = 0;
        for (Run.Result result : results) {
            out.println(result.line());
            lost += result.lost();
            duplicated += result.duplicated();
            wrong += result.wrongRevocations();
            secretHits += result.secretHits();
        }
        out.println("faults: " + results.size() + " scenarios, lost=" + lost + ", duplicated=" + duplicated
                + ", wrong_revocations=" + wrong + ", secret_hits=" + secretHits);
        return lost == 0 && duplicated == 0 && wrong == 0 && secretHits == 0 ? 0 : 1;
    }

    static FaultSuite.Options parse(List<String> args) {
        boolean quick = args.contains("--quick");
        FaultSuite.Options d = FaultSuite.Options.defaults(quick);
        int entries = d.entries();
        int kills = d.kills();
        long seed = d.seed();
        Duration outage = d.outage();
        Set<Integer> only = d.only();
        Path workDir = d.workDir();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.equals("--quick") || arg.equals("--debug")) {
                continue;
            }
            if (!List.of("--entries", "--kills", "--seed", "--outage", "--only", "--work-dir").contains(arg)) {
                throw new BadUsage(arg.startsWith("-") ? "unknown option '" + arg + "'"
                        : "unexpected argument '" + arg + "'");
            }
            if (i + 1 >= args.size()) {
                throw new BadUsage(arg + " needs a value");
            }
            String value = args.get(++i);
            switch (arg) {
                case "--entries" -> entries = number(arg, value, 10, 200_000);
                case "--kills" -> kills = number(arg, value, 1, 100);
                case "--seed" -> seed = number(arg, value, 0, Integer.MAX_VALUE);
                case "--outage" -> outage = duration(value);
                case "--only" -> {
                    Set<Integer> chosen = new TreeSet<>();
                    for (String part : value.split(",")) {
                        chosen.add(number(arg, part.trim(), 1, FaultSuite.NAMES.size()));
                    }
                    only = chosen;
                }
                default -> workDir = Path.of(value);
            }
        }
        return new FaultSuite.Options(quick, entries, kills, seed, outage, only, workDir);
    }

    private static int number(String option, String value, int min, int max) {
        try {
            int n = Integer.parseInt(value);
            if (n < min || n > max) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new BadUsage(option + ": '" + value + "' is not a whole number in " + min + ".." + max);
        }
    }

    private static Duration duration(String value) {
        try {
            String v = value.trim().toLowerCase(java.util.Locale.ROOT);
            if (v.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
            }
            long n = Long.parseLong(v.substring(0, v.length() - 1));
            return switch (v.charAt(v.length() - 1)) {
                case 's' -> Duration.ofSeconds(n);
                case 'm' -> Duration.ofMinutes(n);
                case 'h' -> Duration.ofHours(n);
                default -> throw new DateTimeParseException("unit", v, 0);
            };
        } catch (RuntimeException e) {
            throw new BadUsage("--outage: '" + value + "' is not a duration such as 90s or 3m");
        }
    }
}
