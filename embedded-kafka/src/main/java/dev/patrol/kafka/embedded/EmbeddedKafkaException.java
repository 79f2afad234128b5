package dev.patrol.kafka.embedded;

/**
 * The embedded broker could not start or stop. The message is one line a person can act on (for example
 * {@code port 9092 is already in use}); it is meant to be printed as is, without a stack trace. The cause, when there
 * is one, keeps Kafka's own exception for logs at DEBUG.
 */
public final class EmbeddedKafkaException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public EmbeddedKafkaException(String message) {
        super(message);
    }

    public EmbeddedKafkaException(String message, Throwable cause) {
        super(message, cause);
    }
}
