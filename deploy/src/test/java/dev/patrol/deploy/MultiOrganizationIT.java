package dev.patrol.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.patrol.ingest.IngestService;
import dev.patrol.model.config.PatrolConfig;
import dev.patrol.model.topic.Topics;
import dev.patrol.simulator.AdoSimulator;
import dev.patrol.simulator.SimulatorConfig;
import dev.patrol.testkit.CommittedRecords;
import dev.patrol.testkit.KafkaExtension;
import dev.patrol.testkit.TestKafka;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Guards several organizations in one deployment: each polled with its own PAT, into the same topics, with its own
 * checkpoint and inventory; one organization's entries and tokens never land under the other's name. ADO serves
 * every organization under one host; a small router in front of two simulators plays that part.
 */
@ExtendWith(KafkaExtension.class)
class MultiOrganizationIT {

    @Test
    void shouldIngestEachOrganizationWithItsOwnCredentialAndState(TestKafka kafka) throws Exception {
        try (var contoso = AdoSimulator.start(SimulatorConfig.defaults().withOrganization("contoso").withSeed(41)
                     .withPat("contoso-pat").withAuditEntries(40));
             var fabrikam = AdoSimulator.start(SimulatorConfig.defaults().withOrganization("fabrikam").withSeed(42)
                     .withPat("fabrikam-pat").withAuditEntries(60));
             var router = Router.start(Map.of("contoso", contoso.baseUrl(), "fabrikam", fabrikam.baseUrl()))) {
            PatrolConfig config = PatrolConfig.load(Optional.empty(), Map.of(
                    "PATROL_ORGANIZATIONS", "contoso,fabrikam",
                    "PATROL_ADO_AUDIT_BASE_URL", router.url().toString(),
                    "PATROL_ADO_VSSPS_BASE_URL", router.url().toString(),
                    "ADO_PAT_CONTOSO", "contoso-pat",
                    "ADO_PAT_FABRIKAM", "fabrikam-pat",
                    "PATROL_INGEST_POLL_INTERVAL", "300ms",
                    "PATROL_KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                    "PATROL_KAFKA_TOPIC_PREFIX", "multi.")).requireForIngest();
            Map<String, Set<String>> expected = Map.of(
                    "contoso", ids(contoso), "fabrikam", ids(fabrikam));

            List<IngestService> ingesters = new ArrayList<>();
            try {
                for (String organization : config.organizations()) {
                    ingesters.add(new IngestService(config.forOrganization(organization), Clock.systemUTC()).start());
                }
                await().atMost(Duration.ofSeconds(60)).until(() -> auditByOrganization(kafka).equals(expected)
                        && tokenOrganizations(kafka).size() == contoso.org().tokens().size() + fabrikam.org().tokens().size());
            } finally {
                ingesters.forEach(IngestService::close);
            }

            assertThat(auditByOrganization(kafka)).isEqualTo(expected);
            Map<String, String> tokens = tokenOrganizations(kafka);
            contoso.org().tokens().forEach(t -> assertThat(tokens).containsEntry(t.authorizationId(), "contoso"));
            fabrikam.org().tokens().forEach(t -> assertThat(tokens).containsEntry(t.authorizationId(), "fabrikam"));
            var checkpoints = CommittedRecords.read(kafka.bootstrapServers(), "multi." + Topics.INGEST_CHECKPOINTS.name())
                    .stream().map(r -> new String(r.key(), StandardCharsets.UTF_8)).collect(Collectors.toSet());
            assertThat(checkpoints).containsExactlyInAnyOrder("contoso", "fabrikam");
        }
    }

    private static Set<String> ids(AdoSimulator simulator) {
        return simulator.org().auditEntries().stream().map(e -> e.get("id").asText()).collect(Collectors.toSet());
    }

    private static Map<String, Set<String>> auditByOrganization(TestKafka kafka) {
        Map<String, Set<String>> byOrg = new HashMap<>();
        for (var record : CommittedRecords.read(kafka.bootstrapServers(), "multi." + Topics.AUDIT.name())) {
            var entry = Topics.AUDIT.valueSerde().deserializer().deserialize("t", record.value());
            byOrg.computeIfAbsent(entry.organization(), o -> new java.util.HashSet<>()).add(entry.entry().id());
        }
        return byOrg;
    }

    private static Map<String, String> tokenOrganizations(TestKafka kafka) {
        Map<String, String> byToken = new HashMap<>();
        for (var record : CommittedRecords.read(kafka.bootstrapServers(), "multi." + Topics.TOKENS.name())) {
            var token = Topics.TOKENS.valueSerde().deserializer().deserialize("t", record.value());
            if (token != null) {
                byToken.put(token.authorizationId(), token.organization());
            }
        }
        return byToken;
    }

    /** Forwards {@code /{org}/...} to that organization's simulator, as ADO's one host serves every organization. */
    static final class Router implements AutoCloseable {
        private final HttpServer server;

        private Router(HttpServer server) {
            this.server = server;
        }

        static Router start(Map<String, URI> organizations) throws IOException {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
            HttpClient http = HttpClient.newHttpClient();
            server.createContext("/", exchange -> {
                try (exchange) {
                    String path = exchange.getRequestURI().getRawPath();
                    String organization = path.split("/")[1];
                    URI target = organizations.get(organization);
                    if (target == null) {
                        exchange.sendResponseHeaders(404, -1);
                        return;
                    }
                    String query = exchange.getRequestURI().getRawQuery();
                    var request = HttpRequest.newBuilder(URI.create(target + path + (query == null ? "" : "?" + query)))
                            .method(exchange.getRequestMethod(),
                                    HttpRequest.BodyPublishers.ofByteArray(exchange.getRequestBody().readAllBytes()));
                    for (String header : List.of("Authorization", "Content-Type")) {
                        String value = exchange.getRequestHeaders().getFirst(header);
                        if (value != null) {
                            request.header(header, value);
                        }
                    }
                    HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
                    response.headers().map().forEach((name, values) -> {
                        if (!name.equalsIgnoreCase("content-length") && !name.equalsIgnoreCase("transfer-encoding")
                                && !name.startsWith(":")) {
                            exchange.getResponseHeaders().put(name, values);
                        }
                    });
                    byte[] body = response.body();
                    exchange.sendResponseHeaders(response.statusCode(), body.length == 0 ? -1 : body.length);
                    if (body.length > 0) {
                        exchange.getResponseBody().write(body);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            server.start();
            return new Router(server);
        }

        URI url() {
            return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
