package dev.patrol.alerts.sink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patrol.model.Secret;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class WebhookSignatureTest {

    private static final Secret KEY = Secret.of("whsec_test");
    private static final byte[] BODY = "{\"id\":\"3f2a\"}".getBytes(StandardCharsets.UTF_8);
    private static final long T = 1777630562L;

    @Test
    void shouldMatchIndependentHmacWhenSigning() {
        // Python: hmac.new(b'whsec_test', b'1777630562.' + body, hashlib.sha256).hexdigest()
        String header = WebhookSignature.sign(KEY, T, BODY);

        assertThat(header).isEqualTo("t=1777630562,v1=9476fc146abe3bad7f7bc234d77bac68fc6cea289a8e39e59c4219093685a574");
    }

    @Test
    void shouldVerifyWhenBodyKeyAndTimeMatch() {
        String header = WebhookSignature.sign(KEY, T, BODY);

        assertThat(WebhookSignature.verify(header, BODY, KEY, Instant.ofEpochSecond(T + 60), Duration.ofMinutes(5))).isTrue();
    }

    @Test
    void shouldRejectWhenBodyWasChanged() {
        String header = WebhookSignature.sign(KEY, T, BODY);

        assertThat(WebhookSignature.verify(header, "{\"id\":\"3f2b\"}".getBytes(StandardCharsets.UTF_8), KEY,
                Instant.ofEpochSecond(T), Duration.ofMinutes(5))).isFalse();
    }

    @Test
    void shouldRejectWhenTimestampIsOutsideTolerance() {
        String header = WebhookSignature.sign(KEY, T, BODY);

        assertThat(WebhookSignature.verify(header, BODY, KEY, Instant.ofEpochSecond(T + 301), Duration.ofMinutes(5))).isFalse();
    }

    @Test
    void shouldRejectWhenTimestampWasMovedToLookFresh() {
        String replayed = WebhookSignature.sign(KEY, T, BODY).replace("t=" + T, "t=" + (T + 3600));

        assertThat(WebhookSignature.verify(replayed, BODY, KEY, Instant.ofEpochSecond(T + 3600), Duration.ofMinutes(5))).isFalse();
    }

    @Test
    void shouldRejectWhenKeyDiffers() {
        String header = WebhookSignature.sign(Secret.of("another key"), T, BODY);

        assertThat(WebhookSignature.verify(header, BODY, KEY, Instant.ofEpochSecond(T), Duration.ofMinutes(5))).isFalse();
    }

    @Test
    void shouldRejectWhenHeaderIsMissingOrMalformed() {
        Instant now = Instant.ofEpochSecond(T);

        assertThat(WebhookSignature.verify(null, BODY, KEY, now, Duration.ofMinutes(5))).isFalse();
        assertThat(WebhookSignature.verify("v1=abc", BODY, KEY, now, Duration.ofMinutes(5))).isFalse();
        assertThat(WebhookSignature.verify("t=x,v1=abc", BODY, KEY, now, Duration.ofMinutes(5))).isFalse();
    }
}
