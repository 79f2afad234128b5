package dev.patrol.alerts.sink;

import dev.patrol.model.Secret;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * POSTs each finding as its own JSON ({@code Finding}) to one generic webhook URL. The finding id travels in
 * {@code X-Patrol-Finding-Id} so a receiver can drop the repeats at-least-once delivery may cause; with a signing key
 * configured, {@code X-Patrol-Signature} lets it check origin and refuse replays ({@link WebhookSignature}).
 *
 * <p>Machines read this sink, so it is never grouped: every routed finding arrives. Webhook URLs often carry a
 * secret in the path, so only the host is ever shown, and the sink's name is a hash of the URL.
 */
public final class WebhookSink implements AlertSink {

    public static final String FINDING_ID_HEADER = "X-Patrol-Finding-Id";

    private final JsonPoster poster;
    private final Optional<Secret> signingKey;
    private final Clock clock;
    private final String name;

    public WebhookSink(URI url, Optional<Secret> signingKey, Duration timeout, Clock clock) {
        this.poster = new JsonPoster(url, timeout);
        this.signingKey = signingKey;
        this.clock = clock;
        this.name = "webhook-" + shortHash(url.toString());
    }

    /** Unsigned, as {@code alerts.webhooks} always was. */
    public WebhookSink(URI url, Duration timeout) {
        this(url, Optional.empty(), timeout, Clock.systemUTC());
    }

    /** {@code webhook-} and 8 hex digits of the URL's SHA-256: stable across restarts, reveals nothing of the URL. */
    @Override
    public String name() {
        return name;
    }

    @Override
    public String target() {
        return poster.target();
    }

    @Override
    public Delivery deliver(Alert alert) throws InterruptedException {
        byte[] body = JsonPoster.bytes(alert.finding());
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(FINDING_ID_HEADER, alert.finding().id());
        signingKey.ifPresent(key -> headers.put(WebhookSignature.HEADER,
                WebhookSignature.sign(key, clock.instant().getEpochSecond(), body)));
        return poster.post(body, headers);
    }

    private static String shortHash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JVM", e);
        }
    }
}
