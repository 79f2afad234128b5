package dev.patrol.alerts.response;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patrol.model.Secret;
import dev.patrol.model.event.ResponseAction;
import dev.patrol.testkit.ManualClock;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The approval page's HTTP rules against a stand-in playbook: what a GET may do, what a POST must carry. */
class ApprovalServerTest {

    private static final String ID = "0f8fad5b-d9cb-469f-a165-70867728950e";
    private static final String TOKEN = "4ab5764f-4193-4f1d-b995-64144880b7d7";
    private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");

    private final ManualClock clock = new ManualClock(Instant.parse("2026-05-01T10:00:00Z"));
    private final LinkSigner signer = new LinkSigner(Secret.of(Fixtures.LINK_KEY));
    private final FakeDesk desk = new FakeDesk();
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private ApprovalServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void shouldShowThePageAndDecideNothingWhenTheLinkIsOpened() throws Exception {
        start(Optional.empty());

        HttpResponse<String> page = get(link().toString());

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("Revoke this personal access token?", TOKEN, "value=\"approve\"");
        assertThat(page.headers().firstValue("Set-Cookie").orElseThrow())
                .startsWith(ApprovalServer.NONCE_COOKIE + "=").contains("HttpOnly", "SameSite=Strict");
        assertThat(page.headers().firstValue("Content-Security-Policy")).contains(ApprovalPage.CONTENT_SECURITY_POLICY);
        assertThat(page.headers().firstValue("Cache-Control")).contains("no-store");
        assertThat(desk.decisions).isEmpty();
    }

    @Test
    void shouldRefuseWith403WhenTheSignatureIsAltered() throws Exception {
        start(Optional.empty());
        String url = link().toString();

        HttpResponse<String> page = get(url.substring(0, url.length() - 2) + (url.endsWith("AA") ? "BB" : "AA"));

        assertThat(page.statusCode()).isEqualTo(403);
        assertThat(page.body()).contains("Link not valid").doesNotContain("<form");
    }

    @Test
    void shouldRefuseWith403WhenTheExpiryIsAltered() throws Exception {
        start(Optional.empty());
        ApprovalLink link = signer.sign(ID, clock.instant().plus(Duration.ofHours(1)));
        String url = link.uri(server.publicBaseUrl()).toString()
                .replace("exp=" + link.expiresAt().getEpochSecond(), "exp=" + (link.expiresAt().getEpochSecond() + 86_400));

        assertThat(get(url).statusCode()).isEqualTo(403);
    }

    @Test
    void shouldRefuseWith410WhenTheLinkHasExpired() throws Exception {
        start(Optional.empty());
        String url = link().toString();
        clock.advance(Duration.ofHours(25));

        HttpResponse<String> page = get(url);

        assertThat(page.statusCode()).isEqualTo(410);
        assertThat(page.body()).contains("Link expired");
    }

    @Test
    void shouldRefuseWith404WhenThePathIsNotAnApproval() throws Exception {
        start(Optional.empty());

        assertThat(get(server.publicBaseUrl() + "/approvals/../../etc/passwd").statusCode()).isEqualTo(404);
        assertThat(get(server.publicBaseUrl() + "/").statusCode()).isEqualTo(404);
    }

    @Test
    void shouldRecordTheDecisionWithASelfDeclaredNameWhenTheFormIsPosted() throws Exception {
        start(Optional.empty());
        Session session = open();

        HttpResponse<String> result = post(session, "decision=approve&name=Alice+%3Cadmin%3E", Optional.empty());

        assertThat(result.statusCode()).isEqualTo(200);
        assertThat(desk.decisions).containsExactly("approve by Alice <admin> (self-declared) on the approval page from 127.0.0.1");
        assertThat(result.body()).doesNotContain("<admin>");
    }

    @Test
    void shouldRecordTheProxysIdentityWhenAnApproverHeaderIsConfigured() throws Exception {
        start(Optional.of("X-Forwarded-Email"));
        Session session = open();

        post(session, "decision=deny&name=ignored", Optional.of("alice@contoso.example"));

        assertThat(desk.decisions).containsExactly(
                "deny by alice@contoso.example (from header X-Forwarded-Email) on the approval page from 127.0.0.1");
    }

    @Test
    void shouldRefuseTheDecisionWhenTheApproverHeaderIsMissing() throws Exception {
        start(Optional.of("X-Forwarded-Email"));
        Session session = open();

        assertThat(post(session, "decision=approve&name=mallory", Optional.empty()).statusCode()).isEqualTo(400);
        assertThat(desk.decisions).isEmpty();
    }

    @Test
    void shouldRefuseTheDecisionWhenTheNonceCookieIsMissing() throws Exception {
        start(Optional.empty());
        Session session = open();

        HttpResponse<String> result = send(HttpRequest.newBuilder(URI.create(server.publicBaseUrl() + "/approvals/" + ID))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(session.form("decision=approve&name=a"))));

        assertThat(result.statusCode()).isEqualTo(403);
        assertThat(desk.decisions).isEmpty();
    }

    @Test
    void shouldRefuseTheDecisionWhenTheCsrfTokenBelongsToAnotherBrowser() throws Exception {
        start(Optional.empty());
        Session first = open();
        Session second = open();

        HttpResponse<String> result = post(new Session(first.cookie(), second.csrf(), first.link()), "decision=approve&name=a",
                Optional.empty());

        assertThat(result.statusCode()).isEqualTo(403);
        assertThat(desk.decisions).isEmpty();
    }

    @Test
    void shouldRefuseTheDecisionWhenItComesFromAnotherSite() throws Exception {
        start(Optional.empty());
        Session session = open();

        HttpResponse<String> result = send(request(session, "decision=approve&name=a").header("Origin", "https://evil.example"));

        assertThat(result.statusCode()).isEqualTo(403);
        assertThat(desk.decisions).isEmpty();
    }

    @Test
    void shouldRefuseTheDecisionWhenTheBodyIsTooLarge() throws Exception {
        start(Optional.empty());
        Session session = open();

        HttpResponse<String> result = post(session, "decision=approve&name=" + "a".repeat(ApprovalServer.MAX_BODY_BYTES),
                Optional.empty());

        assertThat(result.statusCode()).isEqualTo(413);
        assertThat(desk.decisions).isEmpty();
    }

    @Test
    void shouldRefuseTheDecisionWhenItIsNotAForm() throws Exception {
        start(Optional.empty());
        Session session = open();

        HttpResponse<String> result = send(HttpRequest.newBuilder(URI.create(server.publicBaseUrl() + "/approvals/" + ID))
                .header("Content-Type", "application/json").header("Cookie", session.cookie())
                .POST(HttpRequest.BodyPublishers.ofString("{}")));

        assertThat(result.statusCode()).isEqualTo(415);
    }

    @Test
    void shouldRefuseTheDecisionWhenTheLinkExpiredAfterThePageWasShown() throws Exception {
        start(Optional.empty());
        Session session = open();
        clock.advance(Duration.ofHours(25));

        assertThat(post(session, "decision=approve&name=a", Optional.empty()).statusCode()).isEqualTo(410);
        assertThat(desk.decisions).isEmpty();
    }

    @Test
    void shouldRefuseTheDecisionWhenNoNameIsGiven() throws Exception {
        start(Optional.empty());
        Session session = open();

        assertThat(post(session, "decision=approve&name=+++", Optional.empty()).statusCode()).isEqualTo(400);
        assertThat(desk.decisions).isEmpty();
    }

    private void start(Optional<String> approverHeader) {
        server = ApprovalServer.start("127.0.0.1", 0, Optional.empty(), signer, desk, clock, approverHeader);
    }

    private URI link() {
        return signer.sign(ID, clock.instant().plus(Duration.ofHours(24))).uri(server.publicBaseUrl());
    }

    private Session open() throws IOException, InterruptedException {
        URI link = link();
        HttpResponse<String> page = get(link.toString());
        Matcher csrf = CSRF.matcher(page.body());
        assertThat(csrf.find()).isTrue();
        String cookie = page.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
        return new Session(cookie, csrf.group(1), link);
    }

    private HttpResponse<String> post(Session session, String fields, Optional<String> approver)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = request(session, fields);
        approver.ifPresent(a -> request.header("X-Forwarded-Email", a));
        return send(request);
    }

    private HttpRequest.Builder request(Session session, String fields) {
        return HttpRequest.newBuilder(URI.create(server.publicBaseUrl() + "/approvals/" + ID))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Cookie", session.cookie())
                .POST(HttpRequest.BodyPublishers.ofString(session.form(fields)));
    }

    private HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(url)).GET());
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private record Session(String cookie, String csrf, URI link) {
        String form(String fields) {
            String query = link.getRawQuery();
            return query + "&csrf=" + java.net.URLEncoder.encode(csrf, java.nio.charset.StandardCharsets.UTF_8) + "&" + fields;
        }
    }

    /** A playbook with one pending approval that remembers decisions instead of acting on them. */
    private static final class FakeDesk implements ApprovalDesk {

        final List<String> decisions = new CopyOnWriteArrayList<>();

        @Override
        public Optional<ApprovalView> view(String approvalId) {
            return approvalId.equals(ID) ? Optional.of(pending()) : Optional.empty();
        }

        @Override
        public Optional<Decision> decide(String approvalId, boolean approve, String decidedBy, String context) {
            decisions.add((approve ? "approve" : "deny") + " by " + decidedBy + " " + context);
            return view(approvalId).map(v -> new Decision(true, v));
        }

        private static ApprovalView pending() {
            ResponseAction proposed = new ResponseAction(ID, "f1", "contoso", TOKEN, ResponseAction.Kind.REVOKE_TOKEN,
                    ResponseAction.Status.PROPOSED, "policy", "awaiting approval", Instant.EPOCH);
            TokenCase c = TokenCase.start(proposed, TokenCase.Phase.PENDING_APPROVAL).proposed(proposed);
            return new ApprovalView(ID, c, true, true, Optional.empty(), Optional.of("ci-deploy"),
                    Optional.of("alice@contoso.example"), "Waiting for a decision.");
        }
    }
}
