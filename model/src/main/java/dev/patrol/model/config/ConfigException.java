package dev.patrol.model.config;

/**
 * Configuration a person must fix. The message is one line that names the key, says what is wrong and where the
 * value came from; it is meant to be printed as is, without a stack trace.
 */
public final class ConfigException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }
}
