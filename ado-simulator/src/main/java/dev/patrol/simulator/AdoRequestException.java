package dev.patrol.simulator;

/**
 * A request ADO would refuse, with the status and the {@code typeKey} its error body carries. Control flow inside
 * the simulator, never a bug, so it skips the stack trace.
 */
final class AdoRequestException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final String typeKey;

    AdoRequestException(int status, String typeKey, String message) {
        super(message, null, false, false);
        this.status = status;
        this.typeKey = typeKey;
    }

    static AdoRequestException badRequest(String message) {
        return new AdoRequestException(400, "ArgumentException", message);
    }

    int status() {
        return status;
    }

    String typeKey() {
        return typeKey;
    }
}
