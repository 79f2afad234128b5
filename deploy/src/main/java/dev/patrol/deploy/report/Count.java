package dev.patrol.deploy.report;

import java.util.Objects;

/**
 * One line of a count table: how many listed tokens have {@code label}, and how many of those still work.
 *
 * @param active the tokens among {@code tokens} that are neither revoked nor expired
 * @param note   what the label means when it is not obvious ("full access" for {@code app_token}); empty otherwise
 */
public record Count(String label, long tokens, long active, String note) {

    public Count {
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(note, "note");
        if (tokens < 0 || active < 0 || active > tokens) {
            throw new IllegalArgumentException("counts must satisfy 0 <= active <= tokens, were " + active + " of " + tokens);
        }
    }
}
