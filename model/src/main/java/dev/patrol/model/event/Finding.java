package dev.patrol.model.event;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a detection found.
 *
 * @param id           stable: derived from rule, subject and window by {@link #stableId}, so re-processing the same
 *                     input yields the same id and downstream de-duplication holds
 * @param ruleId       e.g. {@code PAT-OFFNET-01}
 * @param mitreAttack  ATT&CK technique ids, e.g. {@code T1078.004}
 * @param evidence     ordered facts a person reads (IP, token name, scope, ...)
 * @param eventTime    when the triggering event happened (ADO timestamp)
 * @param detectedAt   when PATrol produced the finding
 * @param sourceEventIds the audit entry ids the finding rests on
 */
public record Finding(
        String id,
        String ruleId,
        String title,
        Severity severity,
        List<String> mitreAttack,
        String organization,
        FindingSubject subject,
        String summary,
        Map<String, String> evidence,
        Instant eventTime,
        Instant detectedAt,
        List<String> sourceEventIds) {

    public Finding {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(ruleId, "ruleId");
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(organization, "organization");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(summary, "summary");
        Objects.requireNonNull(eventTime, "eventTime");
        Objects.requireNonNull(detectedAt, "detectedAt");
        mitreAttack = mitreAttack == null ? List.of() : List.copyOf(mitreAttack);
        // Keep insertion order for reading, but make it unmodifiable.
        evidence = evidence == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(evidence));
        sourceEventIds = sourceEventIds == null ? List.of() : List.copyOf(sourceEventIds);
    }

    /**
     * A stable finding id: the first 128 bits of SHA-256 over rule, subject and window key, as 32 hex digits.
     * The same inputs always give the same id, whichever instance or run computes it.
     */
    public static String stableId(String ruleId, String subjectKey, String windowKey) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] digest = sha.digest((ruleId + '\n' + subjectKey + '\n' + windowKey).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JVM", e);
        }
    }
}
