package dev.patrol.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/** Real HTTP calls against a running simulator, authenticated as PATrol would be unless told otherwise. */
final class AdoTestClient {

    static final String AUDIT_VERSION = "api-version=7.1-preview.1";
    static final String GRAPH_VERSION = "api-version=7.1-preview.1";
    static final String TOKENADMIN_VERSION = "api-version=7.1";

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final URI baseUrl;
    private final String organization;
    private final String pat;

    private AdoTestClient(URI baseUrl, String organization, String pat) {
        this.baseUrl = baseUrl;
        this.organization = organization;
        this.pat = pat;
    }

    static AdoTestClient of(AdoSimulator simulator, SimulatorConfig config) {
        return new AdoTestClient(simulator.baseUrl(), config.organization(), config.pat());
    }

    /** GET {@code /{org}/{pathAndQuery}} with the right PAT. */
    HttpResponse<String> get(String pathAndQuery) {
        return send(request(pathAndQuery).header("Authorization", basic("", pat)).GET());
    }

    HttpResponse<String> post(String pathAndQuery, String json) {
        return send(request(pathAndQuery).header("Authorization", basic("", pat))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    /** A request to {@code /{org}/{pathAndQuery}} without credentials, for tests that set their own. */
    HttpRequest.Builder request(String pathAndQuery) {
        return HttpRequest.newBuilder(URI.create(baseUrl + "/" + organization + "/" + pathAndQuery))
                .timeout(Duration.ofSeconds(10));
    }

    /** A request to an arbitrary path on the server, org segment included. */
    HttpRequest.Builder requestToPath(String path) {
        return HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(10));
    }

    String authorization() {
        return basic("", pat);
    }

    static HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    static JsonNode json(HttpResponse<String> response) {
        try {
            return MAPPER.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
