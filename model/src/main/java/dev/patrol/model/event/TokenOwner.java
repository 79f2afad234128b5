package dev.patrol.model.event;

import java.util.Objects;

/** The Graph user whose descriptor a token was listed under. */
public record TokenOwner(String descriptor, String principalName, String displayName) {

    public TokenOwner {
        Objects.requireNonNull(descriptor, "descriptor");
    }
}
