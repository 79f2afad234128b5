package dev.patrol.streams.permissions;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The action bits of the Git Repositories security namespace ({@link #NAMESPACE_ID}), with the names ADO shows.
 * An access control entry's allow and deny masks are sums of these bits.
 */
public enum GitPermission {
    ADMINISTER(1, "Administer"),
    GENERIC_READ(2, "Read"),
    GENERIC_CONTRIBUTE(4, "Contribute"),
    FORCE_PUSH(8, "Force push (rewrite history, delete branches and tags)"),
    CREATE_BRANCH(16, "Create branch"),
    CREATE_TAG(32, "Create tag"),
    MANAGE_NOTE(64, "Manage notes"),
    POLICY_EXEMPT(128, "Bypass policies when pushing"),
    CREATE_REPOSITORY(256, "Create repository"),
    DELETE_REPOSITORY(512, "Delete or disable repository"),
    RENAME_REPOSITORY(1024, "Rename repository"),
    EDIT_POLICIES(2048, "Edit policies"),
    REMOVE_OTHERS_LOCKS(4096, "Remove others' locks"),
    MANAGE_PERMISSIONS(8192, "Manage permissions"),
    PULL_REQUEST_CONTRIBUTE(16384, "Contribute to pull requests"),
    PULL_REQUEST_BYPASS_POLICY(32768, "Bypass policies when completing pull requests");

    /** The Git Repositories namespace; other namespaces number their bits differently. */
    public static final String NAMESPACE_ID = "2e9eb7ed-3c0a-47d4-87c1-0ffdd275fd87";

    private static final int KNOWN_BITS = knownBits();

    private final int bit;
    private final String displayName;

    GitPermission(int bit, String displayName) {
        this.bit = bit;
        this.displayName = displayName;
    }

    public int bit() {
        return bit;
    }

    public String displayName() {
        return displayName;
    }

    /**
     * Whether granting this bit lets the holder rewrite history, skip review or hand out more rights: the grants a
     * detection reports.
     */
    public boolean risky() {
        return this == FORCE_PUSH || this == POLICY_EXEMPT || this == PULL_REQUEST_BYPASS_POLICY
                || this == MANAGE_PERMISSIONS || this == EDIT_POLICIES;
    }

    /** The permissions a mask holds, in bit order; bits no permission names are left to {@link #unknownBits}. */
    public static List<GitPermission> of(long mask) {
        List<GitPermission> held = new ArrayList<>();
        for (GitPermission permission : values()) {
            if ((mask & permission.bit) != 0) {
                held.add(permission);
            }
        }
        return Collections.unmodifiableList(held);
    }

    /** Bits of a mask this version does not know (a newer ADO permission): reported as numbers, never dropped. */
    public static long unknownBits(long mask) {
        return mask & ~(long) KNOWN_BITS;
    }

    private static int knownBits() {
        int all = 0;
        for (GitPermission permission : values()) {
            all |= permission.bit;
        }
        return all;
    }
}
