package dev.patrol.bench.jmh;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.patrol.model.config.PatrolConfig.GeoIpSettings;
import dev.patrol.model.config.PatrolConfig.NetworkSettings;
import dev.patrol.model.event.PersonalAccessToken;
import dev.patrol.model.event.ReceivedAuditEntry;
import dev.patrol.model.net.Cidr;
import dev.patrol.model.topic.Topics;
import dev.patrol.simulator.SimulatedOrg;
import dev.patrol.streams.DetectionTopology;
import dev.patrol.streams.enrich.Enricher;
import dev.patrol.streams.enrich.MaxMindGeoIp;
import dev.patrol.streams.enrich.NetworkClassifier;
import dev.patrol.streams.rules.RuleBook;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Each detection's cost per audit event: the production topology ({@link DetectionTopology}) built with only that rule
 * enabled, driven by {@link TopologyTestDriver} with events of the mix (the organization's tokens in the inventory,
 * 5% of PAT uses off-network). {@code none} has every rule disabled: the shared part (decode, normalise, enrich,
 * token join). A detection's own cost is its time minus {@code none}'s. The driver has no broker, so this is
 * CPU per event, not what exactly-once commits add.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class DetectionBenchmark {

    @Param({"none", "PAT-OFFNET-01", "PAT-NEWNET-02", "PAT-NEWCOUNTRY-03", "PAT-TRAVEL-04", "PAT-CONCURRENT-05",
            "PAT-ANON-06", "PAT-UA-07", "PAT-SENSITIVE-08", "PAT-GHOST-10", "PAT-POSTREVOKE-11", "PAT-LEAKED-12",
            "IP-MULTI-IDENT-15", "PAT-HYGIENE-22", "PAT-CREATE-13", "ADO-PERMGRANT-24", "ADO-ADMINADD-17",
            "ADO-TAMPER-18", "ADO-PRBYPASS-19", "ADO-SVCCONN-23", "PIPELINE-GAP-21", "PIPELINE-LAG-25", "all"})
    public String rule;

    private static final int EVENTS = 20_000;

    private Path dir;
    private MaxMindGeoIp geoIp;
    private TopologyTestDriver driver;
    private TestInputTopic<String, ReceivedAuditEntry> audit;
    private List<ReceivedAuditEntry> entries;
    private int next;
    private long round;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        dir = Files.createTempDirectory("patrol-jmh-detection-");
        SimulatedOrg org = SampleOrg.org();
        Instant start = Instant.parse("2026-11-21T08:00:00Z");
        entries = SampleOrg.entries(org, EVENTS, start);
        geoIp = MaxMindGeoIp.open(new GeoIpSettings(Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), 4096, Duration.ofHours(1)));
        var enricher = new Enricher(geoIp, NetworkClassifier.from(NetworkSettings.corporate(
                org.corporateCidrs().stream().map(Cidr::parse).toList())));
        var topology = DetectionTopology.build(new DetectionTopology.Settings(enricher::enrich, rules(dir), "",
                Clock.systemUTC()));
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "jmh-detection");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, dir.resolve("state").toString());
        driver = new TopologyTestDriver(topology, props);
        var tokens = driver.createInputTopic(Topics.TOKENS.name(), Topics.TOKENS.keySerde().serializer(),
                Topics.TOKENS.valueSerde().serializer());
        for (PersonalAccessToken token : SampleOrg.tokens(org, start)) {
            tokens.pipeInput(token.authorizationId(), token, token.token().validFrom());
        }
        audit = driver.createInputTopic(Topics.AUDIT.name(), Topics.AUDIT.keySerde().serializer(),
                Topics.AUDIT.valueSerde().serializer());
    }

    /** The bundled rules with every rule but the measured one disabled ("none": all off, "all": as shipped). */
    private RuleBook rules(Path dir) throws Exception {
        var yaml = new ObjectMapper(new YAMLFactory());
        ObjectNode root;
        try (InputStream in = RuleBook.class.getResourceAsStream(RuleBook.BUNDLED)) {
            root = (ObjectNode) yaml.readTree(in);
        }
        if (!rule.equals("all")) {
            root.withArray("rules").forEach(r -> ((ObjectNode) r).put("enabled", r.get("id").asText().equals(rule)));
        }
        Path file = dir.resolve("rules.yaml");
        yaml.writeValue(file.toFile(), root);
        return RuleBook.load(Optional.of(file));
    }

    @Benchmark
    public void event() {
        ReceivedAuditEntry entry = entries.get(next);
        if (++next == entries.size()) {
            next = 0;
            round++;
        }
        // Later rounds move on in time, so windows and histories behave as in a long stream.
        Instant at = entry.entry().timestamp().plusSeconds(round * EVENTS);
        audit.pipeInput(entry.entry().id() + "#" + round, entry, at);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        driver.close();
        geoIp.close();
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
