package dev.patrol.alerts.response;

import dev.patrol.model.event.Finding;
import dev.patrol.model.event.FindingSubject;
import dev.patrol.model.event.Severity;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Findings and policies for the response tests. */
final class Fixtures {

    static final String ORG = "contoso";
    static final Instant EVENT_TIME = Instant.parse("2026-05-01T10:00:00Z");
    static final String LINK_KEY = "test-link-signing-key-0123456789abcdef";

    private Fixtures() {
    }

    /** A finding about one token, with the evidence keys the detections write. */
    static Finding finding(String ruleId, Severity severity, String authorizationId, String owner, String scope,
                           String network, String windowKey) {
        Map<String, String> evidence = new LinkedHashMap<>();
        evidence.put("ip", "203.0.113.7");
        evidence.put("network", network);
        evidence.put("authorizationId", authorizationId);
        evidence.put("tokenName", "ci-deploy");
        evidence.put("scope", scope);
        evidence.put("owner", owner);
        return new Finding(Finding.stableId(ruleId, authorizationId, windowKey), ruleId, "title of " + ruleId, severity,
                List.of("T1078.004"), ORG, new FindingSubject(authorizationId, owner, null, "203.0.113.7"),
                "summary of " + ruleId + " for " + authorizationId, evidence, EVENT_TIME, EVENT_TIME.plusSeconds(30),
                List.of("entry-" + windowKey));
    }

    static Finding leakedUse(String authorizationId, String owner, String windowKey) {
        return finding("PAT-LEAKED-12", Severity.CRITICAL, authorizationId, owner, "vso.code", "public", windowKey);
    }

    static ResponsePolicy policy(String yaml) {
        return ResponsePolicy.parse(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)), "test.yaml");
    }
}
