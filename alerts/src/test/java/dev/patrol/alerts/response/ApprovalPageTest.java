package dev.patrol.alerts.response;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patrol.model.event.Finding;
import dev.patrol.model.event.FindingSubject;
import dev.patrol.model.event.ResponseAction;
import dev.patrol.model.event.Severity;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ApprovalPageTest {

    private static final String ID = "0f8fad5b-d9cb-469f-a165-70867728950e";
    private static final String TOKEN = "4ab5764f-4193-4f1d-b995-64144880b7d7";
    private static final String ATTACK = "<script>alert(1)</script><img src=x onerror=alert(2)>\"><a href='javascript:x'>";

    @Test
    void shouldEscapeEveryFindingFieldWhenTheyCarryMarkup() {
        Map<String, String> evidence = new LinkedHashMap<>();
        evidence.put("userAgent", ATTACK);
        evidence.put(ATTACK, "key too");
        Finding finding = new Finding("f1", "PAT-UA-07", ATTACK, Severity.HIGH, List.of(), "contoso",
                new FindingSubject(TOKEN, ATTACK, null, null), ATTACK, evidence, Instant.EPOCH, Instant.EPOCH, List.of());

        String html = ApprovalPage.approval(view(Optional.of(finding), ATTACK, ATTACK, true), Optional.of(form()),
                Instant.EPOCH);

        assertThat(html).doesNotContain("<script", "<img", "<a ", "javascript:x'>", "onerror=alert(2)>");
        assertThat(html).contains("&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;&quot;&gt;");
    }

    @Test
    void shouldNotExpandPlaceholdersWhenAFieldContainsOne() {
        Finding finding = new Finding("f1", "PAT-UA-07", "{{content}}", Severity.HIGH, List.of(), "contoso",
                new FindingSubject(TOKEN, null, null, null), "{{title}}", Map.of(), Instant.EPOCH, Instant.EPOCH, List.of());

        String html = ApprovalPage.approval(view(Optional.of(finding), null, null, true), Optional.empty(), Instant.EPOCH);

        assertThat(html).contains("{{content}}", "{{title}}");
        assertThat(html.indexOf("<main>")).isEqualTo(html.lastIndexOf("<main>"));
    }

    @Test
    void shouldShowTheFormWhenTheApprovalIsPending() {
        String html = ApprovalPage.approval(view(Optional.empty(), null, null, true), Optional.of(form()), Instant.EPOCH);

        assertThat(html).contains("<form method=\"post\" action=\"/approvals/" + ID + "\">", "name=\"csrf\" value=\"c&amp;1\"",
                "value=\"approve\"", "value=\"deny\"", "name=\"name\"");
    }

    @Test
    void shouldShowNoFormWhenTheApprovalIsDecided() {
        String html = ApprovalPage.approval(view(Optional.empty(), null, null, false), Optional.of(form()), Instant.EPOCH);

        assertThat(html).doesNotContain("<form");
    }

    @Test
    void shouldAllowOnlyItsOwnStylesheetWhenTheBrowserEnforcesTheCsp() throws Exception {
        String template = new String(ApprovalPage.class.getResourceAsStream(ApprovalPage.TEMPLATE_RESOURCE).readAllBytes(),
                StandardCharsets.UTF_8);
        String style = template.substring(template.indexOf("<style>") + 7, template.indexOf("</style>"));
        String hash = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256")
                .digest(style.getBytes(StandardCharsets.UTF_8)));

        assertThat(ApprovalPage.CONTENT_SECURITY_POLICY).contains("default-src 'none'", "style-src 'sha256-" + hash + "'",
                "form-action 'self'", "frame-ancestors 'none'").doesNotContain("script-src");
    }

    @Test
    void shouldEscapeTheMessageWhenAnErrorPageIsShown() {
        assertThat(ApprovalPage.error("<b>", ATTACK)).doesNotContain("<b>", "<script").contains("&lt;b&gt;");
    }

    private static ApprovalView view(Optional<Finding> finding, String tokenName, String owner, boolean pending) {
        ResponseAction proposed = new ResponseAction(ID, "f1", "contoso", TOKEN, ResponseAction.Kind.REVOKE_TOKEN,
                ResponseAction.Status.PROPOSED, "policy", ATTACK, Instant.EPOCH);
        TokenCase tokenCase = TokenCase.start(proposed, TokenCase.Phase.PENDING_APPROVAL).proposed(proposed);
        return new ApprovalView(ID, tokenCase, true, pending, finding, Optional.ofNullable(tokenName),
                Optional.ofNullable(owner), "outcome " + ATTACK);
    }

    private static ApprovalPage.Form form() {
        return new ApprovalPage.Form("/approvals/" + ID, "123", "s\"ig", "c&1", Optional.empty(), Optional.empty());
    }
}
