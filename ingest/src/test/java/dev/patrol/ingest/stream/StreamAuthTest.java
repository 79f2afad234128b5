package dev.patrol.ingest.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.Headers;
import dev.patrol.ingest.stream.StreamAuth.Verdict;
import dev.patrol.model.Secret;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** The credential checks on their own, for the forms that are awkward to send through an HTTP client. */
class StreamAuthTest {

    private static final Secret TOKEN = Secret.of("hec-token");
    private static final Secret KEY = Secret.of("a+b/c==");

    private static Headers headers(String name, String value) {
        Headers headers = new Headers();
        headers.add(name, value);
        return headers;
    }

    @Test
    void shouldAcceptTheTokenWhenSplunkSchemeIsInAnyCase() {
        assertThat(StreamAuth.checkHec(headers("Authorization", "splunk hec-token"), null, TOKEN)).isEqualTo(Verdict.ACCEPTED);
    }

    @Test
    void shouldCallItMissingWhenSplunkSchemeHasNoToken() {
        assertThat(StreamAuth.checkHec(headers("Authorization", "Splunk "), null, TOKEN)).isEqualTo(Verdict.MISSING);
    }

    @Test
    void shouldCallItMalformedWhenBasicCredentialsAreNotBase64() {
        assertThat(StreamAuth.checkHec(headers("Authorization", "Basic %%%"), null, TOKEN)).isEqualTo(Verdict.MALFORMED);
    }

    @Test
    void shouldCallItWrongWhenBasicPasswordIsNotTheToken() {
        String basic = Base64.getEncoder().encodeToString("hec-token:other".getBytes(StandardCharsets.UTF_8));

        assertThat(StreamAuth.checkHec(headers("Authorization", "Basic " + basic), null, TOKEN)).isEqualTo(Verdict.WRONG);
    }

    @Test
    void shouldAcceptTheKeyWhenItsPlusSignsWereNotPercentEncoded() {
        assertThat(StreamAuth.checkEventGrid(new Headers(), "code=a+b/c==", KEY)).isEqualTo(Verdict.ACCEPTED);
    }

    @Test
    void shouldAcceptTheKeyWhenItWasPercentEncoded() {
        assertThat(StreamAuth.checkEventGrid(new Headers(), "x=1&key=a%2Bb%2Fc%3D%3D", KEY)).isEqualTo(Verdict.ACCEPTED);
    }

    @Test
    void shouldNotFallBackToTheQueryWhenTheHeaderKeyIsWrong() {
        Headers wrongHeader = headers(StreamAuth.EVENT_GRID_KEY_HEADER, "nope");

        assertThat(StreamAuth.checkEventGrid(wrongHeader, "code=a+b/c==", KEY)).isEqualTo(Verdict.WRONG);
    }

    @Test
    void shouldCallItMissingWhenTheKeyParameterIsEmpty() {
        assertThat(StreamAuth.checkEventGrid(new Headers(), "code=", KEY)).isEqualTo(Verdict.MISSING);
    }
}
