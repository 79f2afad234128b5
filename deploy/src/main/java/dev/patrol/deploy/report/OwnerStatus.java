package dev.patrol.deploy.report;

/**
 * What became of a token's owner, as far as the users the source listed can tell. A token outliving its owner is the
 * classic forgotten credential: nobody rotates it, and nobody notices its use.
 */
public enum OwnerStatus {
    /** Listed in the organization and not deleted in Microsoft Entra. */
    ACTIVE("active"),
    /** Still listed in the organization, but Graph says the identity was deleted in Entra ({@code isDeletedInOrigin}). */
    DELETED_IN_ENTRA("deleted in Entra"),
    /** The organization's users are known and the owner is not among them. */
    REMOVED_FROM_ORG("removed from org"),
    /** No user of the token's organization is known, so removal cannot be told from "not listed yet". */
    UNKNOWN("unknown");

    private final String label;

    OwnerStatus(String label) {
        this.label = label;
    }

    /** The words the report uses, e.g. "deleted in Entra" (the same words as a finding's {@code ownerStatus}). */
    public String label() {
        return label;
    }
}
