package dev.patrol.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patrol.model.ado.GraphUser;
import dev.patrol.model.ado.SessionToken;
import dev.patrol.model.event.Finding;
import dev.patrol.model.event.FindingSubject;
import dev.patrol.model.event.OrgUser;
import dev.patrol.model.event.PersonalAccessToken;
import dev.patrol.model.event.Severity;
import dev.patrol.model.event.TokenOwner;
import dev.patrol.model.topic.Topic;
import dev.patrol.model.topic.TopicCreator;
import dev.patrol.model.topic.Topics;
import dev.patrol.simulator.AdoSimulator;
import dev.patrol.simulator.SimulatorConfig;
import dev.patrol.testkit.KafkaExtension;
import dev.patrol.testkit.TestKafka;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Guards {@code patrol report tokens} end to end: from Kafka it reports the topics' current state (latest record per
 * key, tombstones honoured, a re-sent finding counted once, under the configured topic prefix); from ADO it scans
 * over HTTP (a configured organization, or the built-in simulator without a configuration) and says findings are not
 * available; both write the CSV and the HTML page and print their paths; a cluster without the tokens topic is one
 * line on stderr, not a stack trace.
 */
@ExtendWith(KafkaExtension.class)
class TokenReportCommandIT {

    private static final Instant NOW = Instant.now();

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(Map<String, String> env, String... args) {
        return new PatrolCli(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), env).run(args);
    }

    @Test
    void shouldReportTheTopicsCurrentStateWhenReadFromKafka(TestKafka kafka) throws Exception {
        String prefix = "report.";
        TopicCreator.ensure(kafka.admin(), List.of(Topics.TOKENS, Topics.USERS, Topics.FINDINGS), prefix);
        try (var producer = producer(kafka)) {
            send(producer, Topics.TOKENS, prefix, "t-live", token("t-live", "alice", "first-name", true));
            send(producer, Topics.TOKENS, prefix, "t-live", token("t-live", "alice", "release-bot", true));
            send(producer, Topics.TOKENS, prefix, "t-bob", token("t-bob", "bob", "laptop", false));
            send(producer, Topics.TOKENS, prefix, "t-carol", token("t-carol", "carol", "old-script", false));
            send(producer, Topics.TOKENS, prefix, "t-gone", token("t-gone", "alice", "deleted", false));
            send(producer, Topics.TOKENS, prefix, "t-gone", null);
            send(producer, Topics.USERS, prefix, OrgUser.key("contoso", "alice"), user("alice", false));
            send(producer, Topics.USERS, prefix, OrgUser.key("contoso", "bob"), user("bob", true));
            send(producer, Topics.USERS, prefix, OrgUser.key("contoso", "carol"), user("carol", false));
            send(producer, Topics.USERS, prefix, OrgUser.key("contoso", "carol"), null);
            Finding offnet = finding("f1", "PAT-OFFNET-01", Severity.HIGH, "t-live");
            send(producer, Topics.FINDINGS, prefix, offnet.id(), offnet);
            send(producer, Topics.FINDINGS, prefix, offnet.id(), offnet); // re-sent after a restart
            Finding ghost = finding("f2", "PAT-GHOST-10", Severity.HIGH, "t-ghost");
            send(producer, Topics.FINDINGS, prefix, ghost.id(), ghost);
        }
        Path config = Files.writeString(dir.resolve("patrol.yaml"), "kafka:\n  bootstrapServers: "
                + kafka.bootstrapServers() + "\n  topicPrefix: " + prefix + "\n");
        Path reports = dir.resolve("reports");

        int code = run(Map.of(), "report", "tokens", "--config", config.toString(), "--out", reports.toString());

        assertThat(code).as(stderr()).isZero();
        assertThat(stdout().lines().toList()).containsExactly(reports.resolve("tokens.csv").toAbsolutePath().toString(),
                reports.resolve("tokens-report.html").toAbsolutePath().toString());
        assertThat(stderr()).contains("reading the inventory from Kafka at " + kafka.bootstrapServers());
        Map<String, Map<String, String>> rows = csvById(reports.resolve("tokens.csv"));
        assertThat(rows).containsOnlyKeys("t-live", "t-bob", "t-carol");
        assertThat(rows.get("t-live")).containsEntry("name", "release-bot").containsEntry("owner_status", "active")
                .containsEntry("global", "true").containsEntry("breaks_at_global_cutoff", "true")
                .containsEntry("findings", "1").containsEntry("rules", "PAT-OFFNET-01");
        assertThat(rows.get("t-bob")).containsEntry("owner_status", "deleted in Entra").containsEntry("findings", "0");
        assertThat(rows.get("t-carol")).containsEntry("owner_status", "removed from org");
        String html = Files.readString(reports.resolve("tokens-report.html"));
        assertThat(html).contains("<table id=\"global-pats\"", ">release-bot</td>", ">t-ghost</td>",
                "2 findings read");
    }

    @Test
    void shouldSayInOneLineWhenTheClusterHasNoTokensTopic(TestKafka kafka) throws IOException {
        Path config = Files.writeString(dir.resolve("patrol.yaml"), "kafka:\n  bootstrapServers: "
                + kafka.bootstrapServers() + "\n  topicPrefix: absent.\n");

        int code = run(Map.of(), "report", "tokens", "--config", config.toString(), "--out", dir.toString());

        assertThat(code).isEqualTo(1);
        assertThat(stderr().lines().filter(line -> line.startsWith("patrol: ")).toList()).singleElement()
                .satisfies(line -> assertThat(line).contains("has no topic absent.patrol.tokens",
                        "kafka.topicPrefix 'absent.'"));
        assertThat(stderr()).doesNotContain("Exception");
    }

    @Test
    void shouldScanTheConfiguredOrganizationWhenAskedForAdo() throws IOException {
        try (var ado = AdoSimulator.start(SimulatorConfig.defaults().withOrganization("fabrikam").withSeed(7)
                .withPat("report-pat"))) {
            Path config = Files.writeString(dir.resolve("patrol.yaml"), "organization: fabrikam\nado:\n"
                    + "  auditBaseUrl: " + ado.baseUrl() + "\n  vsspsBaseUrl: " + ado.baseUrl() + "\n");

            int code = run(Map.of("ADO_PAT", "report-pat"), "report", "tokens", "--from", "ado", "--config",
                    config.toString(), "--out", dir.toString());

            assertThat(code).as(stderr()).isZero();
            Map<String, Map<String, String>> rows = csvById(dir.resolve("tokens.csv"));
            assertThat(rows.keySet()).containsExactlyInAnyOrderElementsOf(
                    ado.org().tokens().stream().map(t -> t.authorizationId()).toList());
            assertThat(rows.values()).allSatisfy(row -> assertThat(row).containsEntry("organization", "fabrikam")
                    .containsEntry("owner_status", "active").containsEntry("findings", ""));
            assertThat(Files.readString(dir.resolve("tokens-report.html")))
                    .contains("Findings are not available from this source");
        }
    }

    @Test
    void shouldScanTheBuiltInSimulatorWhenThereIsNoConfiguration() throws IOException {
        int code = run(Map.of(), "report", "tokens", "--out", dir.toString());

        assertThat(code).as(stderr()).isZero();
        assertThat(stderr()).contains("no --config: scanning the built-in ADO simulator (organization 'contoso'");
        assertThat(csvById(dir.resolve("tokens.csv"))).isNotEmpty()
                .allSatisfy((id, row) -> assertThat(row).containsEntry("organization", "contoso"));
        assertThat(Files.readString(dir.resolve("tokens-report.html"))).contains("<table id=\"global-pats\"",
                "the built-in ADO simulator", "not a real organization");
    }

    private String stdout() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String stderr() {
        return err.toString(StandardCharsets.UTF_8);
    }

    /** The CSV's rows by authorization_id, each as column → value; the test data holds no comma or quote. */
    private static Map<String, Map<String, String>> csvById(Path csv) throws IOException {
        List<String> lines = Arrays.asList(Files.readString(csv).split("\r\n"));
        List<String> header = Arrays.asList(lines.get(0).split(",", -1));
        Map<String, Map<String, String>> rows = new LinkedHashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            List<String> cells = Arrays.asList(line.split(",", -1));
            assertThat(cells).as(line).hasSameSizeAs(header);
            Map<String, String> row = new LinkedHashMap<>();
            for (int i = 0; i < header.size(); i++) {
                row.put(header.get(i), cells.get(i));
            }
            rows.put(row.get("authorization_id"), row);
        }
        return rows;
    }

    private static KafkaProducer<byte[], byte[]> producer(TestKafka kafka) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static <V> void send(KafkaProducer<byte[], byte[]> producer, Topic<String, V> topic, String prefix,
                                 String key, V value) throws Exception {
        String name = prefix + topic.name();
        producer.send(new ProducerRecord<>(name, topic.keySerde().serializer().serialize(name, key),
                value == null ? null : topic.valueSerde().serializer().serialize(name, value))).get();
    }

    private static PersonalAccessToken token(String id, String owner, String name, boolean global) {
        SessionToken token = new SessionToken(id, null, null, null, null, name, "vso.code",
                global ? null : List.of("contoso-id"), NOW.minus(Duration.ofDays(10)),
                Instant.parse("2027-06-01T00:00:00Z"), true, false, null, null, null, Map.of());
        return new PersonalAccessToken("contoso", new TokenOwner(owner, owner + "@contoso.example", "Owner " + owner),
                token, NOW);
    }

    private static OrgUser user(String descriptor, boolean deletedInEntra) {
        return new OrgUser("contoso", new GraphUser(descriptor, "Owner " + descriptor, descriptor + "@contoso.example",
                null, "aad", null, "User", null, "member", null, deletedInEntra, null, null, Map.of()), NOW);
    }

    private static Finding finding(String id, String rule, Severity severity, String authorizationId) {
        return new Finding(id, rule, rule, severity, List.of(), "contoso",
                new FindingSubject(authorizationId, null, null, null), "summary", Map.of(), NOW, NOW, List.of());
    }
}
