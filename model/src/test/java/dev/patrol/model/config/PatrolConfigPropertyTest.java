package dev.patrol.model.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.arbitrary;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.strings;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quicktheories.api.Pair;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * {@link PatrolConfig#load} with generated environments and YAML files, valid-ish and hostile (wrong types, unknown
 * keys, control characters and line breaks in values, huge values, broken YAML, deep nesting, anchors): the outcome
 * is a config, or a {@link ConfigException} whose message is one line naming the key (or the file, or the variable),
 * never another exception, and never the value of a secret. The same holds for the checks each service runs at start.
 * Examples and seeds are fixed (docs/RELIABILITY.md).
 */
class PatrolConfigPropertyTest {

    static final int ENV_EXAMPLES = 3000;
    static final int YAML_EXAMPLES = 1500;

    /** Known secret values; a message must never contain one. */
    private static final String PAT = "pat-7q3xv9kd2m8w1zr5t6yb4nc0hj";
    private static final String HEC = "hec-4b1f0a9c-2d8e-4f3a-b6c7-9e8d7c6b5a4f";
    private static final Map<String, String> SECRETS = Map.of("ADO_PAT", PAT, "ADO_STREAM_HEC_TOKEN", HEC,
            "KAFKA_SASL_JAAS_CONFIG", "org.apache.kafka.common.security.scram.ScramLoginModule required "
                    + "username=\"patrol\" password=\"scram-secret-8h2k\";");

    private static final List<String> KEYS = List.of("organization", "organizations", "ado.auditBaseUrl",
            "ado.vsspsBaseUrl", "ado.credential", "ado.patEnv", "ado.patFile", "ado.tenantId", "ado.clientId",
            "ado.clientSecretEnv", "ado.clientSecretFile", "ado.federatedTokenFile", "ado.authorityUrl",
            "ado.requestTimeout", "ingest.pollInterval", "ingest.overlap", "ingest.batchSize", "ingest.inventoryInterval",
            "ingest.initialLookback", "ingest.inventoryConcurrency", "ingest.includeSshKeys", "network.corporateCidrs",
            "network.vpnEgressCidrs", "network.trustedAsns", "network.hostingAsns", "network.anonymizerAsns",
            "network.torExitListFile", "geoip.cityDatabase", "geoip.cacheSize", "geoip.reloadCheckInterval",
            "streams.applicationId", "streams.stateDir", "streams.rulesFile", "alerts.webhooks",
            "alerts.webhook.signingKeyEnv", "alerts.webhook.minSeverity", "alerts.slack.minSeverity",
            "alerts.pagerduty.eventsUrl", "alerts.groupWindow", "alerts.retry.giveUpAfter", "alerts.printFindings",
            "alerts.console.minSeverity", "response.enabled", "response.policyFile", "response.publicBaseUrl",
            "response.port", "response.linkTtl", "response.approverHeader", "auditStream.enabled",
            "auditStream.port", "auditStream.maxBodyBytes", "auditStream.hecTokenEnv", "metrics.ingestPort",
            "metrics.bindAddress", "kafka.bootstrapServers", "kafka.topicPrefix", "kafka.embedded.port",
            "kafka.embedded.dataDir");

    /** Names a key ("config key x.y", or a dotted key in the text), the file, or an environment variable. */
    private static final Pattern NAMES_WHAT = Pattern.compile(
            ".*(config key |config keys |config file |environment variable |environment [A-Z][A-Z0-9_]+|[a-z]+\\.[a-z][A-Za-z.]+).*");

    @TempDir
    Path dir;

    @Test
    void shouldGiveAConfigOrAOneLineErrorNamingTheKeyWhenTheEnvironmentIsArbitrary() {
        AtomicInteger loaded = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();

        qt().withExamples(ENV_EXAMPLES).withFixedSeed(20261127L).forAll(environments()).checkAssert(env -> {
            check(Optional.empty(), env, loaded, refused);
        });

        assertThat(loaded.get()).isGreaterThan(ENV_EXAMPLES / 20);
        assertThat(refused.get()).isGreaterThan(ENV_EXAMPLES / 4);
        System.out.printf("PatrolConfigPropertyTest environments: examples=%d loaded=%d refused=%d%n", ENV_EXAMPLES,
                loaded.get(), refused.get());
    }

    @Test
    void shouldGiveAConfigOrAOneLineErrorNamingTheKeyWhenTheFileIsArbitrary() {
        AtomicInteger loaded = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        AtomicInteger file = new AtomicInteger();

        qt().withExamples(YAML_EXAMPLES).withFixedSeed(20261128L).forAll(yamlTexts(), environments())
                .checkAssert((yaml, env) -> {
                    Path path = dir.resolve("patrol-" + file.incrementAndGet() + ".yaml");
                    write(path, yaml);
                    check(Optional.of(path), env, loaded, refused);
                });

        assertThat(loaded.get()).isGreaterThan(YAML_EXAMPLES / 50);
        assertThat(refused.get()).isGreaterThan(YAML_EXAMPLES / 4);
        System.out.printf("PatrolConfigPropertyTest files: examples=%d loaded=%d refused=%d%n", YAML_EXAMPLES,
                loaded.get(), refused.get());
    }

    private static void check(Optional<Path> file, Map<String, String> env, AtomicInteger loaded, AtomicInteger refused) {
        try {
            PatrolConfig config = PatrolConfig.load(file, env);
            config.kafka().clientProperties(); // touch what services read first
            try {
                config.requireForIngest();
                config.requireForStreams();
            } catch (ConfigException e) {
                assertOneLineNamingTheKey(e);
            }
            assertThat(config.toString()).doesNotContain(PAT, HEC, "scram-secret-8h2k");
            loaded.incrementAndGet();
        } catch (ConfigException e) {
            assertOneLineNamingTheKey(e);
            refused.incrementAndGet();
        } catch (RuntimeException e) {
            throw new AssertionError("not a ConfigException: " + e.getClass().getName() + ": "
                    + shown(String.valueOf(e.getMessage())), e);
        }
    }

    private static void assertOneLineNamingTheKey(ConfigException e) {
        assertThat(e.getMessage()).as("message of %s", e.getMessage()).matches(NAMES_WHAT).doesNotContain("\n", "\r");
        assertThat(e.getMessage()).doesNotContain(PAT, HEC, "scram-secret-8h2k");
    }

    private static void write(Path path, String text) {
        try {
            // getBytes, not writeString: a lone surrogate becomes '?' instead of failing the write
            Files.write(path, text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ------------------------------------------------------------------------------------------- generators

    /** Values a person (or an attacker with write access to the environment) might set. */
    static Gen<String> values() {
        return Generate.frequency(
                Pair.of(4, arbitrary().pick("", " ", "0", "1", "-1", "65536", "2147483648", "true", "no", "maybe", "30s",
                        "5m", "1h", "7d", "PT5M", "-5m", "0s", "P1000000000D", "99999999999999999999d",
                        "http://localhost:1/x", "https://example.com/hook?token=abc", "ftp://x", "http://",
                        "10.0.0.0/8", "2001:db8::/129", "300.1.1.1/24", "AS15169", "AS-1", "4294967296", "contoso",
                        "-bad-org-", "a,b,,c", "/etc/passwd", "/nonexistent/file", "INFO", "HIGH", "CRITICAL", "pat",
                        "client-secret", "workload-identity", "magic")),
                Pair.of(3, strings().allPossible().ofLengthBetween(0, 30)),
                Pair.of(1, strings().basicLatinAlphabet().ofLengthBetween(0, 10).map(s -> s + "\n" + s + "\r\n")),
                Pair.of(1, strings().basicLatinAlphabet().ofLengthBetween(1, 4).zip(integers().between(1000, 20_000),
                        (piece, times) -> piece.repeat(times))));
    }

    static Gen<Map<String, String>> environments() {
        Gen<String> names = Generate.frequency(
                Pair.of(6, arbitrary().pick(KEYS).map(ConfigSource::envName)),
                Pair.of(2, arbitrary().pick("KAFKA_SECURITY_PROTOCOL", "KAFKA_SASL_MECHANISM", "KAFKA_BOOTSTRAP_SERVERS",
                        "KAFKA_SSL_TRUSTSTORE_LOCATION", "KAFKA_HEAP_OPTS", "ADO_PAT_CONTOSO", "AZURE_TENANT_ID",
                        "PATROL_CONFIG", "PATROL_JAVA_OPTS", "HOME")),
                Pair.of(1, strings().allPossible().ofLengthBetween(1, 20)),
                Pair.of(1, strings().allPossible().ofLengthBetween(1, 20).map(s -> "PATROL_" + s)));
        Gen<Pair<String, String>> variables = names.zip(values(), Pair::of);
        Gen<Map<String, String>> environments = lists().of(variables).ofSizeBetween(0, 6)
                .zip(arbitrary().pick(true, false), (pairs, secrets) -> {
                    Map<String, String> env = new LinkedHashMap<>();
                    if (secrets) {
                        env.putAll(SECRETS);
                    }
                    pairs.forEach(pair -> env.put(pair._1, pair._2));
                    return env;
                });
        return environments.describedAs(env -> {
            Map<String, String> shown = new LinkedHashMap<>();
            env.forEach((name, value) -> shown.put(shown(name), shown(value)));
            return shown.toString();
        });
    }

    /** A generated value as a failure report shows it: escaped, at most 200 characters. */
    static String shown(String value) {
        StringBuilder ascii = new StringBuilder();
        ConfigException.oneLine(value).chars().forEach(c -> ascii.append(c < 0x7f ? String.valueOf((char) c)
                : String.format("\\u%04x", c)));
        String escaped = ascii.toString();
        return escaped.length() > 200 ? escaped.substring(0, 200) + "...(" + value.length() + " chars)" : escaped;
    }

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** Documents built from known keys with arbitrary values, plus broken and hostile YAML text. */
    static Gen<String> yamlTexts() {
        Gen<JsonNode> leafValues = Generate.frequency(
                Pair.of(4, values().map(v -> (JsonNode) JsonNodeFactory.instance.textNode(v))),
                Pair.of(1, lists().of(values()).ofSizeBetween(0, 3).map(list -> {
                    var array = JsonNodeFactory.instance.arrayNode();
                    list.forEach(array::add);
                    return (JsonNode) array;
                })),
                Pair.of(1, arbitrary().pick((JsonNode) JsonNodeFactory.instance.numberNode(8088),
                        JsonNodeFactory.instance.booleanNode(true), JsonNodeFactory.instance.nullNode(),
                        JsonNodeFactory.instance.objectNode().put("nested", "x"))));
        Gen<String> keyNames = Generate.frequency(
                Pair.of(8, arbitrary().pick(KEYS)),
                Pair.of(1, arbitrary().pick("kafka.properties.security.protocol", "kafka.properties.sasl.jaas.config",
                        "kafka.properties", "ado.auditBaseUrll", "Organization", "network", "alerts.slack")),
                Pair.of(1, strings().allPossible().ofLengthBetween(1, 12)));
        Gen<String> documents = lists().of(keyNames.zip(leafValues, Pair::of)).ofSizeBetween(0, 6).map(pairs -> {
            ObjectNode root = JsonNodeFactory.instance.objectNode();
            pairs.forEach(pair -> put(root, pair._1, pair._2));
            return yaml(root);
        });
        Gen<String> truncated = documents.zip(integers().between(0, 100),
                (text, percent) -> text.substring(0, text.length() * percent / 100));
        Gen<String> hostile = arbitrary().pick(
                "- a\n- b\n", "just a string\n", "42\n", "~\n", "", "---\n---\n", "organization: [unclosed\n",
                "organization: 'unterminated\n", "\tbad: tab\n", "a: &x [*x]\n", "ingest:\n  pollInterval:\n    - 5m\n",
                "organization: !!binary aGVsbG8=\n", "organization: !!java.lang.Runtime x\n", "? [a, b]\n: c\n",
                "organization: contoso\norganization: fabrikam\n", "kafka:\n  properties: 5\n",
                "x: " + "[".repeat(5000) + "]".repeat(5000) + "\n",
                "lol: &a [\"lol\",\"lol\"]\nlol2: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nlol3: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
                        + "lol4: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\nlol5: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n");
        return Generate.frequency(
                Pair.of(6, documents),
                Pair.of(2, truncated),
                Pair.of(1, hostile),
                Pair.of(1, strings().allPossible().ofLengthBetween(0, 80))).describedAs(PatrolConfigPropertyTest::shown);
    }

    private static void put(ObjectNode root, String dottedKey, JsonNode value) {
        String[] parts = dottedKey.split("\\.");
        ObjectNode node = root;
        for (int i = 0; i < parts.length - 1; i++) {
            JsonNode child = node.get(parts[i]);
            if (!(child instanceof ObjectNode)) {
                child = node.putObject(parts[i]);
            }
            node = (ObjectNode) child;
        }
        node.set(parts[parts.length - 1], value);
    }

    private static String yaml(JsonNode root) {
        try {
            return YAML.writeValueAsString(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
