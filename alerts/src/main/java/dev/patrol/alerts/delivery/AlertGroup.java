package dev.patrol.alerts.delivery;

import dev.patrol.model.event.Finding;
import java.time.Instant;
import java.util.Objects;

/**
 * One open group of a grouped sink: findings of one rule about one subject in one organization, of which the
 * first was alerted and later ones are being counted. Kept in {@link GroupStore#TOPIC} (compacted, keyed by
 * {@link #key()}) so a restart neither alerts again on an open group nor forgets what it counted.
 *
 * @param lastSentAt    when the group's last message (the first alert or an update) went out; the window runs from
 *                      here
 * @param pending       repeats counted since then, not yet reported
 * @param latest        the latest counted repeat (what the update shows); null when nothing is pending
 * @param lastFindingId the last finding folded into the group, so a finding redelivered after a crash is not counted
 *                      twice
 */
public record AlertGroup(String lane, String organization, String ruleId, String subject, String firstFindingId,
                         Instant lastSentAt, int pending, Finding latest, String lastFindingId) {

    public AlertGroup {
        Objects.requireNonNull(lane, "lane");
        Objects.requireNonNull(organization, "organization");
        Objects.requireNonNull(ruleId, "ruleId");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(firstFindingId, "firstFindingId");
        Objects.requireNonNull(lastSentAt, "lastSentAt");
        Objects.requireNonNull(lastFindingId, "lastFindingId");
        if (pending < 0 || (pending > 0 && latest == null)) {
            throw new IllegalArgumentException("pending repeats need the latest of them; pending=" + pending);
        }
    }

    /** {@code <lane>|<organization>|<rule>|<subject>}: the topic key. */
    public String key() {
        return key(lane, organization, ruleId, subject);
    }

    static String key(String lane, String organization, String ruleId, String subject) {
        return lane + "|" + organization + "|" + ruleId + "|" + subject;
    }

    /** A group just opened by alerting on {@code first}. */
    static AlertGroup opened(String lane, String subject, Finding first, Instant sentAt) {
        return new AlertGroup(lane, first.organization(), first.ruleId(), subject, first.id(), sentAt, 0, null,
                first.id());
    }

    AlertGroup counted(Finding repeat) {
        return new AlertGroup(lane, organization, ruleId, subject, firstFindingId, lastSentAt, pending + 1, repeat,
                repeat.id());
    }

    /** After an update went out: the count starts again and so does the window. */
    AlertGroup reported(Instant sentAt, String lastId) {
        return new AlertGroup(lane, organization, ruleId, subject, firstFindingId, sentAt, 0, null, lastId);
    }
}
