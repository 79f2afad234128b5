package dev.patrol.deploy.report;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The report as CSV: one row per token with every column the HTML shows, for a spreadsheet or a script. RFC 4180
 * (comma, CRLF, fields quoted when they hold a comma, quote or line break, quotes doubled); times ISO-8601 UTC.
 *
 * <p>Token names, owners and scopes are typed by whoever created the token, so a cell that a spreadsheet would run
 * as a formula (starting {@code = + - @}, or a tab or carriage return that some strip first) gets a leading
 * apostrophe: the OWASP advice against CSV injection. The findings columns are empty, not 0, when the source had no
 * findings to give: "unknown" must not read as "none".
 */
public final class TokenReportCsv {

    static final List<String> HEADER = List.of("organization", "authorization_id", "name", "owner_upn",
            "owner_display_name", "owner_descriptor", "owner_status", "state", "scope", "full_access", "global",
            "breaks_at_global_cutoff", "valid_from", "valid_to", "lifetime_days", "lifetime_bucket", "findings",
            "highest_severity", "rules", "last_finding");

    private TokenReportCsv() {
    }

    public static String render(TokenReport report) {
        StringBuilder csv = new StringBuilder();
        line(csv, HEADER);
        for (TokenRow row : report.tokens()) {
            Optional<TouchedToken> touched = row.touched();
            boolean findings = report.findingsAvailable();
            line(csv, List.of(
                    row.organization(),
                    row.authorizationId(),
                    text(row.name()),
                    text(row.owner().principalName()),
                    text(row.owner().displayName()),
                    row.owner().descriptor(),
                    row.ownerStatus().label(),
                    row.state().label(),
                    String.join(" ", row.scopes()),
                    Boolean.toString(row.fullAccess()),
                    Boolean.toString(row.global()),
                    Boolean.toString(row.breaksAtGlobalCutoff()),
                    time(row.validFrom()),
                    time(row.validTo()),
                    row.lifetimeDays() == null ? "" : row.lifetimeDays().toString(),
                    row.lifetime().label(),
                    findings ? Integer.toString(touched.map(TouchedToken::findings).orElse(0)) : "",
                    touched.map(t -> t.highestSeverity().name()).orElse(""),
                    touched.map(t -> String.join(" ", t.rules())).orElse(""),
                    touched.map(t -> time(t.lastFinding())).orElse("")));
        }
        return csv.toString();
    }

    private static void line(StringBuilder csv, List<String> cells) {
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) {
                csv.append(',');
            }
            csv.append(cell(cells.get(i)));
        }
        csv.append("\r\n");
    }

    /** One field: guarded against formula injection, then quoted as RFC 4180 requires. */
    static String cell(String value) {
        String guarded = value.isEmpty() || "=+-@\t\r".indexOf(value.charAt(0)) < 0 ? value : "'" + value;
        boolean quote = guarded.chars().anyMatch(c -> c == ',' || c == '"' || c == '\r' || c == '\n');
        return quote ? '"' + guarded.replace("\"", "\"\"") + '"' : guarded;
    }

    private static String text(String value) {
        return value == null ? "" : value;
    }

    private static String time(Instant instant) {
        return instant == null ? "" : instant.toString();
    }
}
