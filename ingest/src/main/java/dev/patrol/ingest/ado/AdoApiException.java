package dev.patrol.ingest.ado;

/**
 * ADO answered with something other than success after the retries the client allows. The message names the
 * endpoint and status, never a credential.
 */
public class AdoApiException extends RuntimeException {

    private static final long serialVersionUID = 1L;
    private final int status;

    public AdoApiException(String message, int status) {
        super(message);
        this.status = status;
    }

    public AdoApiException(String message, Throwable cause) {
        super(message, cause);
        this.status = -1;
    }

    /** The HTTP status, or -1 when no response came (connection error, timeout). */
    public int status() {
        return status;
    }
}
