package dev.patrol.alerts.sink;

import dev.patrol.model.event.Finding;
import java.time.Instant;
import java.util.Objects;

/**
 * What a sink is asked to deliver: a finding on its own, or an update saying that {@code repeats} more findings of
 * the same rule about the same subject came in since {@code since}.
 *
 * @param finding  the finding itself; for an update, the latest of the repeats
 * @param dedupKey the id receivers de-duplicate by: the finding id, or for an update the id of the group's first
 *                 finding, so an update lands on the alert it updates (PagerDuty's dedup_key)
 * @param repeats  0 for a new alert; the number of repeats an update reports
 * @param since    for an update, when the group's previous message went out; null for a new alert
 */
public record Alert(Finding finding, String dedupKey, int repeats, Instant since) {

    public Alert {
        Objects.requireNonNull(finding, "finding");
        Objects.requireNonNull(dedupKey, "dedupKey");
        if (repeats < 0) {
            throw new IllegalArgumentException("repeats must not be negative, was " + repeats);
        }
        if (repeats > 0) {
            Objects.requireNonNull(since, "since (an update says since when)");
        }
    }

    /** A finding alerted on its own. */
    public static Alert of(Finding finding) {
        return new Alert(finding, finding.id(), 0, null);
    }

    /** An update: {@code repeats} more like the group's first finding {@code firstFindingId}, the latest being {@code latest}. */
    public static Alert update(Finding latest, String firstFindingId, int repeats, Instant since) {
        if (repeats < 1) {
            throw new IllegalArgumentException("an update reports at least one repeat, was " + repeats);
        }
        return new Alert(latest, firstFindingId, repeats, since);
    }

    public boolean isUpdate() {
        return repeats > 0;
    }
}
