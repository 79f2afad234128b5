package dev.patrol.model;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Objects;

/**
 * A credential that never prints itself: {@code toString()} is masked, so a secret that reaches a log line, an
 * exception message or a config dump shows as {@code ****}. Read the value only where it is sent.
 */
public final class Secret {

    private static final String MASK = "****";
    private final String value;

    private Secret(String value) {
        this.value = value;
    }

    /** Wraps a value; leading and trailing whitespace (a newline at the end of a secret file) is dropped. */
    public static Secret of(String value) {
        Objects.requireNonNull(value, "secret value");
        String trimmed = value.strip();
        if (trimmed.isEmpty()) {
            throw new IllegalArgumentException("secret is empty");
        }
        return new Secret(trimmed);
    }

    /** The plain value, for the one place that sends it. */
    public String reveal() {
        return value;
    }

    /** Compares with a presented value in constant time, so response timing does not leak a prefix. */
    public boolean matches(String presented) {
        if (presented == null) {
            return false;
        }
        return MessageDigest.isEqual(value.getBytes(StandardCharsets.UTF_8),
                presented.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return MASK;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Secret that && MessageDigest.isEqual(
                value.getBytes(StandardCharsets.UTF_8), that.value.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public int hashCode() {
        return 0; // never derive anything observable from the value
    }
}
