package dev.patrol.alerts.response;

import dev.patrol.model.Secret;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs and checks approval links and the CSRF tokens of the approval form, with HMAC-SHA256 under the configured key.
 *
 * <p>A link signs its approval id and expiry, so neither can be changed; the CSRF token signs the approval id and a
 * per-browser nonce (kept in a SameSite=Strict cookie), so a form posted from another site, which has neither, fails.
 * Each use gets its own domain string, so a link signature can never pass as a CSRF token. Comparisons are
 * constant-time.
 */
final class LinkSigner {

    /** The outcome of checking a link. Tampering is checked before expiry, so a forged expiry reads as tampered. */
    enum Check {
        VALID, TAMPERED, EXPIRED
    }

    private static final String ALGORITHM = "HmacSHA256";
    private static final String LINK_DOMAIN = "patrol-approval-link/v1\n";
    private static final String CSRF_DOMAIN = "patrol-approval-csrf/v1\n";
    private static final Pattern EPOCH_SECONDS = Pattern.compile("[0-9]{1,12}");
    private static final Pattern NONCE = Pattern.compile("[A-Za-z0-9_-]{22,64}");
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec key;

    LinkSigner(Secret key) {
        Objects.requireNonNull(key, "key");
        this.key = new SecretKeySpec(key.reveal().getBytes(StandardCharsets.UTF_8), ALGORITHM);
    }

    ApprovalLink sign(String approvalId, Instant expiresAt) {
        // Links carry whole seconds; signing the truncated value keeps sign and check on the same input.
        Instant expires = Instant.ofEpochSecond(expiresAt.getEpochSecond());
        return new ApprovalLink(approvalId, expires, mac(LINK_DOMAIN + approvalId + "\n" + expires.getEpochSecond()));
    }

    /**
     * Checks a link as presented.
     *
     * @param expiry    the {@code exp} parameter as sent (may be null or garbage)
     * @param signature the {@code sig} parameter as sent (may be null or garbage)
     */
    Check check(String approvalId, String expiry, String signature, Instant now) {
        if (approvalId == null || expiry == null || signature == null || !EPOCH_SECONDS.matcher(expiry).matches()) {
            return Check.TAMPERED;
        }
        String expected = mac(LINK_DOMAIN + approvalId + "\n" + Long.parseLong(expiry));
        if (!constantTimeEquals(expected, signature)) {
            return Check.TAMPERED;
        }
        return now.isBefore(Instant.ofEpochSecond(Long.parseLong(expiry))) ? Check.VALID : Check.EXPIRED;
    }

    /** The form's CSRF token for one approval and one browser nonce. */
    String csrfToken(String approvalId, String nonce) {
        return mac(CSRF_DOMAIN + approvalId + "\n" + nonce);
    }

    boolean csrfMatches(String approvalId, String nonce, String presented) {
        if (nonce == null || presented == null || !NONCE.matcher(nonce).matches()) {
            return false;
        }
        return constantTimeEquals(csrfToken(approvalId, nonce), presented);
    }

    /** A fresh browser nonce: 128 random bits, URL-safe. */
    static String newNonce() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return BASE64URL.encodeToString(bytes);
    }

    /** Whether a cookie value looks like a nonce this class made (it is still only trusted through the CSRF HMAC). */
    static Optional<String> validNonce(String value) {
        return value != null && NONCE.matcher(value).matches() ? Optional.of(value) : Optional.empty();
    }

    private String mac(String input) {
        try {
            // Mac instances are not thread-safe; one per call is cheap next to an HTTP request.
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return BASE64URL.encodeToString(mac.doFinal(input.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is required by every JVM", e);
        }
    }

    private static boolean constantTimeEquals(String expected, String presented) {
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), presented.getBytes(StandardCharsets.UTF_8));
    }
}
