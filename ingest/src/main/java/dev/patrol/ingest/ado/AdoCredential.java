package dev.patrol.ingest.ado;

import dev.patrol.model.Secret;
import dev.patrol.model.config.AdoSettings;
import java.time.Clock;

/**
 * What ingest puts in the {@code Authorization} header of every ADO request: a PAT as Basic auth, or a Microsoft
 * Entra bearer token for the Azure DevOps resource ({@link EntraCredential}). Implementations are thread-safe (the
 * inventory scanner calls ADO from several threads) and never reveal the secret in {@code toString()}, a log line
 * or an exception message.
 */
public interface AdoCredential {

    /**
     * The header value for the next request; may fetch or refresh a token first.
     *
     * @throws AdoAuthException when the identity provider refuses the credential
     * @throws AdoApiException  when no token can be had for another reason (the provider unreachable)
     */
    String authorization() throws InterruptedException;

    /**
     * ADO refused the last header (401): forget anything cached. True when the same request is worth one more try
     * with a fresh {@link #authorization()} (a token may have been revoked early); false for a fixed secret.
     */
    boolean rejected();

    /** What the credential is, for log lines and messages, e.g. "PAT" or "service principal ... in tenant ...". */
    String description();

    /** Why ADO may have refused it, for the 401 message: what an operator should check. */
    String rejectionHint();

    /** A PAT sent as the password of Basic auth with an empty user name, as ADO takes it. */
    static AdoCredential pat(Secret pat) {
        return new PatCredential(pat);
    }

    /** The credential {@code ado.credential} selects (see {@link AdoSettings}), tokens timed on {@code clock}. */
    static AdoCredential from(AdoSettings settings, Clock clock) {
        return switch (settings.credential()) {
            case PAT -> pat(settings.pat().orElseThrow(() -> new IllegalStateException(
                    "ado.credential is pat but no PAT is configured: call PatrolConfig.requireForIngest first")));
            case CLIENT_SECRET, WORKLOAD_IDENTITY -> EntraCredential.from(settings, clock);
        };
    }
}
