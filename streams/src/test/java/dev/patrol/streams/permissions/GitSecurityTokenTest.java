package dev.patrol.streams.permissions;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GitSecurityTokenTest {

    private static final String PROJECT = "212d1460-2143-4296-9771-c54336dbf3d3";
    private static final String REPO = "393d8e86-ed2b-473f-8480-0cf728c1f866";

    @Test
    void shouldDecodeTheDocumentedExampleAsBranchMaster() {
        var token = GitSecurityToken.parse("repoV2/" + PROJECT + "/" + REPO + "/refs/heads/6d0061007300740065007200/");

        assertThat(token).contains(new GitSecurityToken(Optional.of(PROJECT), Optional.of(REPO),
                Optional.of("refs/heads"), Optional.of("master")));
        assertThat(token.get().isBranch()).isTrue();
        assertThat(token.get().describe()).isEqualTo("branch master of repository " + REPO + " in project " + PROJECT);
    }

    @Test
    void shouldDecodeABranchWithSlashSegmentsAndNonAsciiCharacters() {
        String branch = "users/zoë/fix-ü/日本";
        String encoded = GitSecurityToken.encode(PROJECT, REPO, "refs/heads", branch);

        // "users" is 75 00 73 00 65 00 72 00 73 00 in UTF-16LE; each part is encoded on its own.
        assertThat(encoded).startsWith("repoV2/" + PROJECT + "/" + REPO + "/refs/heads/75007300650072007300/")
                .endsWith("/");
        assertThat(encoded.split("/")).hasSize(3 + 2 + 4);
        assertThat(GitSecurityToken.parse(encoded)).get().satisfies(token -> {
            assertThat(token.refName()).contains(branch);
            assertThat(token.isBranch()).isTrue();
        });
    }

    @Test
    void shouldDecodeACharacterOutsideTheBasicPlaneFromItsSurrogatePair() {
        String branch = "release/🚀";
        assertThat(GitSecurityToken.parse(GitSecurityToken.encode(PROJECT, REPO, "refs/heads", branch)))
                .get().extracting(t -> t.refName().orElseThrow()).isEqualTo(branch);
    }

    @Test
    void shouldDescribeTokensAboveABranch() {
        assertThat(GitSecurityToken.parse("repoV2/").orElseThrow().describe())
                .isEqualTo("every Git repository of the organization");
        assertThat(GitSecurityToken.parse("repoV2/" + PROJECT + "/").orElseThrow().describe())
                .isEqualTo("every Git repository of project " + PROJECT);
        assertThat(GitSecurityToken.parse("repoV2/" + PROJECT + "/" + REPO + "/").orElseThrow().describe())
                .isEqualTo("repository " + REPO + " in project " + PROJECT);
        assertThat(GitSecurityToken.parse("repoV2/" + PROJECT + "/" + REPO + "/refs/tags/").orElseThrow().describe())
                .isEqualTo("every tag of repository " + REPO + " in project " + PROJECT);
        assertThat(GitSecurityToken.parse("repoV2/" + PROJECT + "/" + REPO + "/refs/heads/").orElseThrow().isBranch())
                .isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "", "repositories/abc/", "$/project/folder", "repoV2//",
            "repoV2/p/r/refs/", // a ref part with no namespace
            "repoV2/p/r/heads/6d00/", // not under refs
            "repoV2/p/r/refs/heads/6d006/", // not whole UTF-16 units
            "repoV2/p/r/refs/heads/master/", // not hex
            "repoV2/p/r/refs/heads/00d8/" // a lone surrogate
    })
    void shouldRefuseTokensOfAnotherShapeRatherThanGuess(String raw) {
        assertThat(GitSecurityToken.parse(raw)).isEmpty();
    }

    @Test
    void shouldRefuseNull() {
        assertThat(GitSecurityToken.parse(null)).isEmpty();
    }
}
