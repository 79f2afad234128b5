package dev.patrol.alerts.response;

import dev.patrol.model.ado.SessionToken;
import dev.patrol.model.config.PatrolConfig;
import dev.patrol.model.event.PersonalAccessToken;
import dev.patrol.model.event.ResponseAction;
import dev.patrol.model.event.TokenOwner;
import dev.patrol.model.json.Json;
import dev.patrol.model.topic.TopicCreator;
import dev.patrol.model.topic.Topics;
import dev.patrol.simulator.AdoSimulator;
import dev.patrol.simulator.SimToken;
import dev.patrol.simulator.SimUser;
import dev.patrol.simulator.SimulatorConfig;
import dev.patrol.testkit.CommittedRecords;
import dev.patrol.testkit.TestKafka;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * One playbook test's world: the ADO simulator, topics under a prefix of its own on the class's broker, a policy file,
 * and the response service built from the production config loader. Tokens are added to the simulated organization
 * with known owners and scopes, so a test says exactly which ones the policy must revoke.
 */
final class PlaybookHarness implements AutoCloseable {

    final TestKafka kafka;
    final AdoSimulator ado;
    final String prefix = "it-" + UUID.randomUUID().toString().substring(0, 8) + ".";
    final List<ResponseAction> heard = new CopyOnWriteArrayList<>();
    private final Path dir;
    private final Map<String, String> env = new HashMap<>();
    private final HttpClient http = HttpClient.newHttpClient();

    PlaybookHarness(TestKafka kafka, Path dir, String policyYaml) {
        this.kafka = kafka;
        this.dir = dir;
        this.ado = AdoSimulator.start(SimulatorConfig.defaults().withAuditEntries(0));
        try {
            Path policy = Files.writeString(dir.resolve("policy-" + prefix + "yaml"), policyYaml);
            env.put("PATROL_RESPONSE_POLICY_FILE", policy.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        env.put("PATROL_RESPONSE_ENABLED", "true");
        env.put("PATROL_RESPONSE_PORT", "0");
        env.put("PATROL_ORGANIZATION", ado.org().organization());
        env.put("PATROL_ADO_VSSPS_BASE_URL", ado.baseUrl().toString());
        env.put("PATROL_ADO_REQUEST_TIMEOUT", "5s");
        env.put("ADO_PAT", SimulatorConfig.defaults().pat());
        env.put("RESPONSE_LINK_SIGNING_KEY", Fixtures.LINK_KEY);
        env.put("PATROL_KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        env.put("PATROL_KAFKA_TOPIC_PREFIX", prefix);
        // ingest owns the inventory topic; here the test plays ingest.
        TopicCreator.ensure(kafka.admin(), List.of(Topics.TOKENS), prefix);
    }

    /** Replaces the policy file, for policies that name the world's own tokens and users. */
    PlaybookHarness policy(String yaml) throws IOException {
        Files.writeString(Path.of(env.get("PATROL_RESPONSE_POLICY_FILE")), yaml);
        return this;
    }

    PlaybookHarness with(String name, String value) {
        env.put(name, value);
        return this;
    }

    PatrolConfig config() {
        return PatrolConfig.load(Optional.empty(), env);
    }

    ResponseService start(Clock clock) {
        return new ResponseService(config(), heard::add, clock, Optional.empty()).start();
    }

    /** A new valid token in the simulated organization, owned by the {@code userIndex}-th generated user. */
    String addToken(int userIndex, String scope) {
        SimUser owner = ado.org().users().get(userIndex);
        String id = UUID.randomUUID().toString();
        Instant now = Instant.now();
        ado.org().addToken(new SimToken(id, owner.descriptor(), "token-" + id.substring(0, 4), scope,
                List.of(ado.org().organizationId()), now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(30)), true));
        return id;
    }

    String ownerOf(String authorizationId) {
        SimToken token = ado.org().tokens().stream().filter(t -> t.authorizationId().equals(authorizationId))
                .findFirst().orElseThrow();
        return ado.org().users().stream().filter(u -> u.descriptor().equals(token.ownerDescriptor()))
                .findFirst().orElseThrow().principalName();
    }

    List<String> revocations() {
        return ado.org().revocations();
    }

    /** Every committed action, oldest first per token. */
    List<ResponseAction> actions() {
        String topic = prefix + Topics.ACTIONS.name();
        List<ResponseAction> actions = new ArrayList<>();
        CommittedRecords.read(kafka.bootstrapServers(), topic).forEach(r ->
                actions.add(Topics.ACTIONS.valueSerde().deserializer().deserialize(topic, r.value())));
        return actions;
    }

    List<ResponseAction> actions(String authorizationId, ResponseAction.Status status) {
        return actions().stream().filter(a -> a.authorizationId().equals(authorizationId) && a.status() == status
                && a.kind() == ResponseAction.Kind.REVOKE_TOKEN).toList();
    }

    /** Writes an action as a crashed instance would have left it. */
    void produceAction(ResponseAction action) throws Exception {
        try (var producer = new KafkaProducer<>(Map.<String, Object>of("bootstrap.servers", kafka.bootstrapServers()),
                Topics.ACTIONS.keySerde().serializer(), Topics.ACTIONS.valueSerde().serializer())) {
            producer.send(new ProducerRecord<>(prefix + Topics.ACTIONS.name(), action.authorizationId(), action)).get();
        }
    }

    /**
     * Plays ingest's inventory scan for one token: lists its owner's tokens from the simulator's tokenadmin endpoint,
     * as ingest does, and publishes that token's record.
     */
    void scanInventory(String authorizationId, Instant observedAt) throws Exception {
        SimToken sim = ado.org().tokens().stream().filter(t -> t.authorizationId().equals(authorizationId))
                .findFirst().orElseThrow();
        SimUser owner = ado.org().users().stream().filter(u -> u.descriptor().equals(sim.ownerDescriptor()))
                .findFirst().orElseThrow();
        URI uri = URI.create(ado.baseUrl() + "/" + ado.org().organization() + "/_apis/tokenadmin/personalaccesstokens/"
                + owner.descriptor() + "?api-version=7.1");
        String auth = Base64.getEncoder().encodeToString((":" + SimulatorConfig.defaults().pat())
                .getBytes(StandardCharsets.UTF_8));
        HttpResponse<byte[]> listing = http.send(HttpRequest.newBuilder(uri).header("Authorization", "Basic " + auth)
                .GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        SessionToken token = null;
        for (var node : Json.mapper().readTree(listing.body()).get("value")) {
            SessionToken listed = Json.mapper().treeToValue(node, SessionToken.class);
            if (listed.authorizationId().equals(authorizationId)) {
                token = listed;
            }
        }
        PersonalAccessToken record = new PersonalAccessToken(ado.org().organization(),
                new TokenOwner(owner.descriptor(), owner.principalName(), owner.displayName()), token, observedAt);
        try (var producer = new KafkaProducer<>(Map.<String, Object>of("bootstrap.servers", kafka.bootstrapServers()),
                Topics.TOKENS.keySerde().serializer(), Topics.TOKENS.valueSerde().serializer())) {
            producer.send(new ProducerRecord<>(prefix + Topics.TOKENS.name(), authorizationId, record)).get();
        }
    }

    Path dir() {
        return dir;
    }

    @Override
    public void close() {
        ado.close();
    }
}
