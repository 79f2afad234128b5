package dev.patrol.deploy.report;

/** The inventory could not be read from the chosen source; the message says what to check, in one line. */
public final class ReportSourceException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ReportSourceException(String message) {
        super(message);
    }

    public ReportSourceException(String message, Throwable cause) {
        super(message, cause);
    }
}
