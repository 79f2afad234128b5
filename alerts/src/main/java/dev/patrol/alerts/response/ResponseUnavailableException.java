package dev.patrol.alerts.response;

/**
 * The playbook could not record a decision in the actions topic, so it took none. The caller should treat the finding
 * as not handled and offer it again later (as it would for a sink that is down): nothing was revoked without a record.
 */
public final class ResponseUnavailableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ResponseUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
