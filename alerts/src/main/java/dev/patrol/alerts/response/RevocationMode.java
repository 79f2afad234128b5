package dev.patrol.alerts.response;

/** How a policy rule revokes: on its own, or after a person approves on the approval page. */
public enum RevocationMode {
    AUTOMATIC,
    APPROVAL
}
