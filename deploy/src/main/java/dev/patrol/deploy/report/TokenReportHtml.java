package dev.patrol.deploy.report;

import dev.patrol.model.text.Html;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * The report as one self-contained HTML page: inline CSS, one small inline script, no other resource, so it can be
 * mailed, attached to a ticket or opened from disk. A Content-Security-Policy allowing only that script (by hash)
 * keeps it so: a page edited to load anything else is refused by the browser.
 *
 * <p>The tables are complete without the script, in a sensible order; the script only adds click-to-sort on the column
 * headings, comparing numbers as numbers and times as times ({@code data-value} holds the raw value) and putting
 * empty cells last either way. Every value from the inventory is HTML-escaped: token names and user names are typed
 * by people, and the page must not run what they typed.
 */
public final class TokenReportHtml {

    /** Element ids a reader (or a test) can link to; stable across versions. */
    public static final String GLOBAL_PATS_ID = "global-pats";
    public static final String TOUCHED_TOKENS_ID = "touched-tokens";
    public static final String TOKENS_ID = "tokens";
    public static final String BY_SCOPE_ID = "by-scope";
    public static final String BY_LIFETIME_ID = "by-lifetime";
    public static final String BY_OWNER_STATUS_ID = "by-owner-status";
    public static final String BY_STATE_ID = "by-state";

    private static final DateTimeFormatter SHOWN_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT)
            .withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter SHOWN_DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    /** Click-to-sort for every {@code table.sortable}; kept short enough to read, since its hash is in the policy. */
    static final String SORT_SCRIPT = """
            (function () {
              'use strict';
              function key(cell, type) {
                var raw = cell.hasAttribute('data-value') ? cell.getAttribute('data-value') : cell.textContent.trim();
                if (raw === '') { return null; }
                if (type === 'number') { var n = parseFloat(raw); return isNaN(n) ? null : n; }
                if (type === 'date') { var t = Date.parse(raw); return isNaN(t) ? null : t; }
                return raw;
              }
              function compare(a, b, type) {
                if (type === 'text') { return a.localeCompare(b, undefined, { numeric: true, sensitivity: 'base' }); }
                return a < b ? -1 : a > b ? 1 : 0;
              }
              function sortBy(table, column, header) {
                var type = header.getAttribute('data-type') || 'text';
                var ascending = header.getAttribute('aria-sort') !== 'ascending';
                Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th) { th.removeAttribute('aria-sort'); });
                header.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
                var body = table.tBodies[0];
                var rows = Array.prototype.slice.call(body.rows);
                rows.sort(function (r1, r2) {
                  var a = key(r1.cells[column], type), b = key(r2.cells[column], type);
                  if (a === null || b === null) { return a === b ? 0 : a === null ? 1 : -1; }
                  return ascending ? compare(a, b, type) : compare(b, a, type);
                });
                rows.forEach(function (row) { body.appendChild(row); });
              }
              document.querySelectorAll('table.sortable').forEach(function (table) {
                if (!table.tHead || !table.tBodies[0] || table.tBodies[0].querySelector('tr.none')) { return; }
                Array.prototype.forEach.call(table.tHead.rows[0].cells, function (header, column) {
                  var button = document.createElement('button');
                  button.type = 'button';
                  button.title = 'Sort by this column';
                  while (header.firstChild) { button.appendChild(header.firstChild); }
                  header.appendChild(button);
                  button.addEventListener('click', function () { sortBy(table, column, header); });
                });
              });
            })();
            """;

    /** Nothing but this page's own script, styles and the empty data: icon (so no favicon is fetched). */
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
            + "script-src 'sha256-" + sha256Base64(SORT_SCRIPT) + "'; base-uri 'none'; form-action 'none'";

    private static final String STYLE = """
            :root { color-scheme: light; --line: #d0d4dc; --muted: #5b6170; --warn: #8a4b00; --bad: #a4161a; }
            body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 24px; color: #1d2230; }
            h1 { font-size: 22px; margin: 0 0 4px; }
            h2 { font-size: 17px; margin: 28px 0 6px; }
            h3 { font-size: 14px; margin: 0 0 4px; }
            p { margin: 4px 0 10px; max-width: 70em; }
            .meta, .explain { color: var(--muted); }
            .caveats { color: var(--warn); }
            .unavailable { color: var(--warn); font-weight: 600; }
            dl.summary { display: grid; grid-template-columns: repeat(auto-fill, minmax(180px, 1fr)); gap: 8px; margin: 14px 0; }
            dl.summary div { border: 1px solid var(--line); border-radius: 6px; padding: 8px 10px; }
            dl.summary dt { color: var(--muted); font-size: 12px; }
            dl.summary dd { margin: 0; font-size: 20px; font-weight: 600; }
            .counts { display: flex; flex-wrap: wrap; gap: 8px 32px; align-items: flex-start; }
            .scroll { overflow-x: auto; }
            table { border-collapse: collapse; margin: 6px 0 12px; }
            th, td { border-bottom: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
            td { white-space: nowrap; }
            td.wrap { white-space: normal; min-width: 14em; max-width: 24em; }
            th { background: #f2f4f8; font-weight: 600; white-space: nowrap; }
            td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
            td.id { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 12px; }
            tr.none td { color: var(--muted); font-style: italic; }
            th button { font: inherit; color: inherit; background: none; border: 0; padding: 0; cursor: pointer; }
            th[aria-sort="ascending"] button::after { content: " \\25B2"; }
            th[aria-sort="descending"] button::after { content: " \\25BC"; }
            .sev-CRITICAL, .sev-HIGH, .bad { color: var(--bad); font-weight: 600; }
            .sev-MEDIUM, .warn { color: var(--warn); }
            footer { margin-top: 28px; color: var(--muted); font-size: 12px; }
            @media print { th button::after { content: none; } .scroll { overflow: visible; } }
            """;

    private TokenReportHtml() {
    }

    public static String render(TokenReport report) {
        var html = new StringBuilder(16_384 + report.tokens().size() * 700);
        String organizations = String.join(", ", report.organizations());
        html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta http-equiv=\"Content-Security-Policy\" content=\"").append(CONTENT_SECURITY_POLICY)
                .append("\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>PAT inventory").append(organizations.isEmpty() ? "" : " — " + escape(organizations))
                .append(" — ").append(SHOWN_DATE.format(report.generatedAt())).append("</title>\n")
                .append("<link rel=\"icon\" href=\"data:,\">\n<style>\n").append(STYLE).append("</style>\n</head>\n<body>\n");

        header(html, report);
        summary(html, report);
        globalPats(html, report);
        touchedTokens(html, report);
        counts(html, report);
        allTokens(html, report);

        html.append("<footer>Written by PATrol (<code>patrol report tokens</code>). Times are UTC. Click a column "
                + "heading to sort; <code>tokens.csv</code> beside this page has one row per token.</footer>\n")
                .append("<script>").append(SORT_SCRIPT).append("</script>\n</body>\n</html>\n");
        return html.toString();
    }

    private static void header(StringBuilder html, TokenReport report) {
        html.append("<header>\n<h1>PAT inventory</h1>\n<p class=\"meta\">Generated ")
                .append(time(report.generatedAt())).append(" UTC from ").append(escape(report.source()));
        if (!report.organizations().isEmpty()) {
            html.append(". Organization").append(report.organizations().size() == 1 ? "" : "s").append(": ")
                    .append(escape(String.join(", ", report.organizations())));
        }
        html.append(".</p>\n");
        if (!report.caveats().isEmpty()) {
            html.append("<ul class=\"caveats\">\n");
            report.caveats().forEach(c -> html.append("<li>").append(escape(c)).append("</li>\n"));
            html.append("</ul>\n");
        }
        html.append("</header>\n");
    }

    private static void summary(StringBuilder html, TokenReport report) {
        List<TokenRow> active = report.tokens().stream().filter(t -> t.state() == TokenState.ACTIVE).toList();
        long fullAccess = active.stream().filter(TokenRow::fullAccess).count();
        long ownerGone = active.stream().filter(t -> t.ownerStatus() == OwnerStatus.DELETED_IN_ENTRA
                || t.ownerStatus() == OwnerStatus.REMOVED_FROM_ORG).count();
        html.append("<dl class=\"summary\" id=\"summary\">\n");
        fact(html, "Tokens listed", Integer.toString(report.tokens().size()));
        fact(html, "Still working", Integer.toString(active.size()));
        fact(html, "Full access, still working", Long.toString(fullAccess));
        fact(html, "Global, still working", Integer.toString(report.globalPats().size()));
        fact(html, "Still working, owner deleted or removed", Long.toString(ownerGone));
        fact(html, "Tokens named by findings", report.findingsAvailable()
                ? Integer.toString(report.touchedTokens().size()) : "not available");
        html.append("</dl>\n");
    }

    private static void fact(StringBuilder html, String term, String value) {
        html.append("<div><dt>").append(escape(term)).append("</dt><dd>").append(escape(value)).append("</dd></div>\n");
    }

    private static void globalPats(StringBuilder html, TokenReport report) {
        html.append("<section>\n<h2>Global PATs that stop working on ")
                .append(SHOWN_DATE.format(TokenReport.GLOBAL_PAT_CUTOFF)).append("</h2>\n")
                .append("<p class=\"explain\">Global PATs (valid in all the owner's organizations) all stop working "
                        + "on ").append(SHOWN_DATE.format(TokenReport.GLOBAL_PAT_CUTOFF)).append(", Microsoft's "
                        + "retirement date (taken as 00:00 UTC). Whatever uses these tokens breaks then, or at the "
                        + "token's own expiry when that comes first, unless the owner moves it to an "
                        + "organization-scoped PAT or to Microsoft Entra authentication. Revoked and expired global PATs "
                        + "are left out.</p>\n");
        // Who to tell and how soon come first: the table must be useful where it is cut off on a narrow screen.
        table(html, GLOBAL_PATS_ID, List.of(
                        text("Token"), text("Owner"), text("Owner name"), number("Days left"), date("Stops working"),
                        date("Valid to"), text("Owner status"), text("Full access"), text("Organization"),
                        text("authorizationId")),
                report.globalPats(), pat -> List.of(
                        cell(pat.name()),
                        cell(pat.ownerPrincipalName()),
                        cell(pat.ownerDisplayName()),
                        numberCell(pat.daysLeft()),
                        new Cell(escape(SHOWN_DATE.format(pat.stopsWorking()))
                                + (pat.expiresBeforeCutoff() ? " (expires)" : " (cut-off)"),
                                pat.stopsWorking().toString(), ""),
                        dateCell(pat.validTo(), "no expiry"),
                        statusCell(pat.ownerStatus()),
                        pat.fullAccess() ? new Cell("yes", "yes", "bad") : cell("no"),
                        cell(pat.organization()),
                        idCell(pat.authorizationId())),
                "No global PAT still works.");
        html.append("</section>\n");
    }

    private static void touchedTokens(StringBuilder html, TokenReport report) {
        html.append("<section>\n<h2>Tokens findings have named</h2>\n");
        if (!report.findingsAvailable()) {
            html.append("<p class=\"unavailable\" id=\"").append(TOUCHED_TOKENS_ID)
                    .append("-unavailable\">Findings are not available from this source: ")
                    .append(escape(report.findingsUnavailable().orElseThrow())).append("</p>\n</section>\n");
            return;
        }
        html.append("<p class=\"explain\">").append(report.findingsRead()).append(" finding")
                .append(report.findingsRead() == 1 ? "" : "s").append(" read");
        if (report.findingsWithoutToken() > 0) {
            html.append(", ").append(report.findingsWithoutToken()).append(" of them about no single token (an "
                    + "address, a user, the pipeline)");
        }
        html.append(". A token the inventory does not list was deleted, belonged to a removed owner, or was never "
                + "seen by a scan.</p>\n");
        table(html, TOUCHED_TOKENS_ID, List.of(
                        text("Token"), text("Owner"), text("Organization"), text("In inventory"), number("Findings"),
                        text("Rules"), number("Highest severity"), date("Last finding"), text("authorizationId")),
                report.touchedTokens(), t -> List.of(
                        cell(t.name()),
                        cell(t.ownerPrincipalName()),
                        cell(t.organization()),
                        t.inInventory() ? cell("yes") : new Cell("no", "no", "warn"),
                        numberCell(t.findings()),
                        wrapping(String.join(" ", t.rules())),
                        new Cell(t.highestSeverity().name(), Integer.toString(t.highestSeverity().ordinal()),
                                "sev-" + t.highestSeverity().name()),
                        dateCell(t.lastFinding(), ""),
                        idCell(t.authorizationId())),
                "No finding names a token.");
        html.append("</section>\n");
    }

    private static void counts(StringBuilder html, TokenReport report) {
        html.append("<section>\n<h2>Counts</h2>\n<p class=\"explain\">Every listed token, with how many of them still "
                + "work (neither revoked nor expired). A token with several scopes counts once under each. Lifetime is "
                + "validTo minus validFrom in whole days.</p>\n<div class=\"counts\">\n");
        countTable(html, BY_SCOPE_ID, "By scope", "Scope", report.byScope());
        countTable(html, BY_LIFETIME_ID, "By lifetime", "Lifetime", report.byLifetime());
        countTable(html, BY_OWNER_STATUS_ID, "By owner status", "Owner status", report.byOwnerStatus());
        countTable(html, BY_STATE_ID, "By state", "State", report.byState());
        html.append("</div>\n</section>\n");
    }

    private static void countTable(StringBuilder html, String id, String title, String what, List<Count> counts) {
        html.append("<div>\n<h3>").append(escape(title)).append("</h3>\n");
        table(html, id, List.of(text(what), number("Tokens"), number("Still working"), text("Note")), counts,
                c -> List.of(cell(c.label()), numberCell(c.tokens()), numberCell(c.active()),
                        wrapping(c.note())),
                "No tokens.");
        html.append("</div>\n");
    }

    private static void allTokens(StringBuilder html, TokenReport report) {
        html.append("<section>\n<h2>All tokens</h2>\n");
        table(html, TOKENS_ID, List.of(
                        text("Organization"), text("Token"), text("Owner"), text("Owner name"), text("Owner status"),
                        text("State"), text("Scope"), text("Full access"), text("Global"), date("Valid from"),
                        date("Valid to"), number("Lifetime (days)"), number("Findings"), text("authorizationId")),
                report.tokens(), t -> List.of(
                        cell(t.organization()),
                        cell(t.name()),
                        cell(t.owner().principalName()),
                        cell(t.owner().displayName()),
                        statusCell(t.ownerStatus()),
                        new Cell(escape(t.state().label()), t.state().label(), t.state() == TokenState.ACTIVE ? "" : "warn"),
                        wrapping(String.join(" ", t.scopes())),
                        t.fullAccess() ? new Cell("yes", "yes", "bad") : cell("no"),
                        cell(t.global() ? "yes" : "no"),
                        dateCell(t.validFrom(), ""),
                        dateCell(t.validTo(), "no expiry"),
                        t.lifetimeDays() == null ? cell(null) : numberCell(t.lifetimeDays()),
                        report.findingsAvailable() ? numberCell(t.touched().map(TouchedToken::findings).orElse(0))
                                : new Cell("n/a", "", "num"),
                        idCell(t.authorizationId())),
                "No tokens listed.");
        html.append("</section>\n");
    }

    /** A column heading and how its values compare when sorted. */
    private record Column(String title, String type) {
    }

    /**
     * A table cell: {@code html} already escaped, {@code sortValue} the raw value the script compares (empty sorts
     * last; null means the shown text), {@code cssClass} empty or one class.
     */
    private record Cell(String html, String sortValue, String cssClass) {
    }

    private static Column text(String title) {
        return new Column(title, "text");
    }

    private static Column number(String title) {
        return new Column(title, "number");
    }

    private static Column date(String title) {
        return new Column(title, "date");
    }

    private static Cell cell(String value) {
        return value == null || value.isEmpty() ? new Cell("", "", "") : new Cell(escape(value), null, "");
    }

    /** Text that may run long (several scopes, a note): wraps instead of widening the table. */
    private static Cell wrapping(String value) {
        return value == null || value.isEmpty() ? new Cell("", "", "") : new Cell(escape(value), null, "wrap");
    }

    private static Cell numberCell(long value) {
        return new Cell(Long.toString(value), Long.toString(value), "num");
    }

    private static Cell idCell(String id) {
        return new Cell(escape(id), null, "id");
    }

    private static Cell statusCell(OwnerStatus status) {
        return new Cell(escape(status.label()), status.label(), status == OwnerStatus.ACTIVE ? "" : "warn");
    }

    /** Shown to the minute in UTC, compared by the full instant; {@code absent} (sorting last) when there is none. */
    private static Cell dateCell(Instant instant, String absent) {
        if (instant == null) {
            return new Cell(escape(absent), "", "");
        }
        return new Cell("<time datetime=\"" + instant + "\">" + time(instant) + "</time>", instant.toString(), "");
    }

    private static <T> void table(StringBuilder html, String id, List<Column> columns, List<T> rows,
                                  Function<T, List<Cell>> cells, String empty) {
        html.append("<div class=\"scroll\">\n<table id=\"").append(id).append("\" class=\"sortable\">\n<thead><tr>");
        for (Column column : columns) {
            html.append("<th scope=\"col\" data-type=\"").append(column.type()).append('"')
                    .append(column.type().equals("number") ? " class=\"num\"" : "").append('>')
                    .append(escape(column.title())).append("</th>");
        }
        html.append("</tr></thead>\n<tbody>\n");
        if (rows.isEmpty()) {
            html.append("<tr class=\"none\"><td colspan=\"").append(columns.size()).append("\">").append(escape(empty))
                    .append("</td></tr>\n");
        }
        for (T row : rows) {
            html.append("<tr>");
            for (Cell cell : cells.apply(row)) {
                html.append("<td");
                if (!cell.cssClass().isEmpty()) {
                    html.append(" class=\"").append(cell.cssClass()).append('"');
                }
                if (cell.sortValue() != null) {
                    html.append(" data-value=\"").append(escape(cell.sortValue())).append('"');
                }
                html.append('>').append(cell.html()).append("</td>");
            }
            html.append("</tr>\n");
        }
        html.append("</tbody>\n</table>\n</div>\n");
    }

    private static String time(Instant instant) {
        return SHOWN_TIME.format(instant);
    }

    /** The one HTML escaper every PATrol page uses ({@link Html#escape}). */
    static String escape(String text) {
        return Html.escape(text);
    }

    private static String sha256Base64(String text) {
        try {
            return Base64.getEncoder().encodeToString(
                    MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JVM", e);
        }
    }
}
