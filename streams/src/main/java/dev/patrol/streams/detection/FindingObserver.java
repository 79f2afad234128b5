package dev.patrol.streams.detection;

import dev.patrol.model.event.DeadLetter;
import dev.patrol.model.event.Finding;

/**
 * Sees every finding the topology emits, after suppression, and every record it dead-letters itself: how metrics
 * count them without I/O in the topology.
 */
@FunctionalInterface
public interface FindingObserver {

    FindingObserver NONE = finding -> { };

    void onFinding(Finding finding);

    /** A record the topology judged unusable (not one the exception handler caught). */
    default void onDeadLetter(DeadLetter letter) {
    }
}
