package dev.patrol.model.config;

import dev.patrol.model.Secret;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Response playbooks: revocation policy, approval links (keys {@code response.*}). Off unless enabled; dry-run unless
 * the policy file says otherwise. The ADO endpoint and credential are the {@code ado.*} ones ingest uses.
 *
 * @param policyFile        the revocation policy (YAML); the bundled dry-run policy when absent
 * @param publicBaseUrl     where approval links point (the address people reach the approval page at, e.g. behind a
 *                          reverse proxy); when absent, {@code http://<bindAddress>:<bound port>}
 * @param bindAddress       address the approval page server listens on
 * @param port              port of the approval page server (0: any free port)
 * @param linkSigningKey    HMAC key that signs approval links and their CSRF tokens; required by a policy with
 *                          approval rules
 * @param linkSigningKeySource where the key was looked for, for messages ("environment X", "file Y")
 * @param linkTtl           how long an approval link stays usable
 * @param approverHeader    a request header set by an authenticating reverse proxy (e.g. {@code X-Forwarded-Email})
 *                          whose value is recorded as the approver; when absent the approver types a name, recorded as
 *                          self-declared
 * @param ownerNoticeUrl    where "was this you?" notices to token owners are POSTed as JSON (e.g. a mail relay or
 *                          a Power Automate flow); the policy decides whether and when
 * @param verifyWithin      how long after a revocation an inventory scan may still list the token as valid before
 *                          PATrol reports the revocation as failed (ADO documents up to an hour)
 */
public record ResponseSettings(boolean enabled, Optional<Path> policyFile, Optional<URI> publicBaseUrl,
                               String bindAddress, int port, Optional<Secret> linkSigningKey,
                               String linkSigningKeySource, Duration linkTtl, Optional<String> approverHeader,
                               Optional<URI> ownerNoticeUrl, Duration verifyWithin) {

    /** Shorter keys make the HMAC guessable in practice; 32 characters is what {@code openssl rand -base64 24} gives. */
    public static final int MIN_KEY_LENGTH = 32;
    // An HTTP header name (RFC 9110 token characters).
    private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]{1,64}");

    public ResponseSettings {
        Objects.requireNonNull(policyFile, "policyFile");
        Objects.requireNonNull(publicBaseUrl, "publicBaseUrl");
        Objects.requireNonNull(bindAddress, "bindAddress");
        Objects.requireNonNull(linkSigningKey, "linkSigningKey");
        Objects.requireNonNull(linkSigningKeySource, "linkSigningKeySource");
        Objects.requireNonNull(linkTtl, "linkTtl");
        Objects.requireNonNull(approverHeader, "approverHeader");
        Objects.requireNonNull(ownerNoticeUrl, "ownerNoticeUrl");
        Objects.requireNonNull(verifyWithin, "verifyWithin");
    }

    static ResponseSettings bind(ConfigSource source) {
        Optional<Secret> key = source.secret("response.linkSigningKeyEnv", "RESPONSE_LINK_SIGNING_KEY",
                "response.linkSigningKeyFile");
        String keySource = source.secretSource("response.linkSigningKeyEnv", "RESPONSE_LINK_SIGNING_KEY",
                "response.linkSigningKeyFile");
        if (key.isPresent() && key.get().reveal().length() < MIN_KEY_LENGTH) {
            throw new ConfigException("response link signing key (" + keySource + "): at least " + MIN_KEY_LENGTH
                    + " characters are needed; generate one with: openssl rand -base64 32");
        }
        Optional<String> approverHeader = source.optionalString("response.approverHeader").map(String::strip);
        if (approverHeader.isPresent() && !HEADER_NAME.matcher(approverHeader.get()).matches()) {
            throw new ConfigException("config key response.approverHeader: '" + approverHeader.get()
                    + "' is not an HTTP header name");
        }
        Optional<URI> publicBaseUrl = source.optionalString("response.publicBaseUrl").isPresent()
                ? Optional.of(source.url("response.publicBaseUrl", ""))
                : Optional.empty();
        Optional<URI> ownerNoticeUrl = source.optionalString("response.ownerNoticeUrl").isPresent()
                ? Optional.of(source.url("response.ownerNoticeUrl", ""))
                : Optional.empty();
        return new ResponseSettings(
                source.bool("response.enabled", false),
                source.existingFile("response.policyFile"),
                publicBaseUrl,
                source.string("response.bindAddress", "127.0.0.1"),
                source.integer("response.port", 8089, 0, 65535),
                key,
                keySource,
                source.positiveDuration("response.linkTtl", Duration.ofHours(24)),
                approverHeader,
                ownerNoticeUrl,
                source.positiveDuration("response.verifyWithin", Duration.ofHours(2)));
    }
}
