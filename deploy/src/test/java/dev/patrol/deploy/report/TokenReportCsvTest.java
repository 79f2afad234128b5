package dev.patrol.deploy.report;

import static dev.patrol.deploy.report.ReportFixtures.NOW;
import static dev.patrol.deploy.report.ReportFixtures.finding;
import static dev.patrol.deploy.report.ReportFixtures.report;
import static dev.patrol.deploy.report.ReportFixtures.token;
import static dev.patrol.deploy.report.ReportFixtures.user;
import static org.assertj.core.api.Assertions.assertThat;

import dev.patrol.model.event.Severity;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class TokenReportCsvTest {

    @Test
    void shouldWriteTheHeaderAndOneCrlfTerminatedRowPerToken() {
        TokenReport report = report(List.of(token("a", "u1"), token("b", "u1")), List.of(user("u1")), List.of());

        String csv = TokenReportCsv.render(report);

        assertThat(csv).endsWith("\r\n").doesNotContain("\r\n\r\n");
        assertThat(csv.split("\r\n")).hasSize(3);
        assertThat(csv).startsWith(String.join(",", TokenReportCsv.HEADER) + "\r\n");
        assertThat(csv.split("\r\n")[1]).startsWith("contoso,a,token-a,u1@contoso.example,Owner u1,u1,active,active,"
                + "vso.code,false,false,false,2026-05-02T12:00:00Z,2026-07-31T12:00:00Z,90,≤ 90 d,0,,,");
    }

    @Test
    void shouldQuoteFieldsHoldingCommasQuotesOrLineBreaks() {
        assertThat(TokenReportCsv.cell("plain")).isEqualTo("plain");
        assertThat(TokenReportCsv.cell("a,b")).isEqualTo("\"a,b\"");
        assertThat(TokenReportCsv.cell("say \"hi\"")).isEqualTo("\"say \"\"hi\"\"\"");
        assertThat(TokenReportCsv.cell("two\nlines")).isEqualTo("\"two\nlines\"");
        assertThat(TokenReportCsv.cell("cr\rhere")).isEqualTo("\"cr\rhere\"");
        assertThat(TokenReportCsv.cell("")).isEmpty();
    }

    @Test
    void shouldDefuseCellsASpreadsheetWouldRunAsFormulas() {
        assertThat(TokenReportCsv.cell("=HYPERLINK(\"http://evil.example\",\"x\")"))
                .isEqualTo("\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\"");
        assertThat(TokenReportCsv.cell("+1+1")).isEqualTo("'+1+1");
        assertThat(TokenReportCsv.cell("-2+3")).isEqualTo("'-2+3");
        assertThat(TokenReportCsv.cell("@SUM(A1)")).isEqualTo("'@SUM(A1)");
        assertThat(TokenReportCsv.cell("\tcmd")).isEqualTo("'\tcmd");
        assertThat(TokenReportCsv.cell("a=b")).isEqualTo("a=b");
    }

    @Test
    void shouldDefuseAFormulaTypedAsATokenName() {
        TokenReport report = report(List.of(token("a", "u1").named("=cmd|' /C calc'!A0")), List.of(user("u1")), List.of());

        String row = TokenReportCsv.render(report).split("\r\n")[1];

        assertThat(Arrays.asList(row.split(","))).contains("'=cmd|' /C calc'!A0");
    }

    @Test
    void shouldLeaveFindingColumnsEmptyWhenFindingsAreNotAvailable() {
        Inventory inventory = Inventory.withoutFindings("scan", List.of(token("a", "u1").pat()), List.of(user("u1")),
                "no findings in ADO", List.of());

        String row = TokenReportCsv.render(TokenReport.build(inventory, NOW)).split("\r\n")[1];

        assertThat(row).endsWith(",≤ 90 d,,,,");
    }

    @Test
    void shouldWriteFindingCountSeverityRulesAndLastFindingOfATouchedToken() {
        var findings = List.of(
                finding("f1", "PAT-OFFNET-01", Severity.MEDIUM, "a", NOW.minusSeconds(60)),
                finding("f2", "PAT-UA-07", Severity.HIGH, "a", NOW.minusSeconds(30)));

        String row = TokenReportCsv.render(report(List.of(token("a", "u1")), List.of(user("u1")), findings))
                .split("\r\n")[1];

        assertThat(row).endsWith(",2,HIGH,PAT-OFFNET-01 PAT-UA-07,2026-06-01T11:59:30Z");
    }
}
