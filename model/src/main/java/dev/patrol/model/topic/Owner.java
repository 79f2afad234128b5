package dev.patrol.model.topic;

/** The service that creates a topic at start. */
public enum Owner {
    INGEST, STREAMS, ALERTS,
    /** Written by every service (the dead-letter topic): each one ensures it exists. */
    ALL
}
