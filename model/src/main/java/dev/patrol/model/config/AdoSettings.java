package dev.patrol.model.config;

import dev.patrol.model.Secret;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Where ADO is and how ingest authenticates to it (keys {@code ado.*}).
 *
 * <p>Three credentials: a PAT sent as Basic auth ({@code ado.credential: pat}, the default), or a Microsoft Entra
 * token for the Azure DevOps resource obtained with the client-credentials grant of a service principal, which
 * proves itself with a client secret ({@code client-secret}) or with a federated workload-identity token read from
 * a file ({@code workload-identity}, as Kubernetes workload identity mounts it). The Entra keys default to the
 * variables the Azure SDKs and the workload-identity webhook use ({@code AZURE_TENANT_ID}, {@code AZURE_CLIENT_ID},
 * {@code AZURE_CLIENT_SECRET}, {@code AZURE_FEDERATED_TOKEN_FILE}, {@code AZURE_AUTHORITY_HOST}).
 *
 * @param patSource  where the PAT was looked for, for messages ("environment ADO_PAT", "file /run/secrets/pat")
 * @param credential which credential ingest sends
 * @param entra      the service principal, used when {@code credential} is not {@link Credential#PAT}
 */
public record AdoSettings(URI auditBaseUrl, URI vsspsBaseUrl, Optional<Secret> pat, String patSource,
                          Duration requestTimeout, Credential credential, Entra entra) {

    /** The key whose value names the credential kind. */
    static final String CREDENTIAL_KEY = "ado.credential";
    private static final Pattern GUID = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    /** A tenant id, or a verified domain such as contoso.onmicrosoft.com: it becomes a path segment of the token URL. */
    private static final Pattern TENANT = Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9.-]{0,253}[A-Za-z0-9])?");

    /** How ingest authenticates to ADO. */
    public enum Credential {
        /** A personal access token as the Basic-auth password. */
        PAT("pat"),
        /** A service principal's client secret exchanged for an Entra bearer token. */
        CLIENT_SECRET("client-secret"),
        /** A federated token file (Kubernetes workload identity) exchanged for an Entra bearer token. */
        WORKLOAD_IDENTITY("workload-identity");

        private final String configName;

        Credential(String configName) {
            this.configName = configName;
        }

        /** The value of {@code ado.credential} that selects it. */
        public String configName() {
            return configName;
        }

        static Optional<Credential> fromConfig(String text) {
            String wanted = text.strip().toLowerCase(Locale.ROOT);
            return Arrays.stream(values()).filter(c -> c.configName.equals(wanted)).findFirst();
        }
    }

    /**
     * A Microsoft Entra service principal and where to get its tokens. Which fields must be present depends on the
     * credential kind; {@link AdoSettings#requireCredential()} checks that.
     *
     * @param authorityUrl              the Entra authority; tokens come from {@code {authorityUrl}/{tenantId}/oauth2/v2.0/token}
     * @param tenantId                  the tenant (a GUID or a verified domain)
     * @param clientId                  the application (client) id, a GUID
     * @param clientSecret              the client secret ({@code client-secret})
     * @param clientSecretSource        where the client secret was looked for, for messages
     * @param federatedTokenFile        the federated token file ({@code workload-identity}); re-read for every token
     * @param federatedTokenFileSource  where the file's path came from, for messages
     */
    public record Entra(URI authorityUrl, Optional<String> tenantId, Optional<String> clientId,
                        Optional<Secret> clientSecret, String clientSecretSource, Optional<Path> federatedTokenFile,
                        String federatedTokenFileSource) {
        public Entra {
            Objects.requireNonNull(authorityUrl, "authorityUrl");
            Objects.requireNonNull(tenantId, "tenantId");
            Objects.requireNonNull(clientId, "clientId");
            Objects.requireNonNull(clientSecret, "clientSecret");
            Objects.requireNonNull(federatedTokenFile, "federatedTokenFile");
        }

        /** No service principal configured, the public-cloud authority. */
        public static Entra none() {
            return new Entra(URI.create("https://login.microsoftonline.com"), Optional.empty(), Optional.empty(),
                    Optional.empty(), "environment AZURE_CLIENT_SECRET", Optional.empty(),
                    "environment AZURE_FEDERATED_TOKEN_FILE");
        }
    }

    public AdoSettings {
        Objects.requireNonNull(credential, "credential");
        Objects.requireNonNull(entra, "entra");
    }

    /** A PAT-only configuration, as before Entra credentials existed. */
    public AdoSettings(URI auditBaseUrl, URI vsspsBaseUrl, Optional<Secret> pat, String patSource,
                       Duration requestTimeout) {
        this(auditBaseUrl, vsspsBaseUrl, pat, patSource, requestTimeout, Credential.PAT, Entra.none());
    }

    static AdoSettings bind(ConfigSource source) {
        Map<String, String> env = source.environment();
        String credentialText = source.string(CREDENTIAL_KEY, Credential.PAT.configName());
        Credential credential = Credential.fromConfig(credentialText).orElseThrow(() -> new ConfigException(
                "config key " + CREDENTIAL_KEY + " (" + source.originOf(CREDENTIAL_KEY) + "): '" + credentialText
                        + "' is not one of " + Arrays.stream(Credential.values()).map(Credential::configName)
                        .collect(Collectors.joining(", "))));

        Optional<String> tenantId = source.optionalString("ado.tenantId").or(() -> fromEnv(env, "AZURE_TENANT_ID"));
        Optional<String> clientId = source.optionalString("ado.clientId").or(() -> fromEnv(env, "AZURE_CLIENT_ID"));
        // AZURE_AUTHORITY_HOST (sovereign clouds) only matters, and is only checked, when Entra is used.
        String defaultAuthority = (credential == Credential.PAT ? Optional.<String>empty()
                : fromEnv(env, "AZURE_AUTHORITY_HOST")).orElse("https://login.microsoftonline.com");
        URI authority = source.url("ado.authorityUrl", defaultAuthority);
        Optional<Path> tokenFile = source.optionalString("ado.federatedTokenFile")
                .or(() -> fromEnv(env, "AZURE_FEDERATED_TOKEN_FILE")).map(text -> ConfigSource.toPath("ado.federatedTokenFile", text));
        String tokenFileSource = source.optionalString("ado.federatedTokenFile").isPresent()
                ? source.originOf("ado.federatedTokenFile") : "environment AZURE_FEDERATED_TOKEN_FILE";
        Entra entra = new Entra(authority, tenantId, clientId,
                source.secret("ado.clientSecretEnv", "AZURE_CLIENT_SECRET", "ado.clientSecretFile"),
                source.secretSource("ado.clientSecretEnv", "AZURE_CLIENT_SECRET", "ado.clientSecretFile"),
                tokenFile, tokenFileSource);
        if (credential != Credential.PAT) {
            // Checked only when used: AZURE_* variables meant for other software must not break a PAT setup.
            tenantId.filter(t -> !TENANT.matcher(t).matches()).ifPresent(t -> {
                throw new ConfigException("config key ado.tenantId: '" + t + "' is not an Entra tenant id (a GUID) or "
                        + "domain (e.g. contoso.onmicrosoft.com)");
            });
            clientId.filter(c -> !GUID.matcher(c).matches()).ifPresent(c -> {
                throw new ConfigException("config key ado.clientId: '" + c + "' is not an application (client) id, "
                        + "which is a GUID");
            });
        }

        return new AdoSettings(
                source.url("ado.auditBaseUrl", "https://auditservice.dev.azure.com"),
                source.url("ado.vsspsBaseUrl", "https://vssps.dev.azure.com"),
                source.secret("ado.patEnv", "ADO_PAT", "ado.patFile"),
                source.secretSource("ado.patEnv", "ADO_PAT", "ado.patFile"),
                source.positiveDuration("ado.requestTimeout", Duration.ofSeconds(30)),
                credential, entra);
    }

    /**
     * Checks that the configured credential has what it needs; ingest calls this at start (the other services never
     * talk to ADO, so they need none).
     *
     * @throws ConfigException naming the missing key
     */
    public void requireCredential() {
        switch (credential) {
            case PAT -> {
                if (pat.isEmpty()) {
                    throw new ConfigException("ADO credential: no PAT in " + patSource
                            + "; set that variable, or point ado.patFile at a file holding the token");
                }
            }
            case CLIENT_SECRET -> {
                requireServicePrincipal();
                if (entra.clientSecret().isEmpty()) {
                    throw new ConfigException("config key ado.clientSecretFile: ado.credential is client-secret but "
                            + "there is no client secret in " + entra.clientSecretSource() + "; set that variable, "
                            + "or point ado.clientSecretFile at a file holding the secret");
                }
            }
            case WORKLOAD_IDENTITY -> {
                requireServicePrincipal();
                Path file = entra.federatedTokenFile().orElseThrow(() -> new ConfigException(
                        "config key ado.federatedTokenFile: required when ado.credential is workload-identity; set "
                                + "it, or AZURE_FEDERATED_TOKEN_FILE as Kubernetes workload identity does"));
                if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
                    throw new ConfigException("config key ado.federatedTokenFile (" + entra.federatedTokenFileSource()
                            + "): file " + file + " does not exist or cannot be read");
                }
            }
        }
    }

    /** Describes the credential for log lines and error messages; never includes a secret. */
    public String describeCredential() {
        return switch (credential) {
            case PAT -> "PAT from " + patSource;
            case CLIENT_SECRET -> "service principal " + entra.clientId().orElse("?") + " in tenant "
                    + entra.tenantId().orElse("?") + " (client secret from " + entra.clientSecretSource() + ")";
            case WORKLOAD_IDENTITY -> "service principal " + entra.clientId().orElse("?") + " in tenant "
                    + entra.tenantId().orElse("?") + " (workload identity, token file "
                    + entra.federatedTokenFile().map(Path::toString).orElse("?") + ")";
        };
    }

    private void requireServicePrincipal() {
        String kind = credential.configName();
        if (entra.tenantId().isEmpty()) {
            throw new ConfigException("config key ado.tenantId: required when ado.credential is " + kind
                    + " (the service principal's Entra tenant); set it, " + ConfigSource.envName("ado.tenantId")
                    + " or AZURE_TENANT_ID");
        }
        if (entra.clientId().isEmpty()) {
            throw new ConfigException("config key ado.clientId: required when ado.credential is " + kind
                    + " (the service principal's application id); set it, " + ConfigSource.envName("ado.clientId")
                    + " or AZURE_CLIENT_ID");
        }
    }

    private static Optional<String> fromEnv(Map<String, String> env, String name) {
        return Optional.ofNullable(env.get(name)).map(String::strip).filter(value -> !value.isEmpty());
    }

    /** The same settings with another PAT: how one deployment watches several organizations with their own PATs. */
    public AdoSettings withPat(Secret otherPat, String otherSource) {
        return new AdoSettings(auditBaseUrl, vsspsBaseUrl, Optional.of(otherPat), otherSource, requestTimeout, credential,
                entra);
    }
}
