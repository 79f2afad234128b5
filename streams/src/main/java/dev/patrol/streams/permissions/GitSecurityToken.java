package dev.patrol.streams.permissions;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Optional;

/**
 * A security token of the Git Repositories namespace, {@code repoV2/[projectId/[repoId/[refNamespace/[encodedRef/]]]]},
 * decoded. ADO encodes each {@code /}-separated part of a ref name as the hex of its UTF-16LE bytes, so
 * {@code refs/heads/6d0061007300740065007200/} is the branch {@code master}.
 *
 * @param projectId    the project, or empty for the whole organization
 * @param repositoryId the repository, or empty for every repository of the project
 * @param refNamespace {@code refs/heads}, {@code refs/tags} or {@code refs/notes}; empty for the whole repository
 * @param refName      the decoded ref name without its namespace (e.g. {@code users/jane/fix}); empty for all refs in
 *                     the namespace
 */
public record GitSecurityToken(Optional<String> projectId, Optional<String> repositoryId,
                               Optional<String> refNamespace, Optional<String> refName) {

    public static final String ROOT = "repoV2";

    /**
     * Decodes a token. Returns empty for a token of another shape (another namespace, a part that is not UTF-16LE
     * hex): a caller then shows the raw token rather than a guess.
     */
    public static Optional<GitSecurityToken> parse(String token) {
        if (token == null) {
            return Optional.empty();
        }
        String trimmed = token.endsWith("/") ? token.substring(0, token.length() - 1) : token;
        String[] parts = trimmed.split("/", -1);
        // repoV2/p/r/refs alone names no ref namespace: not a shape ADO writes.
        if (!parts[0].equals(ROOT) || parts.length == 4) {
            return Optional.empty();
        }
        for (String part : parts) {
            if (part.isEmpty()) {
                return Optional.empty();
            }
        }
        Optional<String> project = parts.length > 1 ? Optional.of(parts[1]) : Optional.empty();
        Optional<String> repository = parts.length > 2 ? Optional.of(parts[2]) : Optional.empty();
        if (parts.length <= 3) {
            return Optional.of(new GitSecurityToken(project, repository, Optional.empty(), Optional.empty()));
        }
        if (!"refs".equals(parts[3])) {
            return Optional.empty();
        }
        String namespace = "refs/" + parts[4];
        if (parts.length == 5) {
            return Optional.of(new GitSecurityToken(project, repository, Optional.of(namespace), Optional.empty()));
        }
        StringBuilder ref = new StringBuilder();
        for (int i = 5; i < parts.length; i++) {
            Optional<String> decoded = decodePart(parts[i]);
            if (decoded.isEmpty()) {
                return Optional.empty();
            }
            ref.append(i > 5 ? "/" : "").append(decoded.get());
        }
        return Optional.of(new GitSecurityToken(project, repository, Optional.of(namespace), Optional.of(ref.toString())));
    }

    /** The token ADO would write for a ref: the inverse of {@link #parse}, used to check a decoding round-trips. */
    public static String encode(String projectId, String repositoryId, String refNamespace, String refName) {
        StringBuilder token = new StringBuilder(ROOT).append('/').append(projectId).append('/').append(repositoryId)
                .append('/').append(refNamespace).append('/');
        for (String part : refName.split("/", -1)) {
            token.append(HexFormat.of().formatHex(part.getBytes(StandardCharsets.UTF_16LE))).append('/');
        }
        return token.toString();
    }

    /** Whether the token names one branch ({@code refs/heads/<name>}). */
    public boolean isBranch() {
        return refNamespace.filter("refs/heads"::equals).isPresent() && refName.isPresent();
    }

    /** Words for an alert: "branch main of repository r in project p", "every repository of project p", ... */
    public String describe() {
        if (projectId.isEmpty()) {
            return "every Git repository of the organization";
        }
        if (repositoryId.isEmpty()) {
            return "every Git repository of project " + projectId.get();
        }
        String repository = "repository " + repositoryId.get() + " in project " + projectId.get();
        if (refNamespace.isEmpty()) {
            return repository;
        }
        String kind = switch (refNamespace.get()) {
            case "refs/heads" -> "branch";
            case "refs/tags" -> "tag";
            case "refs/notes" -> "note";
            default -> "ref";
        };
        return refName.map(name -> kind + " " + name + " of " + repository)
                .orElse("every " + kind + " of " + repository);
    }

    private static Optional<String> decodePart(String hex) {
        if (hex.length() % 4 != 0 || !hex.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            return Optional.empty();
        }
        byte[] bytes = HexFormat.of().parseHex(hex);
        var decoder = StandardCharsets.UTF_16LE.newDecoder();
        try {
            return Optional.of(decoder.decode(java.nio.ByteBuffer.wrap(bytes)).toString());
        } catch (java.nio.charset.CharacterCodingException e) {
            return Optional.empty();
        }
    }
}
