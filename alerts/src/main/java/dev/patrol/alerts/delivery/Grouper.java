package dev.patrol.alerts.delivery;

import dev.patrol.alerts.sink.Alert;
import dev.patrol.model.event.Finding;
import dev.patrol.model.event.FindingSubject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Turns a storm of repeats into one alert and periodic updates, for one sink.
 *
 * <p>A group is (organization, rule, subject), the subject being the token ({@code authorizationId}), else the user,
 * else the IP. The first finding of a group is alerted at once. Repeats within {@code window} of the group's last
 * message are only counted; when the window ends, one update reports the count ("N more since …", carrying the first
 * finding's id as dedup key) and a new window starts; a window that ends with nothing counted closes the group, and
 * the next finding opens a new one. So a group sends at most one message per window, however many findings come.
 *
 * <p>Windows run on the lane's clock (when alerts handles the finding), not on event time: a backfill of old events
 * is what most needs folding. This class only decides; the lane delivers, then persists the returned state and
 * applies it here, so what is stored never runs ahead of what was sent.
 */
public final class Grouper {

    /** What to do with a finding. */
    public sealed interface Step permits Send, Count, Replayed {
    }

    /** Deliver {@code alert}, then store and apply {@code next}. */
    public record Send(Alert alert, AlertGroup next) implements Step {
    }

    /** Nothing to deliver: store and apply {@code next}, which counts the finding. */
    public record Count(AlertGroup next) implements Step {
    }

    /** The finding was already folded in (redelivered after a crash): nothing to do. */
    public record Replayed() implements Step {
    }

    /** What a window's end calls for. */
    public sealed interface Due permits Flush, Close {
    }

    /** Deliver the update, then store and apply {@code next}. */
    public record Flush(Alert alert, AlertGroup next) implements Due {
    }

    /** A quiet window: forget the group. */
    public record Close(AlertGroup group) implements Due {
    }

    private final String lane;
    private final Duration window;
    private final Map<String, AlertGroup> groups = new HashMap<>();

    public Grouper(String lane, Duration window, Collection<AlertGroup> restored) {
        this.lane = Objects.requireNonNull(lane, "lane");
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("a grouping window must be positive, was " + window);
        }
        this.window = window;
        restored.stream().filter(g -> g.lane().equals(lane)).forEach(g -> groups.put(g.key(), g));
    }

    /** The subject part of a group key: token, else user, else IP. */
    public static String subjectKey(FindingSubject subject) {
        if (subject.authorizationId() != null) {
            return "token:" + subject.authorizationId();
        }
        if (subject.userPrincipalName() != null) {
            return "user:" + subject.userPrincipalName();
        }
        if (subject.userId() != null) {
            return "user:" + subject.userId();
        }
        return subject.ipAddress() != null ? "ip:" + subject.ipAddress() : "-";
    }

    public Step onFinding(Finding finding, Instant now) {
        String subject = subjectKey(finding.subject());
        AlertGroup group = groups.get(AlertGroup.key(lane, finding.organization(), finding.ruleId(), subject));
        if (group == null) {
            return new Send(Alert.of(finding), AlertGroup.opened(lane, subject, finding, now));
        }
        if (finding.id().equals(group.lastFindingId()) || finding.id().equals(group.firstFindingId())) {
            return new Replayed();
        }
        if (now.isBefore(windowEnd(group))) {
            return new Count(group.counted(finding));
        }
        // The window is over but its end was not handled yet (the lane was busy): fold this one into the update.
        if (group.pending() > 0) {
            return new Send(Alert.update(finding, group.firstFindingId(), group.pending() + 1, group.lastSentAt()),
                    group.reported(now, finding.id()));
        }
        return new Send(Alert.of(finding), AlertGroup.opened(lane, subject, finding, now));
    }

    /** The groups whose window has ended by {@code now}: an update for those with repeats, closing for the rest. */
    public List<Due> due(Instant now) {
        List<Due> due = new ArrayList<>();
        for (AlertGroup group : groups.values()) {
            if (!now.isBefore(windowEnd(group))) {
                due.add(group.pending() > 0
                        ? new Flush(Alert.update(group.latest(), group.firstFindingId(), group.pending(), group.lastSentAt()),
                                group.reported(now, group.lastFindingId()))
                        : new Close(group));
            }
        }
        return due;
    }

    /** Records a state the lane has stored. */
    public void apply(AlertGroup next) {
        groups.put(next.key(), next);
    }

    public void remove(AlertGroup group) {
        groups.remove(group.key());
    }

    /** Open groups, for tests and start-up logs. */
    public int size() {
        return groups.size();
    }

    private Instant windowEnd(AlertGroup group) {
        return group.lastSentAt().plus(window);
    }
}
