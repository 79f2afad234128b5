package dev.patrol.simulator;

import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The one Microsoft Entra application (service principal) the simulator's token endpoint knows, in the one tenant
 * it serves: {@code POST {baseUrl}/{tenantId}/oauth2/v2.0/token} with the client-credentials grant, authenticated by
 * {@code clientSecret} or by a federated {@code client_assertion} equal to {@code federatedAssertion} (the
 * simulator does not verify JWTs: the known value stands for a token Kubernetes would mount). Issued tokens are
 * opaque and accepted as {@code Authorization: Bearer} on the ADO endpoints until {@code tokenLifetime} has passed
 * on the simulator's clock.
 *
 * @param tenantId           the tenant in the token path; a GUID or a domain name
 * @param clientId           the application (client) id
 * @param clientSecret       the client secret the endpoint accepts
 * @param federatedAssertion the federated token the endpoint accepts as {@code client_assertion}
 * @param tokenLifetime      {@code expires_in} of issued tokens (1 s..24 h); Entra's are about an hour
 */
public record EntraApp(String tenantId, String clientId, String clientSecret, String federatedAssertion,
                       Duration tokenLifetime) {

    private static final Pattern TENANT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9.-]{0,253}");

    public EntraApp {
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(clientSecret, "clientSecret");
        Objects.requireNonNull(federatedAssertion, "federatedAssertion");
        Objects.requireNonNull(tokenLifetime, "tokenLifetime");
        if (!TENANT.matcher(tenantId).matches()) {
            throw new IllegalArgumentException("tenantId '" + tenantId + "' is not a GUID or domain name");
        }
        if (clientId.isBlank() || clientSecret.isBlank() || federatedAssertion.isBlank()) {
            throw new IllegalArgumentException("clientId, clientSecret and federatedAssertion must not be blank");
        }
        if (tokenLifetime.compareTo(Duration.ofSeconds(1)) < 0 || tokenLifetime.compareTo(Duration.ofHours(24)) > 0) {
            throw new IllegalArgumentException("tokenLifetime " + tokenLifetime + " is outside 1 s..24 h");
        }
    }

    /** Fixed, obviously fake values (printed by {@code Main}), tokens valid for an hour. */
    public static EntraApp defaults() {
        return new EntraApp("11111111-1111-4111-8111-111111111111", "22222222-2222-4222-8222-222222222222",
                "sim-client-secret-not-a-secret", "sim-federated-token-not-a-secret", Duration.ofHours(1));
    }

    public EntraApp withTokenLifetime(Duration lifetime) {
        return new EntraApp(tenantId, clientId, clientSecret, federatedAssertion, lifetime);
    }

    /** Masks both credentials: even fake ones should not teach code to print credentials. */
    @Override
    public String toString() {
        return "EntraApp[tenantId=" + tenantId + ", clientId=" + clientId + ", clientSecret=****, "
                + "federatedAssertion=****, tokenLifetime=" + tokenLifetime + "]";
    }
}
