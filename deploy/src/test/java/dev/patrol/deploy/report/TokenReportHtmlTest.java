package dev.patrol.deploy.report;

import static dev.patrol.deploy.report.ReportFixtures.NOW;
import static dev.patrol.deploy.report.ReportFixtures.report;
import static dev.patrol.deploy.report.ReportFixtures.token;
import static dev.patrol.deploy.report.ReportFixtures.user;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class TokenReportHtmlTest {

    private static final String NASTY = "<img src=x onerror=alert(1)>\"'&";

    @Test
    void shouldEscapeEveryValueTakenFromTheInventory() {
        TokenReport report = report(List.of(token("a", "u1").asGlobal().named(NASTY).ownedBy(NASTY + "@x", NASTY)),
                List.of(user("u1")), List.of());

        String html = TokenReportHtml.render(report);

        assertThat(html).doesNotContain("<img").doesNotContain("onerror=alert(1)>")
                .contains("&lt;img src=x onerror=alert(1)&gt;&quot;&#39;&amp;");
    }

    @Test
    void shouldDropControlCharactersFromText() {
        assertThat(TokenReportHtml.escape("a\u0000b\u001bc\td\ne")).isEqualTo("abc\td\ne");
    }

    @Test
    void shouldGiveEveryTableItsStableId() {
        String html = TokenReportHtml.render(report(List.of(token("a", "u1")), List.of(user("u1")), List.of()));

        for (String id : List.of("global-pats", "touched-tokens", "tokens", "by-scope", "by-lifetime",
                "by-owner-status", "by-state")) {
            assertThat(html).contains("<table id=\"" + id + "\" class=\"sortable\">");
        }
    }

    @Test
    void shouldRenderGlobalPatRowsInThePageItselfSoTheyShowWithoutScript() {
        TokenReport report = report(List.of(token("g1", "u1").asGlobal().named("deploy-all"), token("o1", "u1")),
                List.of(user("u1")), List.of());

        String html = TokenReportHtml.render(report);

        String globalTable = html.substring(html.indexOf("<table id=\"global-pats\""));
        globalTable = globalTable.substring(0, globalTable.indexOf("</table>"));
        assertThat(globalTable).contains("<td>deploy-all</td>", "<td>u1@contoso.example</td>", ">g1</td>")
                .doesNotContain(">o1</td>");
        assertThat(globalTable).contains("data-type=\"number\" class=\"num\">Days left</th>",
                "data-type=\"date\">Valid to</th>");
    }

    @Test
    void shouldSayWhenNoGlobalPatStillWorks() {
        String html = TokenReportHtml.render(report(List.of(token("a", "u1")), List.of(user("u1")), List.of()));

        assertThat(html).contains("<tr class=\"none\"><td colspan=\"10\">No global PAT still works.</td></tr>");
    }

    @Test
    void shouldSayFindingsAreNotAvailableInsteadOfShowingNone() {
        Inventory inventory = Inventory.withoutFindings("scan", List.of(token("a", "u1").pat()), List.of(user("u1")),
                "ADO keeps no findings", List.of("tokens of 1 user(s) could not be listed"));

        String html = TokenReportHtml.render(TokenReport.build(inventory, NOW));

        assertThat(html).contains("Findings are not available from this source: ADO keeps no findings")
                .contains("<li>tokens of 1 user(s) could not be listed</li>")
                .doesNotContain("<table id=\"touched-tokens\"");
    }

    @Test
    void shouldLoadNothingButItsOwnInlineScriptAndStyles() throws Exception {
        String html = TokenReportHtml.render(report(List.of(token("a", "u1")), List.of(user("u1")), List.of()));

        assertThat(html).doesNotContainPattern("(?i)(src|href)=\"(?!data:)").doesNotContain("<link rel=\"stylesheet\"")
                .doesNotContain("@import").doesNotContain("url(");
        Matcher script = Pattern.compile("<script>(.*?)</script>", Pattern.DOTALL).matcher(html);
        assertThat(script.find()).isTrue();
        String hash = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256")
                .digest(script.group(1).getBytes(StandardCharsets.UTF_8)));
        assertThat(html).contains("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none';")
                .contains("script-src 'sha256-" + hash + "'");
        assertThat(script.find()).as("one script only").isFalse();
    }

    @Test
    void shouldKeepSortValuesApartFromShownTextForNumbersAndTimes() {
        String html = TokenReportHtml.render(report(List.of(token("a", "u1")), List.of(user("u1")), List.of()));

        assertThat(html).contains("<td data-value=\"2026-07-31T12:00:00Z\"><time datetime=\"2026-07-31T12:00:00Z\">"
                + "2026-07-31 12:00</time></td>");
        assertThat(html).contains("<td class=\"num\" data-value=\"90\">90</td>");
    }
}
