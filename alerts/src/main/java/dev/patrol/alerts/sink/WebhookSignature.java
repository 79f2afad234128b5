package dev.patrol.alerts.sink;

import dev.patrol.model.Secret;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The signature on generic webhook deliveries, in the style of Stripe's:
 * {@code X-Patrol-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(key, t + "." + body)>}.
 *
 * <p>How a receiver verifies a delivery (what {@link #verify} does):
 * <ol>
 *   <li>Take the raw request body bytes, before any JSON parsing (re-serialising changes the bytes).</li>
 *   <li>Split the header on {@code ,} into {@code t=} and {@code v1=} parts; ignore other schemes (a later
 *       {@code v2} can be added alongside).</li>
 *   <li>Reject when {@code t} is more than the tolerance (5 minutes suggested) away from the receiver's clock: a
 *       captured request cannot be replayed later, and a changed {@code t} breaks the signature.</li>
 *   <li>Compute HMAC-SHA256 with the shared key over the bytes of {@code t}, a {@code .}, and the body; compare
 *       its lower-case hex with {@code v1} in constant time. Reject on mismatch.</li>
 *   <li>Within the tolerance a replay is byte-identical to a delivery PATrol itself may repeat (at least once), so
 *       de-duplicate by {@code X-Patrol-Finding-Id}, which a receiver has to do anyway.</li>
 * </ol>
 * Without a configured key deliveries are unsigned, as before signing existed.
 */
public final class WebhookSignature {

    public static final String HEADER = "X-Patrol-Signature";
    /** What {@link #verify} callers are advised to allow between PATrol's clock and theirs. */
    public static final Duration DEFAULT_TOLERANCE = Duration.ofMinutes(5);
    private static final String ALGORITHM = "HmacSHA256";

    private WebhookSignature() {
    }

    /** The header value for {@code body} signed at {@code unixSeconds}. */
    public static String sign(Secret key, long unixSeconds, byte[] body) {
        return "t=" + unixSeconds + ",v1=" + HexFormat.of().formatHex(hmac(key, unixSeconds, body));
    }

    /**
     * True when {@code header} carries a {@code v1} signature of {@code body} under {@code key} made within
     * {@code tolerance} of {@code now}.
     */
    public static boolean verify(String header, byte[] body, Secret key, Instant now, Duration tolerance) {
        if (header == null) {
            return false;
        }
        Long timestamp = null;
        java.util.List<String> signatures = new java.util.ArrayList<>();
        for (String part : header.split(",")) {
            String p = part.strip();
            if (p.startsWith("t=")) {
                try {
                    timestamp = Long.parseLong(p.substring(2));
                } catch (NumberFormatException e) {
                    return false;
                }
            } else if (p.startsWith("v1=")) {
                signatures.add(p.substring(3));
            }
        }
        if (timestamp == null || signatures.isEmpty()
                || Math.abs(now.getEpochSecond() - timestamp) > tolerance.toSeconds()) {
            return false;
        }
        byte[] expected = HexFormat.of().formatHex(hmac(key, timestamp, body)).getBytes(StandardCharsets.US_ASCII);
        boolean match = false;
        for (String signature : signatures) {
            // No early exit: every candidate costs the same.
            match |= MessageDigest.isEqual(expected, signature.getBytes(StandardCharsets.US_ASCII));
        }
        return match;
    }

    private static byte[] hmac(Secret key, long unixSeconds, byte[] body) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(key.reveal().getBytes(StandardCharsets.UTF_8), ALGORITHM));
            mac.update((unixSeconds + ".").getBytes(StandardCharsets.US_ASCII));
            return mac.doFinal(body);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is required by every JVM", e);
        }
    }
}
