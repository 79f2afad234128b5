package dev.patrol.alerts.response;

import dev.patrol.alerts.response.TokenCase.Phase;
import dev.patrol.model.event.Finding;
import dev.patrol.model.text.Html;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Renders the approval page and its error pages from the bundled template. Every value from a finding or a person
 * goes through {@link Html#escape}; the page has no script, and its Content-Security-Policy allows only its own
 * stylesheet (by hash) and forms posting back to itself.
 */
final class ApprovalPage {

    static final String TEMPLATE_RESOURCE = "/dev/patrol/alerts/response/approval-page.html";
    private static final String TEMPLATE = loadTemplate();
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{(\\w+)}}");
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);
    /** The longest summary or evidence value shown; audit fields can be long, and the page is for deciding. */
    private static final int MAX_VALUE = 2_000;

    /** The Content-Security-Policy header value for every page. */
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; style-src '" + styleHash()
            + "'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    /**
     * The decision form of a pending approval.
     *
     * @param action          the path the form posts to
     * @param approverHeader  when identity comes from a proxy header: its name
     * @param approver        that header's value on this request, if present
     */
    record Form(String action, String expiry, String signature, String csrf, Optional<String> approverHeader,
                Optional<String> approver) {

        Form {
            Objects.requireNonNull(action, "action");
            Objects.requireNonNull(expiry, "expiry");
            Objects.requireNonNull(signature, "signature");
            Objects.requireNonNull(csrf, "csrf");
            Objects.requireNonNull(approverHeader, "approverHeader");
            Objects.requireNonNull(approver, "approver");
        }

        @Override
        public String toString() {
            return "Form[" + action + ", sig=****, csrf=****]";
        }
    }

    private ApprovalPage() {
    }

    /** The page for one approval: the finding, the token, what has happened, and the form while it is pending. */
    static String approval(ApprovalView view, Optional<Form> form, Instant linkExpires) {
        TokenCase tokenCase = view.tokenCase();
        StringBuilder content = new StringBuilder();
        String heading = view.pending() ? "Revoke this personal access token?" : headingFor(tokenCase.phase(), view.current());
        content.append("<h1>").append(Html.escape(heading)).append("</h1>\n");
        content.append("<p class=\"outcome").append(outcomeClass(tokenCase.phase(), view.current())).append("\" id=\"outcome\">")
                .append(Html.escape(view.outcome())).append("</p>\n");

        content.append("<h2>Finding</h2>\n<dl>\n");
        Optional<Finding> finding = view.finding();
        if (finding.isPresent()) {
            Finding f = finding.get();
            row(content, "Detection", f.ruleId() + " · " + f.title());
            content.append("<dt>Severity</dt><dd><span class=\"severity\">").append(Html.escape(f.severity().name()))
                    .append("</span></dd>\n");
            row(content, "What happened", f.summary());
            row(content, "Organization", f.organization());
            row(content, "When", TIME.format(f.eventTime()));
            row(content, "Detected", TIME.format(f.detectedAt()));
            row(content, "Finding id", f.id());
        } else {
            row(content, "Finding id", tokenCase.findingId());
            row(content, "Summary", tokenCase.proposal().orElse("(not available)"));
            row(content, "Organization", tokenCase.organization());
        }
        content.append("</dl>\n");

        content.append("<h2>Token</h2>\n<dl>\n");
        row(content, "authorizationId", tokenCase.authorizationId());
        view.tokenName().ifPresent(name -> row(content, "Name", name));
        view.owner().ifPresent(owner -> row(content, "Owner", owner));
        content.append("</dl>\n");

        if (finding.isPresent() && !finding.get().evidence().isEmpty()) {
            content.append("<h2>Evidence</h2>\n<dl>\n");
            for (Map.Entry<String, String> fact : finding.get().evidence().entrySet()) {
                row(content, fact.getKey(), fact.getValue());
            }
            content.append("</dl>\n");
        }

        if (view.pending() && form.isPresent()) {
            appendForm(content, form.get());
        }
        content.append("<p class=\"fine\">Opening this page changes nothing. A decision is recorded in PATrol's audit "
                + "trail with the approver and the time. ADO may take up to an hour to enforce a revocation; PATrol "
                + "verifies it on the next inventory scan. This link expires ")
                .append(Html.escape(TIME.format(linkExpires))).append(".</p>\n");
        return render(heading, content.toString());
    }

    /** A page for a refused request: what is wrong and what to do, nothing about the link's secrets. */
    static String error(String heading, String explanation) {
        String content = "<h1>" + Html.escape(heading) + "</h1>\n<p class=\"outcome bad\" id=\"outcome\">"
                + Html.escape(explanation) + "</p>\n";
        return render(heading, content);
    }

    private static void appendForm(StringBuilder content, Form form) {
        content.append("<form method=\"post\" action=\"").append(Html.escape(form.action())).append("\">\n")
                .append(hidden("exp", form.expiry()))
                .append(hidden("sig", form.signature()))
                .append(hidden("csrf", form.csrf()));
        if (form.approverHeader().isPresent()) {
            content.append("<p>Deciding as <strong id=\"approver\">")
                    .append(Html.escape(form.approver().orElse("(unknown: the sign-in header "
                            + form.approverHeader().get() + " is missing, so a decision will be refused)")))
                    .append("</strong>, as signed in.</p>\n");
        } else {
            content.append("<label for=\"name\">Your name (recorded as given, with the time)</label>\n")
                    .append("<input type=\"text\" id=\"name\" name=\"name\" required maxlength=\"")
                    .append(ApprovalServer.MAX_NAME_LENGTH).append("\" autocomplete=\"name\">\n<p></p>\n");
        }
        content.append("<button type=\"submit\" id=\"approve\" class=\"approve\" name=\"decision\" value=\"approve\">"
                        + "Approve revocation</button>\n")
                .append("<button type=\"submit\" id=\"deny\" class=\"deny\" name=\"decision\" value=\"deny\">Deny</button>\n")
                .append("</form>\n");
    }

    private static String hidden(String name, String value) {
        return "<input type=\"hidden\" name=\"" + name + "\" value=\"" + Html.escape(value) + "\">\n";
    }

    private static void row(StringBuilder content, String label, String value) {
        String shown = value == null ? "" : value.length() > MAX_VALUE ? value.substring(0, MAX_VALUE) + " …" : value;
        content.append("<dt>").append(Html.escape(label)).append("</dt><dd>").append(Html.escape(shown)).append("</dd>\n");
    }

    private static String headingFor(Phase phase, boolean current) {
        if (!current) {
            return "This approval link has been replaced";
        }
        return switch (phase) {
            case APPROVED -> "Revocation approved";
            case REVOKED -> "Token revoked";
            case VERIFIED -> "Token revoked and verified";
            case DENIED -> "Revocation denied";
            case FAILED -> "Revocation failed";
            case DRY_RUN -> "Dry run: nothing revoked";
            case CAPPED -> "Revocation held back by the hourly cap";
            case ALLOWLISTED -> "Token is allowlisted";
            case PENDING_APPROVAL -> "Revoke this personal access token?";
        };
    }

    private static String outcomeClass(Phase phase, boolean current) {
        if (!current) {
            return "";
        }
        return switch (phase) {
            case REVOKED, VERIFIED -> " good";
            case FAILED -> " bad";
            default -> "";
        };
    }

    /** Fills the template in one pass, so a value can never be read as a placeholder. */
    private static String render(String title, String content) {
        Map<String, String> values = Map.of("title", Html.escape(title), "content", content);
        Matcher matcher = PLACEHOLDER.matcher(TEMPLATE);
        StringBuilder out = new StringBuilder(TEMPLATE.length() + content.length());
        while (matcher.find()) {
            matcher.appendReplacement(out, Matcher.quoteReplacement(values.getOrDefault(matcher.group(1), "")));
        }
        matcher.appendTail(out);
        return out.toString();
    }

    private static String loadTemplate() {
        try (InputStream in = ApprovalPage.class.getResourceAsStream(TEMPLATE_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("approval page template missing from the classpath: " + TEMPLATE_RESOURCE);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("approval page template unreadable", e);
        }
    }

    /** CSP hash of the template's stylesheet: the exact text between the style tags. */
    private static String styleHash() {
        int start = TEMPLATE.indexOf("<style>");
        int end = TEMPLATE.indexOf("</style>");
        if (start < 0 || end < start) {
            throw new IllegalStateException("approval page template has no <style> block");
        }
        String style = TEMPLATE.substring(start + "<style>".length(), end);
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(style.getBytes(StandardCharsets.UTF_8));
            return "sha256-" + Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JVM", e);
        }
    }
}
