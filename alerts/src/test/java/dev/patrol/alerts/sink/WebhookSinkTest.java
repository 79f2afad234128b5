package dev.patrol.alerts.sink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patrol.model.Secret;
import dev.patrol.model.event.Finding;
import dev.patrol.model.json.Json;
import dev.patrol.testkit.HttpReceiver;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The generic webhook against a local receiver: body, headers, and what each status means. */
class WebhookSinkTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-05-01T10:16:05Z"), ZoneOffset.UTC);

    @Test
    void shouldSendFindingJsonWithIdAndVerifiableSignatureWhenKeyIsConfigured() throws Exception {
        try (var receiver = HttpReceiver.start()) {
            Secret key = Secret.of("shared-key");
            var sink = new WebhookSink(receiver.url("/hooks/s3cr3t"), Optional.of(key), Duration.ofSeconds(5), CLOCK);

            Delivery delivery = sink.deliver(Alert.of(TestFindings.offNetwork()));

            assertThat(delivery.outcome()).isEqualTo(Delivery.Outcome.DELIVERED);
            var request = receiver.received().get(0);
            assertThat(Json.mapper().readValue(request.body(), Finding.class)).isEqualTo(TestFindings.offNetwork());
            assertThat(request.header(WebhookSink.FINDING_ID_HEADER)).contains(TestFindings.offNetwork().id());
            assertThat(request.header(WebhookSignature.HEADER)).hasValueSatisfying(header -> assertThat(
                    WebhookSignature.verify(header, request.body().getBytes(StandardCharsets.UTF_8), key, CLOCK.instant(),
                            WebhookSignature.DEFAULT_TOLERANCE)).isTrue());
        }
    }

    @Test
    void shouldSendUnsignedWhenNoKeyIsConfigured() throws Exception {
        try (var receiver = HttpReceiver.start()) {
            var sink = new WebhookSink(receiver.url("/hook"), Duration.ofSeconds(5));

            sink.deliver(Alert.of(TestFindings.offNetwork()));

            assertThat(receiver.received().get(0).header(WebhookSignature.HEADER)).isEmpty();
        }
    }

    @Test
    void shouldAskForRetryWhenReceiverIsUnavailable() throws Exception {
        try (var receiver = HttpReceiver.start()) {
            receiver.respondWith(503);
            var sink = new WebhookSink(receiver.url("/hook"), Duration.ofSeconds(5));

            Delivery delivery = sink.deliver(Alert.of(TestFindings.offNetwork()));

            assertThat(delivery.outcome()).isEqualTo(Delivery.Outcome.RETRY);
            assertThat(delivery.detail()).isEqualTo("HTTP 503");
        }
    }

    @Test
    void shouldRejectWhenReceiverRefusesWith4xx() throws Exception {
        try (var receiver = HttpReceiver.start()) {
            receiver.respondWith(400);
            var sink = new WebhookSink(receiver.url("/hook"), Duration.ofSeconds(5));

            assertThat(sink.deliver(Alert.of(TestFindings.offNetwork())).outcome()).isEqualTo(Delivery.Outcome.REJECTED);
        }
    }

    @Test
    void shouldAskForRetryWhenNothingListens() throws Exception {
        URI closed;
        try (var receiver = HttpReceiver.start()) {
            closed = receiver.url("/hook");
        }
        var sink = new WebhookSink(closed, Duration.ofSeconds(2));

        Delivery delivery = sink.deliver(Alert.of(TestFindings.offNetwork()));

        assertThat(delivery.outcome()).isEqualTo(Delivery.Outcome.RETRY);
        assertThat(delivery.detail()).doesNotContain("127.0.0.1");
    }

    @Test
    void shouldNameSinkWithoutUrlSecretWhenUrlCarriesOne() {
        var sink = new WebhookSink(URI.create("https://hooks.example.com/T000/B000/s3cr3tpath?sig=abc"), Duration.ofSeconds(1));

        assertThat(sink.name()).matches("webhook-[0-9a-f]{8}");
        assertThat(sink.target()).isEqualTo("https://hooks.example.com");
    }
}
