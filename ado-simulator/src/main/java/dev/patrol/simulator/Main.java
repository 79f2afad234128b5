package dev.patrol.simulator;

import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.function.UnaryOperator;

/**
 * Runs the simulator from the command line until Ctrl-C, printing where it listens and how to point PATrol at it.
 * Bad arguments print one line and exit with 2; a port that cannot be bound exits with 1.
 */
public final class Main {

    static final String USAGE = """
            Usage: ado-simulator [--port N] [--org NAME] [--seed N] [--users N] [--pats-per-user N]
                                 [--days N] [--entries N | --entries-per-day N] [--help]

            Serves a generated Azure DevOps organization on 127.0.0.1: the audit log
            (/{org}/_apis/audit/auditlog), Graph users (/{org}/_apis/graph/users) and tokenadmin
            (list and revoke PATs, /{org}/_apis/tokenadmin/...), plus a Microsoft Entra token endpoint
            (/{tenant}/oauth2/v2.0/token) for service-principal credentials. Runs until Ctrl-C.

              --port N             TCP port on 127.0.0.1; 0 picks a free one (default 0)
              --org NAME           organization name (default contoso)
              --seed N             random seed; the same seed gives the same users, tokens and audit log,
                                   with times relative to start-up (default 42)
              --users N            users to generate, 1..10000 (default 12)
              --pats-per-user N    PATs per user, 1..100 (default: one to three at random); users times
                                   PATs at most 100000
              --days N             history of the audit log in days, 1..90 (default: 6 hours)
              --entries N          audit entries over the history: 0, or 10..200000 (default 200)
              --entries-per-day N  audit entries per day over the history instead of --entries
              --help               print this help and exit

            On start it prints the base URL, the PAT the server accepts (send it as the Basic-auth
            password; any user name) and the service principal its token endpoint knows.
            """;

    private Main() {
    }

    public static void main(String[] args) {
        Optional<SimulatorConfig> config;
        try {
            config = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("ado-simulator: " + e.getMessage() + " (see --help)");
            System.exit(2);
            return;
        }
        if (config.isEmpty()) {
            System.out.print(USAGE);
            return;
        }
        AdoSimulator simulator;
        try {
            simulator = AdoSimulator.start(config.get());
        } catch (UncheckedIOException e) {
            System.err.println("ado-simulator: " + e.getMessage());
            System.exit(1);
            return;
        }
        printBanner(System.out, simulator, config.get());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            simulator.close();
            System.out.println("ado-simulator: stopped");
            System.out.flush();
            // Ctrl-C is how this program is meant to end, so it is a success: without halt the JVM reports 130.
            Runtime.getRuntime().halt(0);
        }, "ado-simulator-shutdown"));
        try {
            new CountDownLatch(1).await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The config the arguments ask for, or empty when they ask for help.
     *
     * @throws IllegalArgumentException with a one-line message naming the offending option
     */
    static Optional<SimulatorConfig> parse(String[] args) {
        SimulatorConfig config = SimulatorConfig.defaults();
        Integer perDay = null;
        boolean entriesGiven = false;
        List<String> remaining = new ArrayList<>(List.of(args));
        while (!remaining.isEmpty()) {
            String argument = remaining.remove(0);
            if (argument.equals("--help") || argument.equals("-h")) {
                return Optional.empty();
            }
            String option = argument;
            String value = null;
            int equals = argument.indexOf('=');
            if (argument.startsWith("--") && equals > 0) {
                option = argument.substring(0, equals);
                value = argument.substring(equals + 1);
            }
            if (!List.of("--port", "--org", "--seed", "--users", "--pats-per-user", "--days", "--entries",
                    "--entries-per-day").contains(option)) {
                throw new IllegalArgumentException("unknown argument '" + argument + "'");
            }
            if (value == null) {
                if (remaining.isEmpty()) {
                    throw new IllegalArgumentException(option + " needs a value");
                }
                value = remaining.remove(0);
            }
            String text = value;
            if (option.equals("--entries-per-day")) {
                perDay = integer(text); // applied last: it depends on --days, wherever that stands
                continue;
            }
            config = switch (option) {
                case "--port" -> apply(option, config, c -> c.withPort(integer(text)));
                case "--org" -> apply(option, config, c -> c.withOrganization(text));
                case "--seed" -> apply(option, config, c -> c.withSeed(longValue(text)));
                case "--users" -> apply(option, config, c -> c.withUsers(integer(text)));
                case "--pats-per-user" -> apply(option, config, c -> c.withPatsPerUser(integer(text)));
                case "--days" -> apply(option, config, c -> c.withHistory(days(integer(text))));
                default -> apply(option, config, c -> c.withAuditEntries(integer(text)));
            };
            entriesGiven |= option.equals("--entries");
        }
        if (perDay != null) {
            if (entriesGiven) {
                throw new IllegalArgumentException("--entries and --entries-per-day exclude each other");
            }
            int rate = perDay;
            config = apply("--entries-per-day", config, c -> c.withAuditEntriesPerDay(rate));
        }
        return Optional.of(config);
    }

    static void printBanner(PrintStream out, AdoSimulator simulator, SimulatorConfig config) {
        SimulatedOrg org = simulator.org();
        String base = simulator.baseUrl().toString();
        out.println("ADO simulator: organization '" + org.organization() + "' at " + base + " ("
                + org.users().size() + " users, " + org.tokens().size() + " PATs, "
                + org.auditEntries().size() + " audit entries)");
        out.println("Point PATrol at it:");
        out.println("  export PATROL_ORGANIZATION=" + org.organization());
        out.println("  export PATROL_ADO_AUDIT_BASE_URL=" + base);
        out.println("  export PATROL_ADO_VSSPS_BASE_URL=" + base);
        out.println("  export ADO_PAT=" + config.pat() + "    # the simulator's fixed fake PAT");
        out.println("  export PATROL_NETWORK_CORPORATE_CIDRS=" + String.join(",", org.corporateCidrs()));
        EntraApp entra = config.entra();
        out.println("Or with a service principal (Entra token from the simulator's token endpoint):");
        out.println("  export PATROL_ADO_CREDENTIAL=client-secret PATROL_ADO_AUTHORITY_URL=" + simulator.authorityUrl());
        out.println("  export PATROL_ADO_TENANT_ID=" + entra.tenantId() + " PATROL_ADO_CLIENT_ID=" + entra.clientId());
        out.println("  export AZURE_CLIENT_SECRET=" + entra.clientSecret() + "    # the simulator's fixed fake secret");
        out.println("Try: curl -u :" + config.pat() + " '" + base + "/" + org.organization()
                + "/_apis/audit/auditlog?batchSize=5&api-version=7.1-preview.1'");
        out.println("Press Ctrl-C to stop.");
    }

    private static SimulatorConfig apply(String option, SimulatorConfig config, UnaryOperator<SimulatorConfig> change) {
        try {
            return change.apply(config);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(option + ": " + e.getMessage(), e);
        }
    }

    private static int integer(String text) {
        try {
            return Integer.parseInt(text.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not a whole number");
        }
    }

    private static Duration days(int days) {
        if (days < 1) {
            throw new IllegalArgumentException("'" + days + "' is not a positive number of days");
        }
        return Duration.ofDays(days);
    }

    private static long longValue(String text) {
        try {
            return Long.parseLong(text.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not a whole number");
        }
    }
}
