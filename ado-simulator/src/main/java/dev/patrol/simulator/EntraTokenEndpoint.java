package dev.patrol.simulator;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/**
 * {@code POST /{tenant}/oauth2/v2.0/token}: Microsoft Entra's OAuth 2.0 v2 token endpoint for the client-credentials
 * grant, for the one {@link EntraApp} configured. The form body carries {@code grant_type=client_credentials},
 * {@code client_id}, {@code scope} (the Azure DevOps resource {@value #ADO_RESOURCE} with {@code /.default}) and
 * either {@code client_secret} or {@code client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer}
 * with {@code client_assertion}.
 *
 * <p>Success is {@code {token_type: Bearer, expires_in, ext_expires_in, access_token}}. Refusals use Entra's
 * error body ({@code error}, {@code error_description} starting with the AADSTS code, {@code error_codes},
 * {@code timestamp}, {@code trace_id}, {@code correlation_id}) with the status and code Entra uses: unknown tenant
 * 400 {@code invalid_request} AADSTS90002; wrong grant 400 {@code unsupported_grant_type} AADSTS70003; missing
 * parameter 400 {@code invalid_request} AADSTS900144; unknown client 400 {@code unauthorized_client} AADSTS700016;
 * wrong scope 400 {@code invalid_scope} AADSTS1002012; wrong secret 401 {@code invalid_client} AADSTS7000215;
 * unknown assertion 400 {@code invalid_client} AADSTS700211; neither credential 400 {@code invalid_client}
 * AADSTS7000218. No message repeats a presented secret or assertion.
 */
final class EntraTokenEndpoint {

    static final String ADO_RESOURCE = "499b84ac-1321-427f-aa17-267ca6975798";
    static final String JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

    private final EntraApp app;
    private final EntraTokens tokens;
    private final Clock clock;

    EntraTokenEndpoint(EntraApp app, EntraTokens tokens, Clock clock) {
        this.app = app;
        this.tokens = tokens;
        this.clock = clock;
    }

    SimResponse token(String tenant, byte[] formBody) {
        tokens.countRequest();
        if (!tenant.equalsIgnoreCase(app.tenantId())) {
            return error(400, "invalid_request", 90002, "Tenant '" + tenant + "' not found. Check to make sure you have"
                    + " the correct tenant ID and are signing into the correct cloud.");
        }
        QueryParams form = QueryParams.parse(new String(formBody, StandardCharsets.UTF_8));
        Optional<String> grant = form.text("grant_type");
        if (grant.isEmpty()) {
            return missing("grant_type");
        }
        if (!grant.get().equals("client_credentials")) {
            return error(400, "unsupported_grant_type", 70003, "The app requested an unsupported grant type '"
                    + grant.get() + "'.");
        }
        Optional<String> clientId = form.text("client_id");
        if (clientId.isEmpty()) {
            return missing("client_id");
        }
        if (!clientId.get().equalsIgnoreCase(app.clientId())) {
            return error(400, "unauthorized_client", 700016, "Application with identifier '" + clientId.get()
                    + "' was not found in the directory '" + app.tenantId() + "'.");
        }
        Optional<String> scope = form.text("scope");
        if (scope.isEmpty()) {
            return missing("scope");
        }
        if (!scope.get().toLowerCase(Locale.ROOT).equals(ADO_RESOURCE + "/.default")) {
            return error(400, "invalid_scope", 1002012, "The provided value for scope " + scope.get() + " is not valid."
                    + " Client credential flows must have a scope value with /.default suffixed to the resource"
                    + " identifier (application ID URI).");
        }
        Optional<String> secret = form.text("client_secret");
        Optional<String> assertion = form.text("client_assertion");
        if (assertion.isPresent()) {
            if (!form.text("client_assertion_type").filter(JWT_BEARER::equals).isPresent()) {
                return error(400, "invalid_request", 700022, "The client_assertion_type parameter must be "
                        + JWT_BEARER + ".");
            }
            if (!same(assertion.get(), app.federatedAssertion())) {
                return error(400, "invalid_client", 700211, "No matching federated identity record found for"
                        + " presented assertion issuer. Please check your federated identity credential Subject,"
                        + " Audience and Issuer against the presented assertion.");
            }
        } else if (secret.isPresent()) {
            if (!same(secret.get(), app.clientSecret())) {
                return error(401, "invalid_client", 7000215, "Invalid client secret provided. Ensure the secret"
                        + " being sent in the request is the client secret value, not the client secret ID, for a"
                        + " secret added to app '" + app.clientId() + "'.");
            }
        } else {
            return error(400, "invalid_client", 7000218, "The request body must contain the following parameter:"
                    + " 'client_assertion' or 'client_secret'.");
        }
        Instant now = clock.instant();
        long lifetime = app.tokenLifetime().toSeconds();
        ObjectNode body = SimJson.NODES.objectNode()
                .put("token_type", "Bearer")
                .put("expires_in", lifetime)
                .put("ext_expires_in", lifetime)
                .put("access_token", tokens.issue(now.plus(app.tokenLifetime())));
        return SimResponse.json(200, body).withHeader("Cache-Control", "no-store, no-cache");
    }

    private SimResponse missing(String parameter) {
        return error(400, "invalid_request", 900144, "The request body must contain the following parameter: '"
                + parameter + "'.");
    }

    private SimResponse error(int status, String error, int code, String description) {
        String trace = UUID.randomUUID().toString();
        ObjectNode body = SimJson.NODES.objectNode()
                .put("error", error)
                .put("error_description", "AADSTS" + code + ": " + description + " Trace ID: " + trace
                        + " Timestamp: " + clock.instant());
        body.putArray("error_codes").add(code);
        body.put("timestamp", clock.instant().toString())
                .put("trace_id", trace)
                .put("correlation_id", UUID.randomUUID().toString());
        return SimResponse.json(status, body);
    }

    /** Constant-time, so the time to refuse says nothing about how much of a secret was right. */
    private static boolean same(String presented, String expected) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] a = sha.digest(presented.getBytes(StandardCharsets.UTF_8));
            byte[] b = sha.digest(expected.getBytes(StandardCharsets.UTF_8));
            return MessageDigest.isEqual(a, b);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform must provide SHA-256", e);
        }
    }
}
