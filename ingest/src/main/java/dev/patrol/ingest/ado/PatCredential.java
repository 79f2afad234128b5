package dev.patrol.ingest.ado;

import dev.patrol.model.Secret;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;

/** A PAT as Basic auth. Nothing to refresh: a rejected PAT stays rejected until someone replaces it. */
final class PatCredential implements AdoCredential {

    private final String header;

    PatCredential(Secret pat) {
        Objects.requireNonNull(pat, "pat");
        // ADO takes a PAT as the password of Basic auth with an empty user name.
        this.header = "Basic " + Base64.getEncoder().encodeToString((":" + pat.reveal()).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String authorization() {
        return header;
    }

    @Override
    public boolean rejected() {
        return false;
    }

    @Override
    public String description() {
        return "PAT";
    }

    @Override
    public String rejectionHint() {
        return "credential rejected: expired, revoked or wrong PAT";
    }

    @Override
    public String toString() {
        return "PatCredential[****]";
    }
}
