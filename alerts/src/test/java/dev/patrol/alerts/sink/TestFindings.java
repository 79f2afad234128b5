package dev.patrol.alerts.sink;

import dev.patrol.model.event.Finding;
import dev.patrol.model.event.FindingSubject;
import dev.patrol.model.event.Severity;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Findings with every field fixed, as streams writes them, for exact payload assertions. */
public final class TestFindings {

    public static final String TOKEN_ID = "6c1e7b3a-0d2f-4e58-9a71-2b8c4d5e6f70";

    private TestFindings() {
    }

    /** A PAT-OFFNET-01 finding with the full evidence a token in inventory gets. */
    public static Finding offNetwork() {
        Map<String, String> evidence = new LinkedHashMap<>();
        evidence.put("ip", "203.0.113.7");
        evidence.put("network", "hosting");
        evidence.put("country", "DE");
        evidence.put("city", "Berlin");
        evidence.put("asn", "AS3320");
        evidence.put("asOrganization", "Deutsche Telekom AG");
        evidence.put("action", "Git.RepositoryCloned");
        evidence.put("project", "Fabrikam");
        evidence.put("userAgent", "git/2.45.1");
        evidence.put("mechanism", "PAT");
        evidence.put("actor", "dana@contoso.example");
        evidence.put("authorizationId", TOKEN_ID);
        evidence.put("token", "in inventory");
        evidence.put("tokenName", "ci-deploy");
        evidence.put("scope", "vso.code_full");
        evidence.put("global", "false");
        evidence.put("owner", "dana@contoso.example");
        evidence.put("validTo", "2026-08-01T00:00:00Z");
        evidence.put("tokenValid", "true");
        return new Finding("3f2a9c1e5b7d4f60a1b2c3d4e5f60718", "PAT-OFFNET-01",
                "PAT used from outside the corporate network", Severity.HIGH, List.of("T1078.004"), "contoso",
                new FindingSubject(TOKEN_ID, "dana@contoso.example", null, "203.0.113.7"),
                "Token ci-deploy of dana@contoso.example was used from 203.0.113.7 (hosting, DE), outside the corporate network.",
                evidence, Instant.parse("2026-05-01T10:15:30Z"), Instant.parse("2026-05-01T10:16:02Z"),
                List.of("entry-1"));
    }

    /** A finding about a token not in inventory, with little evidence. */
    public static Finding unknownToken(String id, String authorizationId, Severity severity) {
        Map<String, String> evidence = new LinkedHashMap<>();
        evidence.put("ip", "198.51.100.9");
        evidence.put("authorizationId", authorizationId);
        evidence.put("token", "not in inventory: deleted, owner removed, or not scanned yet");
        return new Finding(id, "PAT-OFFNET-01", "PAT used from outside the corporate network", severity,
                List.of("T1078.004"), "contoso", new FindingSubject(authorizationId, "erin@contoso.example", null,
                "198.51.100.9"), "summary " + id, evidence, Instant.parse("2026-05-01T10:00:00Z"),
                Instant.parse("2026-05-01T10:00:05Z"), List.of("entry-" + id));
    }
}
