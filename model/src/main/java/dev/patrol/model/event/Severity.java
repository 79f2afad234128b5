package dev.patrol.model.event;

/** How urgently a finding needs a person. Ordered: compare with {@link #compareTo}. */
public enum Severity {
    INFO, LOW, MEDIUM, HIGH, CRITICAL
}
