package dev.patrol.streams.permissions;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GitPermissionTest {

    @Test
    void shouldNameEveryBitOfAMask() {
        // Contribute + Force push + Bypass policies when completing pull requests
        assertThat(GitPermission.of(4 + 8 + 32768)).containsExactly(GitPermission.GENERIC_CONTRIBUTE,
                GitPermission.FORCE_PUSH, GitPermission.PULL_REQUEST_BYPASS_POLICY);
        assertThat(GitPermission.unknownBits(4 + 8 + 32768)).isZero();
    }

    @Test
    void shouldKeepBitsItDoesNotKnowAsNumbers() {
        assertThat(GitPermission.of(65536 + 2)).containsExactly(GitPermission.GENERIC_READ);
        assertThat(GitPermission.unknownBits(65536 + 2)).isEqualTo(65536);
    }

    @Test
    void shouldUseTheDocumentedBitValues() {
        int expected = 1;
        for (GitPermission permission : GitPermission.values()) {
            assertThat(permission.bit()).as(permission.name()).isEqualTo(expected);
            expected <<= 1;
        }
        assertThat(GitPermission.of(0xFFFF)).hasSize(16);
        assertThat(GitPermission.MANAGE_PERMISSIONS.bit()).isEqualTo(8192);
    }

    @Test
    void shouldCallTheGrantsThatRewriteHistorySkipReviewOrHandOutRightsRisky() {
        assertThat(GitPermission.of(0xFFFF).stream().filter(GitPermission::risky)).containsExactlyInAnyOrder(
                GitPermission.FORCE_PUSH, GitPermission.POLICY_EXEMPT, GitPermission.EDIT_POLICIES,
                GitPermission.MANAGE_PERMISSIONS, GitPermission.PULL_REQUEST_BYPASS_POLICY);
    }
}
