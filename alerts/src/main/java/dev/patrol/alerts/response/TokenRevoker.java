package dev.patrol.alerts.response;

/** Revokes one PAT. The production implementation is {@link AdoTokenRevoker}; tests may substitute their own. */
interface TokenRevoker {

    /**
     * The outcome of one revocation call.
     *
     * @param revoked whether ADO accepted the revocation
     * @param detail  one line for the audit trail (status code, what it means); never a credential
     */
    record Result(boolean revoked, String detail) {
    }

    /**
     * Revokes the token; retries transient failures itself.
     *
     * @throws InterruptedException when the service is closing; nothing is recorded then, and the approved revocation
     *                              is carried out after the next start
     */
    Result revoke(String organization, String authorizationId) throws InterruptedException;
}
