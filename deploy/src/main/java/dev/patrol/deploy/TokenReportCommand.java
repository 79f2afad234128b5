package dev.patrol.deploy;

import dev.patrol.deploy.PatrolCli.UsageException;
import dev.patrol.deploy.report.AdoInventorySource;
import dev.patrol.deploy.report.Inventory;
import dev.patrol.deploy.report.KafkaInventorySource;
import dev.patrol.deploy.report.Progress;
import dev.patrol.deploy.report.ReportSourceException;
import dev.patrol.deploy.report.TokenReport;
import dev.patrol.deploy.report.TokenReportCsv;
import dev.patrol.deploy.report.TokenReportHtml;
import dev.patrol.kafka.embedded.KafkaProbe;
import dev.patrol.model.config.PatrolConfig;
import dev.patrol.model.config.PatrolConfig.KafkaSettings;
import dev.patrol.simulator.AdoSimulator;
import dev.patrol.simulator.SimulatorConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code patrol report tokens}: reads the PAT inventory from Kafka (what PATrol holds, with findings) or scans ADO
 * directly (before anything is deployed), and writes {@code tokens.csv} and {@code tokens-report.html}. Without a
 * configuration it scans the built-in simulator, so the command can be tried anywhere.
 */
final class TokenReportCommand {

    static final String CSV_FILE = "tokens.csv";
    static final String HTML_FILE = "tokens-report.html";
    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(5);

    /** Where the inventory comes from. */
    enum From {
        KAFKA, ADO;

        static From parse(String text) {
            return switch (text.toLowerCase(Locale.ROOT)) {
                case "kafka" -> KAFKA;
                case "ado" -> ADO;
                default -> throw new UsageException("--from: '" + text + "' is not a source (kafka or ado)");
            };
        }
    }

    /**
     * What was asked for.
     *
     * @param configFile the configuration, from {@code --config} or {@code PATROL_CONFIG}; empty for none
     * @param from       the source asked for; by default Kafka when there is a configuration, else ADO
     * @param outDir     where the two files go
     */
    record Request(Optional<Path> configFile, Optional<From> from, Path outDir) {

        Request {
            if (from.orElse(null) == From.KAFKA && configFile.isEmpty()) {
                throw new UsageException("--from kafka needs --config FILE (the Kafka cluster and topic prefix to read)");
            }
            if (Files.exists(outDir) && !Files.isDirectory(outDir)) {
                throw new UsageException("--out: " + outDir + " exists and is not a directory");
            }
        }

        From source() {
            return from.orElse(configFile.isPresent() ? From.KAFKA : From.ADO);
        }
    }

    /** The files written. */
    record Written(Path csv, Path html) {
    }

    private final PrintStream out;
    private final PrintStream err;
    private final Map<String, String> env;
    private final Clock clock;

    TokenReportCommand(PrintStream out, PrintStream err, Map<String, String> env, Clock clock) {
        this.out = out;
        this.err = err;
        this.env = env;
        this.clock = clock;
    }

    int run(Request request) throws Exception {
        Progress progress = new Progress(err, clock, PROGRESS_EVERY);
        Inventory inventory = switch (request.source()) {
            case KAFKA -> fromKafka(PatrolConfig.load(request.configFile(), env), progress);
            case ADO -> request.configFile().isPresent()
                    ? fromAdo(PatrolConfig.load(request.configFile(), env), progress)
                    : fromSimulator(progress);
        };
        TokenReport report = TokenReport.build(inventory, clock.instant());
        Written written = write(report, request.outDir());
        err.println("patrol report: " + report.tokens().size() + " tokens, " + report.globalPats().size()
                + " global PAT(s) still working (all stop on "
                + TokenReport.GLOBAL_PAT_CUTOFF.atZone(java.time.ZoneOffset.UTC).toLocalDate() + "), " + (report.findingsAvailable()
                ? report.touchedTokens().size() + " token(s) named by findings" : "findings not available")
                + (report.caveats().isEmpty() ? "" : "; " + report.caveats().size() + " caveat(s), see the report"));
        out.println(written.csv());
        out.println(written.html());
        return PatrolCli.EXIT_OK;
    }

    private Inventory fromKafka(PatrolConfig config, Progress progress) {
        KafkaSettings kafka = config.kafka();
        if (kafka.bootstrapServers().isEmpty()) {
            // The services would start an embedded broker here; a report only reads one that is already running.
            String local = "127.0.0.1:" + kafka.embeddedPort();
            if (!KafkaProbe.answers(local, Duration.ofSeconds(2))) {
                throw new ReportSourceException("no kafka.bootstrapServers configured and no embedded broker answers at "
                        + local + " (kafka.embedded.port): start PATrol there first (e.g. patrol broker), set "
                        + "kafka.bootstrapServers, or use --from ado");
            }
            kafka = kafka.withBootstrapServers(local);
        }
        progress.done("reading the inventory from Kafka at " + kafka.bootstrapServers().orElseThrow()
                + (kafka.topicPrefix().isEmpty() ? "" : " (topic prefix '" + kafka.topicPrefix() + "')"));
        return KafkaInventorySource.read(kafka, progress);
    }

    private Inventory fromAdo(PatrolConfig config, Progress progress) throws InterruptedException {
        AdoInventorySource.requireForScan(config);
        String source = "a scan of ADO organization" + (config.organizations().size() == 1 ? " " : "s ")
                + String.join(", ", config.organizations()) + " at " + config.ado().vsspsBaseUrl();
        return AdoInventorySource.scan(config, source, clock, progress);
    }

    /** The demo's organization (same seed), so {@code patrol report tokens} shows something with no setup at all. */
    private Inventory fromSimulator(Progress progress) throws InterruptedException {
        if (org.slf4j.LoggerFactory.getLogger("dev.patrol.simulator") instanceof ch.qos.logback.classic.Logger logger) {
            logger.setLevel(ch.qos.logback.classic.Level.WARN); // the line below says it started, and where
        }
        SimulatorConfig simulated = SimulatorConfig.defaults();
        try (AdoSimulator simulator = AdoSimulator.start(simulated)) {
            err.println("patrol report: no --config: scanning the built-in ADO simulator (organization '"
                    + simulated.organization() + "', seed " + simulated.seed() + ", as 'patrol demo' runs it) at "
                    + simulator.baseUrl() + "; give --config FILE to report on your organization");
            PatrolConfig config = PatrolConfig.load(Optional.empty(), Map.of(
                    "PATROL_ORGANIZATION", simulated.organization(),
                    "PATROL_ADO_AUDIT_BASE_URL", simulator.baseUrl().toString(),
                    "PATROL_ADO_VSSPS_BASE_URL", simulator.baseUrl().toString(),
                    "ADO_PAT", simulated.pat()));
            return AdoInventorySource.scan(config, "the built-in ADO simulator (organization '"
                    + simulated.organization() + "', generated data, not a real organization)", clock, progress);
        }
    }

    /**
     * Writes both files next to each other, each through a temporary file and a rename, so a reader never opens half a
     * report and an earlier report is replaced only by a complete one.
     */
    static Written write(TokenReport report, Path dir) throws IOException {
        Files.createDirectories(dir);
        Path csv = writeAtomically(dir.resolve(CSV_FILE), TokenReportCsv.render(report));
        Path html = writeAtomically(dir.resolve(HTML_FILE), TokenReportHtml.render(report));
        return new Written(csv.toAbsolutePath(), html.toAbsolutePath());
    }

    private static Path writeAtomically(Path target, String content) throws IOException {
        // On POSIX a temporary file is readable by its owner only, and the rename keeps that: the report says who holds
        // which full-access token, which is not for every account on the machine.
        Path temp = Files.createTempFile(target.toAbsolutePath().getParent(), "." + target.getFileName(), ".tmp");
        try {
            Files.writeString(temp, content, StandardCharsets.UTF_8);
            try {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            return target;
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** The options {@code report tokens} takes, for the parser. */
    static final List<String> OPTIONS = List.of("--config", "--from", "--out");
}
