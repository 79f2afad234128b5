package dev.patrol.alerts.response;

import static dev.patrol.alerts.response.Fixtures.finding;
import static org.assertj.core.api.Assertions.assertThat;

import dev.patrol.model.event.Finding;
import dev.patrol.model.event.ResponseAction;
import dev.patrol.model.event.ResponseAction.Status;
import dev.patrol.model.event.Severity;
import dev.patrol.testkit.KafkaExtension;
import dev.patrol.testkit.ManualClock;
import dev.patrol.testkit.TestKafka;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Guards approval mode end to end over HTTP, against the simulator on a real broker: opening a link (as a chat or mail
 * scanner does) decides nothing; approving on the page revokes once; denying revokes nothing; tampered and expired
 * links are refused; a link survives a restart of the service.
 */
@ExtendWith(KafkaExtension.class)
class ApprovalFlowIT {

    static final String APPROVAL_POLICY = """
            dryRun: false
            capPerHour: 10
            rules:
              - rule: PAT-ANON-06
                minSeverity: high
                mode: approval
            """;
    private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");

    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    @TempDir
    Path dir;

    @Test
    void shouldRevokeOnceWhenApprovedOnThePageButNotWhenTheLinkIsOnlyOpened(TestKafka kafka) throws Exception {
        try (var world = new PlaybookHarness(kafka, dir, APPROVAL_POLICY)) {
            String token = world.addToken(0, "vso.code");
            Finding finding = anonymized(world, token);
            try (var service = world.start(Clock.systemUTC())) {
                ResponseNote note = service.onFinding(finding);
                URI link = note.approvalUrl().orElseThrow();
                assertThat(service.onFinding(finding).approvalUrl()).as("a duplicate finding carries the same link").contains(link);

                for (int scannerFetch = 0; scannerFetch < 3; scannerFetch++) {
                    HttpResponse<String> page = get(link);
                    assertThat(page.statusCode()).isEqualTo(200);
                    assertThat(page.body()).contains(token, finding.title(), "Approve revocation");
                }
                assertThat(world.revocations()).isEmpty();
                assertThat(world.actions()).extracting(ResponseAction::status).containsExactly(Status.PROPOSED);

                Session browser = open(link);
                HttpResponse<String> approved = post(link, browser, "approve", "Alice Admin");
                assertThat(approved.statusCode()).isEqualTo(200);
                assertThat(approved.body()).contains("Revoked by PATrol", "Alice Admin (self-declared)");

                HttpResponse<String> resubmitted = post(link, browser, "approve", "Alice Admin");
                assertThat(resubmitted.statusCode()).as("a resubmitted form changes nothing").isEqualTo(409);
                assertThat(get(link).body()).as("a decided approval shows no form").doesNotContain("<form");
            }

            assertThat(world.revocations()).containsExactly(token);
            assertThat(world.actions()).extracting(ResponseAction::status)
                    .containsExactly(Status.PROPOSED, Status.APPROVED, Status.REVOKED);
            assertThat(world.actions(token, Status.APPROVED)).singleElement().satisfies(a -> {
                assertThat(a.decidedBy()).isEqualTo("Alice Admin (self-declared)");
                assertThat(a.reason()).isEqualTo("approved on the approval page from 127.0.0.1");
            });
        }
    }

    @Test
    void shouldRecordTheDenialAndRevokeNothingWhenDenied(TestKafka kafka) throws Exception {
        try (var world = new PlaybookHarness(kafka, dir, APPROVAL_POLICY)) {
            String token = world.addToken(0, "vso.code");
            try (var service = world.start(Clock.systemUTC())) {
                URI link = service.onFinding(anonymized(world, token)).approvalUrl().orElseThrow();

                HttpResponse<String> denied = decide(link, "deny", "Bob");

                assertThat(denied.statusCode()).isEqualTo(200);
                assertThat(denied.body()).contains("Revocation denied by Bob (self-declared)");
            }
            assertThat(world.revocations()).isEmpty();
            assertThat(world.actions(token, Status.DENIED)).singleElement()
                    .satisfies(a -> assertThat(a.decidedBy()).isEqualTo("Bob (self-declared)"));
        }
    }

    @Test
    void shouldRefuseTamperedAndExpiredLinksAndDecideNothing(TestKafka kafka) throws Exception {
        try (var world = new PlaybookHarness(kafka, dir, APPROVAL_POLICY)) {
            String token = world.addToken(0, "vso.code");
            ManualClock clock = new ManualClock(Instant.now());
            try (var service = world.start(clock)) {
                URI link = service.onFinding(anonymized(world, token)).approvalUrl().orElseThrow();
                String url = link.toString();
                long expiry = Long.parseLong(url.replaceAll(".*exp=(\\d+).*", "$1"));

                char first = url.charAt(url.indexOf("sig=") + 4);
                assertThat(get(URI.create(url.replace("sig=" + first, "sig=" + (first == 'A' ? 'B' : 'A')))).statusCode())
                        .isEqualTo(403);
                assertThat(get(URI.create(url.replace("exp=" + expiry, "exp=" + (expiry + 86_400)))).statusCode())
                        .isEqualTo(403);
                assertThat(get(URI.create(url.replaceAll("/approvals/[0-9a-f-]+", "/approvals/"
                        + java.util.UUID.randomUUID()))).statusCode()).isEqualTo(403);
                assertThat(get(URI.create(url.replaceAll("&sig=.*", ""))).body()).contains("Link not valid");

                clock.advance(Duration.ofHours(24).plusSeconds(1));
                HttpResponse<String> expired = get(link);
                assertThat(expired.statusCode()).isEqualTo(410);
                assertThat(expired.body()).contains("Link expired").doesNotContain("<form");
            }
            assertThat(world.revocations()).isEmpty();
            assertThat(world.actions()).extracting(ResponseAction::status).containsExactly(Status.PROPOSED);
        }
    }

    @Test
    void shouldAcceptTheLinkAfterARestartWhenTheStateComesBackFromTheActionsTopic(TestKafka kafka) throws Exception {
        try (var world = new PlaybookHarness(kafka, dir, APPROVAL_POLICY)) {
            String token = world.addToken(0, "vso.code");
            URI link;
            try (var service = world.start(Clock.systemUTC())) {
                link = service.onFinding(anonymized(world, token)).approvalUrl().orElseThrow();
            }
            try (var restarted = world.start(Clock.systemUTC())) {
                // Port 0: the restarted page listens elsewhere; the link's path and signature are what count.
                URI moved = URI.create(restarted.approvalBaseUrl().orElseThrow() + link.getRawPath() + "?" + link.getRawQuery());

                HttpResponse<String> page = get(moved);
                assertThat(page.statusCode()).isEqualTo(200);
                assertThat(page.body()).contains("awaiting approval", "PAT-ANON-06");

                assertThat(decide(moved, "approve", "Carol").statusCode()).isEqualTo(200);
            }
            assertThat(world.revocations()).containsExactly(token);
        }
    }

    static Finding anonymized(PlaybookHarness world, String token) {
        return finding("PAT-ANON-06", Severity.HIGH, token, world.ownerOf(token), "vso.code", "tor", "w1");
    }

    private HttpResponse<String> get(URI uri) throws Exception {
        return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** As a browser does it: open the page (cookie and CSRF token), then post the form with the cookie. */
    private HttpResponse<String> decide(URI link, String decision, String name) throws Exception {
        return post(link, open(link), decision, name);
    }

    private Session open(URI link) throws Exception {
        HttpResponse<String> page = get(link);
        Matcher csrf = CSRF.matcher(page.body());
        assertThat(csrf.find()).as("the page shows the decision form").isTrue();
        return new Session(page.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0], csrf.group(1));
    }

    private HttpResponse<String> post(URI link, Session session, String decision, String name) throws Exception {
        String form = link.getRawQuery() + "&csrf=" + URLEncoder.encode(session.csrf(), StandardCharsets.UTF_8)
                + "&decision=" + decision + "&name=" + URLEncoder.encode(name, StandardCharsets.UTF_8);
        URI action = URI.create(link.getScheme() + "://" + link.getRawAuthority() + link.getRawPath());
        return http.send(HttpRequest.newBuilder(action).timeout(Duration.ofSeconds(30))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .header("Origin", link.getScheme() + "://" + link.getRawAuthority())
                        .header("Cookie", session.cookie())
                        .POST(HttpRequest.BodyPublishers.ofString(form)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private record Session(String cookie, String csrf) {
    }
}
