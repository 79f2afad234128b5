package dev.patrol.ingest.ado;

/**
 * ADO refused the credential (401) or the permission (403). Retrying the same request would not help; the caller
 * reports it and tries again on its next cycle, so polling resumes once the credential works.
 */
public final class AdoAuthException extends AdoApiException {

    private static final long serialVersionUID = 1L;

    public AdoAuthException(String message, int status) {
        super(message, status);
    }
}
