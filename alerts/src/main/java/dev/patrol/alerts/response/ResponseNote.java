package dev.patrol.alerts.response;

import dev.patrol.model.event.ResponseAction;
import java.net.URI;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What the playbook did or offers about one finding, for the alert to show: a line of text and, in approval mode,
 * the signed link to the approval page.
 *
 * @param status      the token's latest revocation status; empty when the playbook has nothing to do with it
 * @param approvalUrl the approval page, while a decision is pending and the link has not expired
 * @param text        one sentence for people; empty when there is nothing to say
 */
public record ResponseNote(Optional<ResponseAction.Status> status, Optional<URI> approvalUrl,
                           Optional<Instant> approvalExpiresAt, String text) {

    private static final ResponseNote NONE = new ResponseNote(Optional.empty(), Optional.empty(), Optional.empty(), "");

    public ResponseNote {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(approvalUrl, "approvalUrl");
        Objects.requireNonNull(approvalExpiresAt, "approvalExpiresAt");
        Objects.requireNonNull(text, "text");
    }

    /** Nothing to add to the alert. */
    public static ResponseNote none() {
        return NONE;
    }

    static ResponseNote of(ResponseAction.Status status, String text) {
        return new ResponseNote(Optional.of(status), Optional.empty(), Optional.empty(), text);
    }

    /** The approval URL is a capability: keep it out of logs. */
    @Override
    public String toString() {
        return "ResponseNote[status=" + status.map(Enum::name).orElse("-") + ", approvalUrl="
                + (approvalUrl.isPresent() ? "****" : "-") + ", text=" + text + "]";
    }
}
