package dev.patrol.alerts.sink;

import dev.patrol.model.event.Finding;
import dev.patrol.model.event.FindingSubject;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The few sentences every human-facing sink says about a finding — which token, whose, from where, doing what —
 * built once from the subject and the evidence keys streams writes ({@code Evidence}), so Slack, Teams and
 * PagerDuty say the same thing. Plain text: each sink escapes for its own markup.
 */
final class FindingText {

    static final String NONE = "—";
    private static final DateTimeFormatter MINUTE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")
            .withZone(ZoneOffset.UTC);

    private FindingText() {
    }

    /** {@code [HIGH] PAT used from outside the corporate network}, or for an update {@code [HIGH] Update: 3 more — ...}. */
    static String headline(Alert alert) {
        Finding f = alert.finding();
        return "[" + f.severity() + "] " + (alert.isUpdate() ? "Update: " + alert.repeats() + " more — " : "") + f.title();
    }

    /** For an update: what it counts and since when; empty for a new alert. */
    static Optional<String> updateLine(Alert alert) {
        if (!alert.isUpdate()) {
            return Optional.empty();
        }
        return Optional.of(alert.repeats() + " more finding" + (alert.repeats() == 1 ? "" : "s") + " of rule "
                + alert.finding().ruleId() + " about " + subject(alert.finding()) + " since " + MINUTE.format(alert.since())
                + " (first finding " + alert.dedupKey() + "). The latest:");
    }

    /** Who or what the finding is about, for a sentence: token name, token id, user or IP. */
    static String subject(Finding f) {
        return evidence(f, "tokenName").map(name -> "token " + name)
                .or(() -> authorizationId(f).map(id -> "token " + id))
                .or(() -> Optional.ofNullable(f.subject().userPrincipalName()))
                .or(() -> Optional.ofNullable(f.subject().ipAddress()))
                .orElse("an unidentified subject");
    }

    /** {@code ci-deploy (8c1f…-id)}, the id alone, or what the evidence says about an unidentified token. */
    static String token(Finding f) {
        Optional<String> name = evidence(f, "tokenName");
        Optional<String> id = authorizationId(f);
        if (name.isPresent() && id.isPresent()) {
            return name.get() + " (" + id.get() + ")";
        }
        return name.or(() -> id).or(() -> evidence(f, "token")).orElse(NONE);
    }

    static Optional<String> authorizationId(Finding f) {
        return Optional.ofNullable(f.subject().authorizationId()).or(() -> evidence(f, "authorizationId"));
    }

    /** The token's owner as inventory knows it, else the user the finding is about. */
    static String owner(Finding f) {
        return evidence(f, "owner").or(() -> Optional.ofNullable(f.subject().userPrincipalName())).orElse(NONE);
    }

    static Optional<String> ip(Finding f) {
        return Optional.ofNullable(f.subject().ipAddress()).or(() -> evidence(f, "ip"));
    }

    /** {@code 203.0.113.7 (hosting) · Berlin, DE · AS3320 Deutsche Telekom AG}: as much as is known. */
    static String from(Finding f) {
        List<String> parts = new ArrayList<>();
        ip(f).ifPresent(ip -> parts.add(ip + evidence(f, "network").map(n -> " (" + n + ")").orElse("")));
        String place = String.join(", ", present(evidence(f, "city"), evidence(f, "country")));
        if (!place.isEmpty()) {
            parts.add(place);
        }
        String network = String.join(" ", present(evidence(f, "asn"), evidence(f, "asOrganization")));
        if (!network.isEmpty()) {
            parts.add(network);
        }
        return parts.isEmpty() ? NONE : String.join(" · ", parts);
    }

    /** {@code Git.RepositoryCloned in project Fabrikam}, when the evidence names an action. */
    static Optional<String> action(Finding f) {
        return evidence(f, "action").map(a -> a + evidence(f, "project").map(p -> " in project " + p).orElse(""));
    }

    /** Scope and lifetime of the token, when inventory knows them: {@code vso.code_full · expires 2026-08-01}. */
    static Optional<String> tokenDetails(Finding f) {
        List<String> parts = new ArrayList<>();
        evidence(f, "scope").ifPresent(parts::add);
        evidence(f, "global").filter("true"::equals).ifPresent(g -> parts.add("all organizations"));
        evidence(f, "validTo").ifPresent(v -> parts.add("valid to " + v));
        evidence(f, "tokenValid").filter("false"::equals).ifPresent(v -> parts.add("no longer valid"));
        return parts.isEmpty() ? Optional.empty() : Optional.of(String.join(" · ", parts));
    }

    static String time(Instant instant) {
        return MINUTE.format(instant);
    }

    static Optional<String> evidence(Finding f, String key) {
        Map<String, String> evidence = f.evidence();
        String value = evidence.get(key);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value);
    }

    /** The subject as JSON-friendly pairs, without nulls. */
    static Map<String, String> subjectFields(FindingSubject s) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        if (s.authorizationId() != null) {
            out.put("authorizationId", s.authorizationId());
        }
        if (s.userPrincipalName() != null) {
            out.put("userPrincipalName", s.userPrincipalName());
        }
        if (s.userId() != null) {
            out.put("userId", s.userId());
        }
        if (s.ipAddress() != null) {
            out.put("ipAddress", s.ipAddress());
        }
        return out;
    }

    /** Cuts text to {@code max} characters, marking the cut, so a long summary never breaks a receiver's limit. */
    static String truncate(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 1) + "…";
    }

    @SafeVarargs
    private static List<String> present(Optional<String>... values) {
        List<String> out = new ArrayList<>();
        for (Optional<String> v : values) {
            v.ifPresent(out::add);
        }
        return out;
    }
}
