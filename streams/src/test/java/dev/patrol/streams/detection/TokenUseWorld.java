package dev.patrol.streams.detection;

import static dev.patrol.streams.detection.DetectionHarness.T0;
import static dev.patrol.streams.detection.DetectionHarness.pat;

import dev.patrol.model.event.NetworkClass;
import java.time.Duration;

/**
 * The small world the stateless token-use detections are tested in: a corporate /8, a Tor exit, an anonymizer and
 * a cloud address, and three tokens (valid, revoked three hours ago, expired two days ago).
 */
final class TokenUseWorld {

    static final String TOKEN = "11111111-2222-4333-8444-555555555555";
    static final String REVOKED = "33333333-2222-4333-8444-555555555555";
    static final String EXPIRED = "44444444-2222-4333-8444-555555555555";
    static final String GHOST = "99999999-0000-4000-8000-000000000000";
    static final String TOR_IP = "185.220.101.34";
    static final String VPN_IP = "45.83.64.1";
    static final String CLOUD_IP = "52.10.0.1";

    private TokenUseWorld() {
    }

    static DetectionHarness harness() {
        return new DetectionHarness(new TestNetwork()
                .corporate("10.0.0.0/8")
                .at(TOR_IP, NetworkClass.TOR, "DE", null, 51, 9, 100, 60729, "Tor exit")
                .at(VPN_IP, NetworkClass.ANONYMIZER, "NL", null, 52, 4, 100, 9009, "M247")
                .at(CLOUD_IP, NetworkClass.HOSTING, "US", null, 45, -119, 100, 16509, "Amazon"))
                .token(pat(TOKEN, "read-code", "vso.code", "jane@contoso.example"))
                .token(pat(REVOKED, "old-bot", "vso.code", "bob@contoso.example", false,
                        T0.minus(Duration.ofDays(30)), T0.plus(Duration.ofDays(30)), T0.minus(Duration.ofHours(3))))
                .token(pat(EXPIRED, "stale", "vso.code", "bob@contoso.example", true,
                        T0.minus(Duration.ofDays(30)), T0.minus(Duration.ofDays(2)), T0.minus(Duration.ofDays(3))));
    }
}
