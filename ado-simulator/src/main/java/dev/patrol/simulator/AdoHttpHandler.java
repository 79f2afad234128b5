package dev.patrol.simulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Everything every request goes through, in this order: injected faults; the token endpoint
 * ({@code POST /{tenant}/oauth2/v2.0/token}, see {@link EntraTokenEndpoint}); the organization (404);
 * authentication (401): Basic with the configured PAT as password, or {@code Bearer} with a token the token endpoint
 * issued that has not expired; the rate limiter ({@link RateLimit}: its {@code X-RateLimit-*} headers go on every
 * answer from here on, and an enforced budget may hold the request or answer 429); the route (404, or 405 with
 * {@code Allow}); {@code api-version} (400); then the endpoint. Checking credentials before the route means an
 * anonymous caller learns nothing about which paths exist.
 *
 * <p>{@code api-version} must look like {@code 7.1} or {@code 7.1-preview[.1]}; the audit log and Graph users exist
 * only as previews, so there the {@code -preview} suffix is required, as ADO requires it.
 *
 * <p>Never logs the Authorization header, a request body or anything derived from them.
 */
final class AdoHttpHandler implements HttpHandler {

    private static final Logger LOG = LoggerFactory.getLogger(AdoHttpHandler.class);
    private static final int MAX_BODY_BYTES = 1 << 20;
    private static final Pattern API_VERSION = Pattern.compile("(\\d+)\\.(\\d+)(-preview(\\.\\d+)?)?", Pattern.CASE_INSENSITIVE);
    /** What a sign-in page or an intercepting proxy sends where JSON was expected. */
    private static final String HTML_PAGE = "<!DOCTYPE html>\n<html><head><title>Azure DevOps Services | Sign In</title>"
            + "</head><body><p>The service is temporarily unavailable. Please try again later.</p></body></html>\n";

    private final String organization;
    private final byte[] patDigest;
    private final Clock clock;
    private final Faults faults;
    private final URI baseUrl;
    private final String tenantId;
    private final EntraTokens entraTokens;
    private final RateLimiter rateLimiter;
    private final EntraTokenEndpoint tokenEndpoint;
    private final AuditLogEndpoint auditLog;
    private final GraphUsersEndpoint graphUsers;
    private final TokenAdminEndpoint tokenAdmin;
    private final AtomicLong requests = new AtomicLong();

    AdoHttpHandler(SimulatorConfig config, SimulatedOrg org, Faults faults, EntraTokens entraTokens, URI baseUrl) {
        this.organization = config.organization();
        this.patDigest = sha256(config.pat().getBytes(StandardCharsets.UTF_8));
        this.clock = config.clock();
        this.faults = faults;
        this.baseUrl = baseUrl;
        this.tenantId = config.entra().tenantId();
        this.entraTokens = entraTokens;
        this.rateLimiter = new RateLimiter(config.rateLimit(), config.clock());
        this.tokenEndpoint = new EntraTokenEndpoint(config.entra(), entraTokens, config.clock());
        this.auditLog = new AuditLogEndpoint(org, config.clock());
        this.graphUsers = new GraphUsersEndpoint(org, baseUrl);
        this.tokenAdmin = new TokenAdminEndpoint(org);
    }

    @Override
    public void handle(HttpExchange exchange) {
        requests.incrementAndGet();
        String method = exchange.getRequestMethod();
        String path = Optional.ofNullable(exchange.getRequestURI().getPath()).orElse("/");
        SimResponse response;
        try {
            response = respond(exchange, method, path);
        } catch (AdoRequestException e) {
            response = SimResponse.error(e.status(), e.typeKey(), e.getMessage());
        } catch (RuntimeException | JsonProcessingException e) {
            LOG.atWarn().addKeyValue("method", method).addKeyValue("path", path)
                    .addKeyValue("error", e.getClass().getName()).log("simulator failed to answer a request");
            response = SimResponse.error(500, "InternalServerErrorException", "The simulator failed: " + e.getClass().getSimpleName());
        }
        try {
            write(exchange, response);
        } catch (IOException e) {
            LOG.atDebug().addKeyValue("path", path).log("client went away before the response was written");
        } finally {
            exchange.close();
        }
        LOG.atDebug().addKeyValue("method", method).addKeyValue("path", path).addKeyValue("status", response.status())
                .log("request served");
    }

    private SimResponse respond(HttpExchange exchange, String method, String path) throws JsonProcessingException {
        Optional<Faults.InjectedFault> fault = faults.take(path);
        if (fault.isPresent()) {
            Faults.InjectedFault injected = fault.get();
            switch (injected.kind()) {
                case DELAY -> hold(injected.duration());
                case TRUNCATE -> {
                    return serve(exchange, method, path).truncated();
                }
                default -> {
                    return faultResponse(injected);
                }
            }
        }
        return serve(exchange, method, path);
    }

    private SimResponse serve(HttpExchange exchange, String method, String path) {
        List<String> segments = Arrays.stream(path.split("/")).filter(segment -> !segment.isEmpty()).toList();
        if (isTokenPath(segments)) {
            if (!method.equals("POST")) {
                return SimResponse.error(405, "MethodNotAllowedException",
                        "The requested resource does not support http method '" + method + "'.").withHeader("Allow", "POST");
            }
            return tokenEndpoint.token(segments.get(0), readBody(exchange));
        }
        if (segments.isEmpty() || !segments.get(0).equalsIgnoreCase(organization)) {
            String name = segments.isEmpty() ? "" : segments.get(0);
            return SimResponse.error(404, "OrganizationNotFoundException",
                    "VS800075: The organization '" + name + "' does not exist.");
        }
        if (!authenticated(exchange.getRequestHeaders())) {
            return SimResponse.error(401, "UnauthorizedRequestException",
                            "TF400813: The user '' is not authorized to access this resource.")
                    .withHeader("WWW-Authenticate", "Basic realm=\"" + baseUrl + "\", Bearer authorization_uri=\""
                            + baseUrl + "/" + tenantId + "\"");
        }

        RateLimiter.Decision budget = rateLimiter.admit();
        if (budget.blocked()) {
            return blocked(budget.retryAfterSeconds()).withHeaders(budget.headers());
        }
        hold(budget.delay());
        SimResponse response;
        try {
            response = route(exchange, method, path, segments);
        } catch (AdoRequestException e) {
            response = SimResponse.error(e.status(), e.typeKey(), e.getMessage());
        }
        return response.withHeaders(budget.headers());
    }

    private SimResponse route(HttpExchange exchange, String method, String path, List<String> segments) {
        List<String> route = segments.subList(1, segments.size());
        Endpoint endpoint = Endpoint.match(route).orElse(null);
        if (endpoint == null) {
            return SimResponse.error(404, "ApiResourceNotFoundException",
                    "The API resource '" + path + "' was not found.");
        }
        if (!endpoint.method.equals(method)) {
            return SimResponse.error(405, "MethodNotAllowedException",
                            "The requested resource does not support http method '" + method + "'.")
                    .withHeader("Allow", endpoint.method);
        }

        QueryParams query = QueryParams.parse(exchange.getRequestURI().getRawQuery());
        requireApiVersion(query, method, endpoint.previewOnly);
        return switch (endpoint) {
            case AUDIT_LOG -> auditLog.query(query,
                    query.text("continuationToken").isPresent() && faults.takeRepeatedToken());
            case GRAPH_USERS -> graphUsers.list(query);
            case LIST_PATS -> tokenAdmin.list(route.get(3), query);
            case REVOKE_PATS -> tokenAdmin.revoke(query, readBody(exchange));
        };
    }

    /** Requests received so far, whatever their fate. */
    long requests() {
        return requests.get();
    }

    /** {@code /{tenant}/oauth2/v2.0/token}, matched case-insensitively like the ADO routes. */
    private static boolean isTokenPath(List<String> segments) {
        return segments.size() == 4 && segments.get(1).equalsIgnoreCase("oauth2")
                && segments.get(2).equalsIgnoreCase("v2.0") && segments.get(3).equalsIgnoreCase("token");
    }

    /** Holds the worker, as a slow or rate-delayed ADO request holds the caller; a stopping server cuts it short. */
    private static void hold(Duration duration) {
        if (duration.isZero()) {
            return;
        }
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The four routes, matched case-insensitively after {@code /{org}}, as ADO's routing is. */
    private enum Endpoint {
        AUDIT_LOG("GET", true, "_apis", "audit", "auditlog"),
        GRAPH_USERS("GET", true, "_apis", "graph", "users"),
        LIST_PATS("GET", false, "_apis", "tokenadmin", "personalaccesstokens", null),
        REVOKE_PATS("POST", false, "_apis", "tokenadmin", "revocations");

        private final String method;
        private final boolean previewOnly;
        /** Literal segments; {@code null} is a parameter. */
        private final String[] pattern;

        Endpoint(String method, boolean previewOnly, String... pattern) {
            this.method = method;
            this.previewOnly = previewOnly;
            this.pattern = pattern;
        }

        static Optional<Endpoint> match(List<String> segments) {
            return Arrays.stream(values()).filter(endpoint -> endpoint.matches(segments)).findFirst();
        }

        private boolean matches(List<String> segments) {
            if (segments.size() != pattern.length) {
                return false;
            }
            for (int i = 0; i < pattern.length; i++) {
                if (pattern[i] != null && !pattern[i].equalsIgnoreCase(segments.get(i))) {
                    return false;
                }
            }
            return true;
        }
    }

    private boolean authenticated(Headers headers) {
        String authorization = headers.getFirst("Authorization");
        if (authorization == null) {
            return false;
        }
        if (authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return entraTokens.accepts(authorization.substring(7).strip(), clock.instant());
        }
        if (!authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return false;
        }
        byte[] credentials;
        try {
            credentials = Base64.getDecoder().decode(authorization.substring(6).strip());
        } catch (IllegalArgumentException e) {
            return false;
        }
        int colon = indexOf(credentials, (byte) ':');
        if (colon < 0) {
            return false;
        }
        // Hashing first gives both sides the same length, so the comparison time says nothing about the PAT.
        byte[] offered = sha256(Arrays.copyOfRange(credentials, colon + 1, credentials.length));
        Arrays.fill(credentials, (byte) 0);
        return MessageDigest.isEqual(offered, patDigest);
    }

    private static void requireApiVersion(QueryParams query, String method, boolean previewOnly) {
        String version = query.text("api-version").orElseThrow(() -> new AdoRequestException(400,
                "VssVersionNotSpecifiedException", "No api-version was supplied for the " + method
                + " request. Add api-version to the query string, e.g. api-version=7.1-preview.1."));
        Matcher matcher = API_VERSION.matcher(version);
        if (!matcher.matches()) {
            throw new AdoRequestException(400, "VssVersionNotParsableException",
                    "The api-version '" + version + "' is not valid: expected e.g. 7.1 or 7.1-preview.1.");
        }
        if (previewOnly && matcher.group(3) == null) {
            throw new AdoRequestException(400, "VssInvalidPreviewVersionException",
                    "VS402523: The requested REST API version of " + version + " is a preview for this resource;"
                            + " the -preview flag must be supplied in the api-version, e.g. '" + version + "-preview.1'.");
        }
    }

    private SimResponse faultResponse(Faults.InjectedFault fault) {
        return switch (fault.kind()) {
            case THROTTLE -> blocked(fault.retryAfterSeconds())
                    .withHeader("X-RateLimit-Resource", RateLimiter.RESOURCE)
                    .withHeader("X-RateLimit-Limit", Integer.toString(rateLimiter.limit()))
                    .withHeader("X-RateLimit-Remaining", "0")
                    .withHeader("X-RateLimit-Reset", Long.toString(clock.instant().getEpochSecond() + fault.retryAfterSeconds()));
            case UNAVAILABLE -> SimResponse.error(503, "ServiceUnavailableException",
                            "Simulated failure: HTTP 503 injected by Faults.unavailableNext.")
                    .withHeader("Retry-After", Long.toString(fault.retryAfterSeconds()));
            case INVALID_JSON -> SimResponse.raw(200, "text/html; charset=utf-8", HTML_PAGE);
            default -> SimResponse.error(fault.status(), "SimulatedFaultException",
                    "Simulated failure: HTTP " + fault.status() + " injected by Faults.failNext.");
        };
    }

    /** ADO's rate limiter blocking a request: 429, TF400733 and {@code Retry-After}. */
    private static SimResponse blocked(long retryAfterSeconds) {
        return SimResponse.error(429, "RequestBlockedException",
                        "TF400733: The request has been canceled: Request was blocked due to exceeding usage of"
                                + " resource 'Core' in namespace 'User'.")
                .withHeader("Retry-After", Long.toString(retryAfterSeconds));
    }

    private static byte[] readBody(HttpExchange exchange) {
        try (InputStream in = exchange.getRequestBody()) {
            byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
            if (body.length > MAX_BODY_BYTES) {
                throw AdoRequestException.badRequest("The request body is larger than " + MAX_BODY_BYTES + " bytes.");
            }
            return body;
        } catch (IOException e) {
            throw AdoRequestException.badRequest("The request body could not be read.");
        }
    }

    private static void write(HttpExchange exchange, SimResponse response) throws IOException {
        Headers headers = exchange.getResponseHeaders();
        response.headers().forEach(headers::set);
        byte[] bytes = response.bytes();
        if (bytes == null) {
            exchange.sendResponseHeaders(response.status(), -1);
            return;
        }
        headers.set("Content-Type", response.contentType());
        // 0 would mean "chunked" to HttpServer; a cut-to-nothing body is still a body of length 0.
        exchange.sendResponseHeaders(response.status(), bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static int indexOf(byte[] bytes, byte wanted) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == wanted) {
                return i;
            }
        }
        return -1;
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform must provide SHA-256", e);
        }
    }
}
