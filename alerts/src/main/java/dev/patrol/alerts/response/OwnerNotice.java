package dev.patrol.alerts.response;

import java.time.Instant;
import java.util.Objects;

/**
 * The "was this you?" notice to a token's owner, as POSTed (JSON) to {@code response.ownerNoticeUrl}: enough for a
 * mail relay or a chat flow to write to the owner, who is named by principal name (in Entra-backed organizations, an
 * e-mail address). Nothing secret: the token is named by its display name and authorizationId.
 *
 * @param type     always {@value #TYPE}, so a receiver can route several PATrol payloads on one URL
 * @param noticeId stable per token and timing: receivers de-duplicate on it (also sent as {@code X-Patrol-Notice-Id})
 * @param timing   {@code before-revocation} or {@code after-revocation}
 * @param to       the owner's principal name
 * @param ruleId   the detection; may be null after a restart (only the audit trail survives one)
 * @param message  plain text for the owner
 */
record OwnerNotice(String type, String noticeId, String timing, String organization, String authorizationId,
                   String tokenName, String to, String findingId, String ruleId, String title, String summary,
                   Instant at, String message) {

    static final String TYPE = "patrol.owner-notice.v1";

    OwnerNotice {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(noticeId, "noticeId");
        Objects.requireNonNull(timing, "timing");
        Objects.requireNonNull(organization, "organization");
        Objects.requireNonNull(authorizationId, "authorizationId");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(findingId, "findingId");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(message, "message");
    }
}
