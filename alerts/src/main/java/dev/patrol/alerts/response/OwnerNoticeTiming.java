package dev.patrol.alerts.response;

/** Whether and when the token's owner gets a "was this you?" notice. */
public enum OwnerNoticeTiming {
    NEVER,
    /** Just before PATrol calls the revocation API. */
    BEFORE,
    /** Once the revocation API accepted the revocation. */
    AFTER
}
