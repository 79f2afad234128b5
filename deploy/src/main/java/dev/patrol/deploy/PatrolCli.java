package dev.patrol.deploy;

import dev.patrol.alerts.AlertsService;
import dev.patrol.ingest.IngestService;
import dev.patrol.kafka.embedded.EmbeddedKafkaException;
import dev.patrol.model.config.ConfigException;
import dev.patrol.model.config.PatrolConfig;
import dev.patrol.streams.StreamsService;
import dev.patrol.streams.rules.RuleException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The {@code patrol} command. Errors a person can fix are one line on stderr and a non-zero exit; a stack trace is
 * shown only with {@code --debug}.
 */
public final class PatrolCli {

    static final int EXIT_OK = 0;
    static final int EXIT_FAILED = 1;
    static final int EXIT_USAGE = 2;

    static final String USAGE = """
            Usage: patrol <command> [options]

            PATrol watches an Azure DevOps organization for misuse of personal access tokens.

            Commands:
              demo        Run everything on this machine: an embedded Kafka broker, the ADO simulator and the
                          ingest, streams and alerts services. Prints findings as they are made. Ctrl-C stops it.
              ingest      Poll the ADO audit log and PAT inventory into Kafka.
              streams     Run the detections over the audit log and the inventory.
              alerts      Deliver findings (terminal, Slack, Teams, PagerDuty, webhooks, OCSF topic) and run the
                          revocation playbooks when response.enabled is set.
              broker      Run the embedded Kafka broker alone on kafka.embedded.port, for running the
                          services as separate processes on one machine without a Kafka cluster.
              simulator   Run the ADO simulator alone (patrol simulator --help).
              report tokens
                          Write a PAT inventory report: tokens.csv and tokens-report.html (one page, sortable
                          tables): counts by scope, lifetime and owner status, the global PATs that stop
                          working on 2026-12-01 with their owners, and the tokens findings have named.
              bench       Benchmark this machine: ingest, detection throughput and latency, webhook delivery,
                          inventory under a rate limit and streams memory, each against a baseline measured
                          in the same run (--quick for a shorter run; --jmh for the hot-path microbenchmarks;
                          patrol bench --help).
              faults      Run the fault suite (kill -9 of each service, broker restart, webhook receiver down,
                          ADO faults, duplicated entries, a streams instance lost) and count what was lost,
                          duplicated or wrongly revoked (patrol faults --help).

            Options of ingest, streams, alerts and broker:
              --config FILE    YAML configuration (README, "Configuration"). Environment variables override it
                               (PATROL_<KEY>, KAFKA_<PROPERTY>); PATROL_CONFIG may name the file instead.
                               Without kafka.bootstrapServers an embedded broker is used on kafka.embedded.port
                               (default 9092), its data kept in kafka.embedded.dataDir (default .patrol/kafka).
                               Each service serves /metrics and /health/live|ready on metrics.ingestPort,
                               metrics.streamsPort, metrics.alertsPort (9401-9403; 0: off).

            Options of ingest:
              --backfill-from DATE
                               Read the audit log from DATE (2026-09-01, or 2026-09-01T08:00:00Z) to now,
                               with a progress bar and ETA, then stop. ADO keeps 90 days. Entries already
                               stored are not stored again. Stop a live ingester of the organization first.

            Options of report tokens:
              --from kafka|ado Where the inventory comes from. kafka (the default with a configuration): the
                               tokens, users and findings topics of the cluster the configuration names.
                               ado: scan ADO directly with the configuration's ado section, as ingest does
                               (no Kafka needed; findings are not available from ADO). Without --config
                               (or PATROL_CONFIG) it scans the built-in ADO simulator, the demo's organization.
              --config FILE    As for the services.
              --out DIR        Where to write the two files (default: the current directory).

            Options of demo:
              --seed N         Seed of the simulated organization (default 42).
              --webhook URL    Also POST every finding to URL (repeatable).
              --metrics-port N Serve /metrics and /health/* on 127.0.0.1:N (default 9400; 0: off).

            Common options:
              --debug          Show stack traces of errors.
              -h, --help       Show this help.

            Exit status: 0 on success or Ctrl-C, 1 when a service or a report fails, 2 for bad usage or configuration.
            """;

    private final PrintStream out;
    private final PrintStream err;
    private final Map<String, String> env;

    PatrolCli(PrintStream out, PrintStream err, Map<String, String> env) {
        this.out = out;
        this.err = err;
        this.env = env;
    }

    public static void main(String[] args) {
        int code = new PatrolCli(System.out, System.err, System.getenv()).run(args);
        System.exit(code);
    }

    int run(String[] args) {
        boolean debug = List.of(args).contains("--debug");
        try {
            return dispatch(args);
        } catch (UsageException e) {
            err.println("patrol: " + e.getMessage());
            err.println("Run 'patrol --help' for usage.");
            return EXIT_USAGE;
        } catch (ConfigException | RuleException e) {
            err.println("patrol: " + e.getMessage());
            return EXIT_USAGE;
        } catch (EmbeddedKafkaException e) {
            err.println("patrol: embedded Kafka broker: " + e.getMessage());
            debugTrace(debug, e);
            return EXIT_FAILED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return EXIT_FAILED;
        } catch (Exception e) {
            err.println("patrol: " + describe(e) + (debug ? "" : " (run with --debug for details)"));
            debugTrace(debug, e);
            return EXIT_FAILED;
        }
    }

    private int dispatch(String[] args) throws Exception {
        if (args.length == 0) {
            err.print(USAGE);
            return EXIT_USAGE;
        }
        String command = args[0];
        List<String> rest = List.of(args).subList(1, args.length);
        switch (command) {
            case "-h", "--help", "help" -> {
                out.print(USAGE);
                return EXIT_OK;
            }
            case "simulator" -> {
                dev.patrol.simulator.Main.main(rest.toArray(String[]::new));
                return EXIT_OK;
            }
            case "demo" -> {
                return demo(parse(rest, List.of("--seed", "--webhook", "--metrics-port")));
            }
            case "broker" -> {
                return broker(parse(rest, List.of("--config")));
            }
            case "ingest" -> {
                Options options = parse(rest, List.of("--config", "--backfill-from"));
                return options.single("--backfill-from").isPresent() ? backfill(options) : service(command, options);
            }
            case "streams", "alerts" -> {
                return service(command, parse(rest, List.of("--config")));
            }
            case "report" -> {
                return report(rest);
            }
            case "bench" -> {
                quietKafkaLogging();
                return dev.patrol.bench.BenchCommand.run(rest, out, err);
            }
            case "faults" -> {
                try {
                    return new dev.patrol.deploy.faults.FaultsCommand(out, err).run(rest);
                } catch (dev.patrol.deploy.faults.FaultsCommand.BadUsage e) {
                    throw new UsageException(e.getMessage());
                }
            }
            default -> throw new UsageException("unknown command '" + command + "'");
        }
    }

    private int demo(Options options) throws Exception {
        if (options.help()) {
            out.print(USAGE);
            return EXIT_OK;
        }
        long seed;
        try {
            seed = Long.parseLong(options.single("--seed").orElse("42"));
        } catch (NumberFormatException e) {
            throw new UsageException("--seed: '" + options.single("--seed").orElse("") + "' is not a whole number");
        }
        List<URI> webhooks = new ArrayList<>();
        for (String url : options.all("--webhook")) {
            URI uri;
            try {
                uri = URI.create(url);
            } catch (IllegalArgumentException e) {
                throw new UsageException("--webhook: not a URL");
            }
            if (uri.getScheme() == null || !uri.getScheme().startsWith("http") || uri.getHost() == null) {
                throw new UsageException("--webhook: not an http(s) URL with a host");
            }
            webhooks.add(uri);
        }
        int metricsPort;
        try {
            metricsPort = Integer.parseInt(options.single("--metrics-port").orElse("9400"));
            if (metricsPort < 0 || metricsPort > 65535) {
                throw new NumberFormatException();
            }
        } catch (NumberFormatException e) {
            throw new UsageException("--metrics-port: '" + options.single("--metrics-port").orElse("")
                    + "' is not a port (0..65535; 0 turns metrics off)");
        }
        ShutdownSignal signal = ShutdownSignal.install(err);
        quietKafkaLogging();
        Instant started = Instant.now();
        err.println("patrol demo: starting an embedded Kafka broker, the ADO simulator and the three services...");
        var ready = new java.util.concurrent.atomic.AtomicBoolean();
        try (MetricsServer metrics = MetricsServer.start("127.0.0.1", metricsPort, ready::get);
             Demo demo = Demo.start(new Demo.Options(seed, webhooks, ""), out, metrics.registry())) {
            ready.set(true);
            if (metrics.url() != null) {
                err.println("patrol demo: metrics at " + metrics.url());
            }
            err.println("patrol demo: watching simulated organization '" + demo.config().organization() + "' at "
                    + demo.simulator().baseUrl() + " (corporate networks " + demo.config().network().corporateCidrs()
                    + "). Findings follow; Ctrl-C stops.");
            Optional<String> failure = waitForStop(signal, demo::failure);
            err.println("patrol demo: stopped after " + Duration.between(started, Instant.now()).toSeconds() + " s, "
                    + demo.findingsDelivered() + " finding(s) shown");
            failure.ifPresent(f -> err.println("patrol: " + f));
            return failure.isPresent() ? EXIT_FAILED : EXIT_OK;
        }
    }

    private int broker(Options options) throws Exception {
        if (options.help()) {
            out.print(USAGE);
            return EXIT_OK;
        }
        PatrolConfig config = loadConfig(options);
        if (config.kafka().bootstrapServers().isPresent()) {
            throw new ConfigException("kafka.bootstrapServers is set: the services use that cluster, not an embedded broker");
        }
        ShutdownSignal signal = ShutdownSignal.install(err);
        try (LocalKafka kafka = LocalKafka.resolve(config.kafka())) {
            if (!kafka.owned()) {
                throw new IllegalStateException("a Kafka broker already answers at "
                        + kafka.settings().bootstrapServers().orElseThrow());
            }
            err.println("patrol broker: Kafka at " + kafka.settings().bootstrapServers().orElseThrow() + ", data in "
                    + config.kafka().embeddedDataDir().toAbsolutePath() + ". Ctrl-C stops it.");
            waitForStop(signal, Optional::empty);
            return EXIT_OK;
        }
    }

    /** {@code patrol ingest --backfill-from DATE}: reads the audit log from DATE to now, shows progress, stops. */
    private int backfill(Options options) throws Exception {
        String text = options.single("--backfill-from").orElseThrow();
        Instant from;
        try {
            from = text.length() == 10 ? java.time.LocalDate.parse(text).atStartOfDay(java.time.ZoneOffset.UTC).toInstant()
                    : java.time.OffsetDateTime.parse(text).toInstant();
        } catch (java.time.format.DateTimeParseException e) {
            throw new UsageException("--backfill-from: '" + text + "' is not a date (2026-09-01) or a date-time "
                    + "with offset (2026-09-01T08:00:00Z)");
        }
        Instant now = Instant.now();
        if (from.isAfter(now)) {
            throw new UsageException("--backfill-from: " + text + " is in the future");
        }
        if (from.isBefore(now.minus(java.time.Duration.ofDays(90)))) {
            err.println("patrol ingest: ADO keeps audit entries for 90 days; nothing older than "
                    + now.minus(java.time.Duration.ofDays(90)).truncatedTo(java.time.temporal.ChronoUnit.DAYS)
                    + " can be read");
        }
        PatrolConfig loaded = loadConfig(options).requireForIngest();
        boolean terminal = System.console() != null;
        if (terminal) {
            // The progress line is redrawn in place; per-window log lines would break it.
            if (org.slf4j.LoggerFactory.getLogger("dev.patrol.ingest") instanceof ch.qos.logback.classic.Logger logger) {
                logger.setLevel(ch.qos.logback.classic.Level.WARN);
            }
        }
        ShutdownSignal signal = ShutdownSignal.install(err);
        try (LocalKafka kafka = LocalKafka.resolve(loaded.kafka())) {
            PatrolConfig all = loaded.withKafka(kafka.settings());
            for (String organization : all.organizations()) {
                PatrolConfig config = all.forOrganization(organization);
                err.println("patrol ingest: backfilling organization '" + config.organization() + "' from " + from);
                var progress = new ProgressPrinter(err, terminal, Clock.systemUTC(), java.time.Duration.ofSeconds(5));
                try (IngestService ingest = new IngestService(config, Clock.systemUTC()).backfill(from, progress).start()) {
                    while (!ingest.awaitStop(java.time.Duration.ofMillis(500))) {
                        if (signal.isRequested()) {
                            err.println("patrol ingest: backfill interrupted; the checkpoint keeps what was stored, "
                                    + "run the same command again to finish");
                            return EXIT_OK;
                        }
                    }
                    if (ingest.failure() != null) {
                        err.println("patrol: ingest stopped: " + ingest.failure().getMessage());
                        return EXIT_FAILED;
                    }
                }
            }
            return EXIT_OK;
        }
    }

    /** {@code patrol report tokens [--from kafka|ado] [--config FILE] [--out DIR]}. */
    private int report(List<String> args) throws Exception {
        if (args.isEmpty() || args.get(0).startsWith("-")) {
            if (args.contains("-h") || args.contains("--help")) {
                out.print(USAGE);
                return EXIT_OK;
            }
            throw new UsageException("report needs a kind: patrol report tokens");
        }
        if (!args.get(0).equals("tokens")) {
            throw new UsageException("unknown report '" + args.get(0) + "' (there is: tokens)");
        }
        Options options = parse(args.subList(1, args.size()), TokenReportCommand.OPTIONS);
        if (options.help()) {
            out.print(USAGE);
            return EXIT_OK;
        }
        var request = new TokenReportCommand.Request(configFile(options),
                options.single("--from").map(TokenReportCommand.From::parse),
                Path.of(options.single("--out").orElse(".")));
        return new TokenReportCommand(out, err, env, Clock.systemUTC()).run(request);
    }

    private Optional<Path> configFile(Options options) {
        return options.single("--config").or(() -> Optional.ofNullable(env.get("PATROL_CONFIG")))
                .filter(s -> !s.isBlank()).map(Path::of);
    }

    private PatrolConfig loadConfig(Options options) {
        return PatrolConfig.load(configFile(options), env);
    }

    @SuppressWarnings("try") // each service runs while its try block waits for Ctrl-C
    private int service(String command, Options options) throws Exception {
        if (options.help()) {
            out.print(USAGE);
            return EXIT_OK;
        }
        PatrolConfig loaded = loadConfig(options);
        switch (command) {
            case "ingest" -> loaded.requireForIngest();
            case "streams" -> loaded.requireForStreams();
            default -> { }
        }
        ShutdownSignal signal = ShutdownSignal.install(err);
        var ready = new java.util.concurrent.atomic.AtomicBoolean();
        int metricsPort = switch (command) {
            case "ingest" -> loaded.metrics().ingestPort();
            case "streams" -> loaded.metrics().streamsPort();
            default -> loaded.metrics().alertsPort();
        };
        try (MetricsServer metrics = MetricsServer.start(loaded.metrics().bindAddress(), metricsPort, ready::get);
             LocalKafka kafka = LocalKafka.resolve(loaded.kafka())) {
            PatrolConfig config = loaded.withKafka(kafka.settings());
            if (metrics.url() != null) {
                err.println("patrol " + command + ": metrics at " + metrics.url());
            }
            Optional<String> failure;
            switch (command) {
                case "ingest" -> {
                    // One poller per organization, each with its own credential, checkpoint and transactional id.
                    List<IngestService> ingesters = new ArrayList<>();
                    try {
                        for (String organization : config.organizations()) {
                            ingesters.add(new IngestService(config.forOrganization(organization), Clock.systemUTC(),
                                    metrics.registry()).start());
                        }
                        ready.set(true);
                        failure = waitForStop(signal, () -> ingesters.stream().filter(i -> i.failure() != null)
                                .findFirst().map(i -> "ingest stopped: " + i.failure().getMessage()));
                    } finally {
                        ingesters.forEach(IngestService::close);
                    }
                }
                case "streams" -> {
                    try (StreamsService streams = new StreamsService(config, Clock.systemUTC(), metrics.registry()).start()) {
                        ready.set(true);
                        failure = waitForStop(signal, () -> switch (streams.state()) {
                            case ERROR, NOT_RUNNING -> Optional.of("streams stopped (state " + streams.state() + ")");
                            default -> Optional.empty();
                        });
                    }
                }
                default -> {
                    try (AlertsService alerts = new AlertsService(config, out, Clock.systemUTC(), metrics.registry())
                            .start()) {
                        ready.set(true);
                        failure = waitForStop(signal, Optional::empty);
                    }
                }
            }
            failure.ifPresent(f -> err.println("patrol: " + f));
            return failure.isPresent() ? EXIT_FAILED : EXIT_OK;
        }
    }

    /**
     * The demo's terminal is for findings: Kafka's start-up warnings (controller activation, topics not there yet)
     * are expected in a fresh single-node cluster and only distract there. Services keep Kafka at WARN.
     */
    private static void quietKafkaLogging() {
        for (String name : List.of("org.apache.kafka", "kafka", "state.change.logger")) {
            if (org.slf4j.LoggerFactory.getLogger(name) instanceof ch.qos.logback.classic.Logger logger) {
                logger.setLevel(ch.qos.logback.classic.Level.ERROR);
            }
        }
    }

    /** Waits for Ctrl-C, or for the failure check to report something. */
    private static Optional<String> waitForStop(ShutdownSignal signal, Supplier<Optional<String>> failureCheck)
            throws InterruptedException {
        while (!signal.await(Duration.ofMillis(500))) {
            Optional<String> failure = failureCheck.get();
            if (failure.isPresent()) {
                return failure;
            }
        }
        return Optional.empty();
    }

    private void debugTrace(boolean debug, Exception e) {
        if (debug) {
            e.printStackTrace(err);
        }
    }

    private static String describe(Throwable e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }

    private static Options parse(List<String> args, List<String> allowed) {
        var values = new java.util.LinkedHashMap<String, List<String>>();
        boolean help = false;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.equals("--debug")) {
                continue;
            }
            if (arg.equals("-h") || arg.equals("--help")) {
                help = true;
                continue;
            }
            String name = arg;
            String value = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                name = arg.substring(0, eq);
                value = arg.substring(eq + 1);
            }
            if (!allowed.contains(name)) {
                throw new UsageException(arg.startsWith("-") ? "unknown option '" + name + "'" : "unexpected argument '" + arg + "'");
            }
            if (value == null) {
                if (i + 1 >= args.size()) {
                    throw new UsageException(name + " needs a value");
                }
                value = args.get(++i);
            }
            values.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }
        return new Options(values, help);
    }

    private record Options(Map<String, List<String>> values, boolean help) {
        Optional<String> single(String name) {
            List<String> all = values.getOrDefault(name, List.of());
            if (all.size() > 1) {
                throw new UsageException(name + " given more than once");
            }
            return all.stream().findFirst();
        }

        List<String> all(String name) {
            return values.getOrDefault(name, List.of());
        }
    }

    static final class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }
}
