package dev.patrol.alerts.sink;

import java.net.URI;
import dev.patrol.model.event.Finding;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The links an alert carries: the finding in PATrol's console (when {@code alerts.consoleBaseUrl} is set), the
 * organization's audit log in Azure DevOps, the ATT&CK technique pages, and what the revocation playbook says about
 * the finding (with the signed approval link while a decision is pending).
 */
public record Links(Optional<URI> consoleBaseUrl, Function<Finding, Optional<ResponseLine>> response) {

    /** The playbook's line for an alert: a sentence, and the approval page while a decision is pending. */
    public record ResponseLine(String text, Optional<URI> approvalUrl) {
        /** The approval URL is a capability: never printed. */
        @Override
        public String toString() {
            return "ResponseLine[" + text + (approvalUrl.isPresent() ? ", approval link" : "") + "]";
        }
    }

    public Links(Optional<URI> consoleBaseUrl) {
        this(consoleBaseUrl, finding -> Optional.empty());
    }

    /** The playbook's line about {@code finding}, if it has one. */
    public Optional<ResponseLine> responseFor(Finding finding) {
        return response.apply(finding);
    }

    private static final Pattern TECHNIQUE = Pattern.compile("(T\\d{4})(?:\\.(\\d{3}))?");
    private static final Pattern SAFE_SEGMENT = Pattern.compile("[A-Za-z0-9_.-]+");

    public Links {
        consoleBaseUrl = consoleBaseUrl.map(Links::withoutTrailingSlash);
    }

    public static Links none() {
        return new Links(Optional.empty());
    }

    /** {@code <consoleBaseUrl>/findings/<id>}, when a console is configured. */
    public Optional<URI> finding(String findingId) {
        return consoleBaseUrl.filter(base -> SAFE_SEGMENT.matcher(findingId).matches())
                .map(base -> URI.create(base + "/findings/" + findingId));
    }

    /** The organization's audit log page, where an admin sees what the token did. */
    public static Optional<URI> adoAuditLog(String organization) {
        return SAFE_SEGMENT.matcher(organization).matches()
                ? Optional.of(URI.create("https://dev.azure.com/" + organization + "/_settings/audit"))
                : Optional.empty();
    }

    /** The ATT&CK page of a technique or sub-technique id ({@code T1078.004}); empty for anything else. */
    public static Optional<URI> attack(String techniqueId) {
        Matcher m = TECHNIQUE.matcher(techniqueId);
        if (!m.matches()) {
            return Optional.empty();
        }
        return Optional.of(URI.create("https://attack.mitre.org/techniques/" + m.group(1) + "/"
                + (m.group(2) == null ? "" : m.group(2) + "/")));
    }

    private static URI withoutTrailingSlash(URI uri) {
        String text = uri.toString();
        return text.endsWith("/") ? URI.create(text.substring(0, text.length() - 1)) : uri;
    }
}
