package dev.patrol.streams.detection;

import dev.patrol.model.event.Finding;

/** Sees every finding the topology emits, after suppression: how metrics count them without I/O in the topology. */
@FunctionalInterface
public interface FindingObserver {

    FindingObserver NONE = finding -> { };

    void onFinding(Finding finding);
}
