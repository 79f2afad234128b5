package dev.patrol.alerts.response;

import java.net.URI;
import java.time.Instant;
import java.util.Objects;

/**
 * A signed, expiring link to one approval: {@code <base>/approvals/<approvalId>?exp=<epoch seconds>&sig=<HMAC>}.
 * {@link #toString()} leaves the signature out: the link is a capability and must not reach a log.
 */
record ApprovalLink(String approvalId, Instant expiresAt, String signature) {

    ApprovalLink {
        Objects.requireNonNull(approvalId, "approvalId");
        Objects.requireNonNull(expiresAt, "expiresAt");
        Objects.requireNonNull(signature, "signature");
    }

    /** The link under {@code base} (which may carry a path, e.g. behind a reverse proxy). */
    URI uri(URI base) {
        return URI.create(path(base) + "?exp=" + expiresAt.getEpochSecond() + "&sig=" + signature);
    }

    /** The approval's path under {@code base}, without the query: where the form posts. */
    String path(URI base) {
        String text = base.toString();
        while (text.endsWith("/")) {
            text = text.substring(0, text.length() - 1);
        }
        return text + "/approvals/" + approvalId;
    }

    @Override
    public String toString() {
        return "ApprovalLink[" + approvalId + ", expires " + expiresAt + ", sig=****]";
    }
}
