package dev.patrol.deploy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patrol.deploy.faults.FaultSuite;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The fault suite's scan finds each of its secrets where a leak would put it, so its zero hits mean something. */
class SecretScanTest {

    private final SecretScan scan = FaultSuite.secretScan();

    @Test
    void shouldFindEachSecretWhenItSitsInBase64AtAnyOffset() {
        for (String secret : List.of(FaultSuite.PAT, FaultSuite.HEC_TOKEN, FaultSuite.WEBHOOK_KEY,
                FaultSuite.SASL_PASSWORD)) {
            for (String prefix : List.of("", "a", "ab", "abc")) {
                List<String> hits = new ArrayList<>();

                scan.find("test", "{\"payload\":\"" + SecretScan.base64(prefix + secret + "\"}") + "\"}", hits);

                assertThat(hits).as("base64 of a secret after %d bytes", prefix.length()).isNotEmpty();
            }
        }
    }

    @Test
    void shouldNameWhereAndWhichFormButNotTheSecretWhenItFindsOne() {
        List<String> hits = new ArrayList<>();

        scan.find("ingest-0.log:12", "Authorization: Basic " + SecretScan.base64(":" + FaultSuite.PAT), hits);

        assertThat(hits).isNotEmpty().allSatisfy(hit -> assertThat(hit).startsWith("ingest-0.log:12: ")
                .endsWith("<secret>").doesNotContain(FaultSuite.PAT));
    }

    @Test
    void shouldFindNothingWhenTheTextHoldsNoSecret() {
        List<String> hits = new ArrayList<>();

        scan.find("log", "INFO AlertsService - sink configured sink=webhook target=http://127.0.0.1:33337", hits);

        assertThat(hits).isEmpty();
    }
}
