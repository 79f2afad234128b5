package dev.patrol.alerts.response;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patrol.alerts.response.LinkSigner.Check;
import dev.patrol.model.Secret;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class LinkSignerTest {

    private static final String ID = "0f8fad5b-d9cb-469f-a165-70867728950e";
    private static final Instant NOW = Instant.parse("2026-05-01T10:00:00Z");
    private final LinkSigner signer = new LinkSigner(Secret.of(Fixtures.LINK_KEY));
    private final ApprovalLink link = signer.sign(ID, NOW.plus(Duration.ofHours(24)));

    @Test
    void shouldAcceptALinkWhenItIsUnchangedAndUnexpired() {
        assertThat(signer.check(ID, expiry(link), link.signature(), NOW)).isEqualTo(Check.VALID);
    }

    @Test
    void shouldRefuseALinkWhenItsSignatureIsChanged() {
        String sig = link.signature();
        String tampered = (sig.charAt(0) == 'A' ? 'B' : 'A') + sig.substring(1);

        assertThat(signer.check(ID, expiry(link), tampered, NOW)).isEqualTo(Check.TAMPERED);
    }

    @Test
    void shouldCallItTamperedNotExpiredWhenTheExpiryIsMovedLater() {
        String later = Long.toString(link.expiresAt().plus(Duration.ofDays(365)).getEpochSecond());

        assertThat(signer.check(ID, later, link.signature(), NOW)).isEqualTo(Check.TAMPERED);
    }

    @Test
    void shouldRefuseALinkWhenItIsMovedToAnotherApproval() {
        assertThat(signer.check("1f8fad5b-d9cb-469f-a165-70867728950e", expiry(link), link.signature(), NOW))
                .isEqualTo(Check.TAMPERED);
    }

    @Test
    void shouldRefuseALinkWhenAnotherKeySignedIt() {
        ApprovalLink foreign = new LinkSigner(Secret.of("another-key-another-key-another-key!")).sign(ID, link.expiresAt());

        assertThat(signer.check(ID, expiry(foreign), foreign.signature(), NOW)).isEqualTo(Check.TAMPERED);
    }

    @Test
    void shouldRefuseALinkWhenItHasExpired() {
        assertThat(signer.check(ID, expiry(link), link.signature(), link.expiresAt())).isEqualTo(Check.EXPIRED);
        assertThat(signer.check(ID, expiry(link), link.signature(), link.expiresAt().minusSeconds(1))).isEqualTo(Check.VALID);
    }

    @Test
    void shouldRefuseALinkWhenPartsAreMissingOrGarbage() {
        assertThat(signer.check(ID, null, link.signature(), NOW)).isEqualTo(Check.TAMPERED);
        assertThat(signer.check(ID, expiry(link), null, NOW)).isEqualTo(Check.TAMPERED);
        assertThat(signer.check(ID, "-5", link.signature(), NOW)).isEqualTo(Check.TAMPERED);
        assertThat(signer.check(ID, "99999999999999999999", link.signature(), NOW)).isEqualTo(Check.TAMPERED);
        assertThat(signer.check(ID, expiry(link), "", NOW)).isEqualTo(Check.TAMPERED);
    }

    @Test
    void shouldNotAcceptALinkSignatureAsACsrfToken() {
        String nonce = LinkSigner.newNonce();

        assertThat(signer.csrfMatches(ID, nonce, link.signature())).isFalse();
        assertThat(signer.csrfMatches(ID, nonce, signer.csrfToken(ID, nonce))).isTrue();
    }

    @Test
    void shouldRefuseACsrfTokenWhenTheNonceOrApprovalDiffers() {
        String nonce = LinkSigner.newNonce();
        String token = signer.csrfToken(ID, nonce);

        assertThat(signer.csrfMatches(ID, LinkSigner.newNonce(), token)).isFalse();
        assertThat(signer.csrfMatches("1f8fad5b-d9cb-469f-a165-70867728950e", nonce, token)).isFalse();
        assertThat(signer.csrfMatches(ID, null, token)).isFalse();
        assertThat(signer.csrfMatches(ID, "short", signer.csrfToken(ID, "short"))).isFalse();
    }

    @Test
    void shouldKeepTheSignatureOutOfToStringWhenALinkIsLogged() {
        assertThat(link.toString()).doesNotContain(link.signature()).contains("sig=****");
        assertThat(new ResponseNote(java.util.Optional.empty(), java.util.Optional.of(link.uri(URI.create("https://p.example"))),
                java.util.Optional.empty(), "x").toString()).doesNotContain(link.signature());
    }

    @Test
    void shouldKeepTheBasePathWhenTheLinkPointsBehindAProxy() {
        assertThat(link.uri(URI.create("https://patrol.example/ops/")).toString())
                .isEqualTo("https://patrol.example/ops/approvals/" + ID + "?exp=" + expiry(link) + "&sig=" + link.signature());
    }

    private static String expiry(ApprovalLink link) {
        return Long.toString(link.expiresAt().getEpochSecond());
    }
}
