package dev.patrol.ingest.ado;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.StringJoiner;

/**
 * The ADO URLs PATrol calls, built from configurable base URLs (the real hosts by default, the simulator in tests).
 * api-versions follow ado-api.md: the audit API has only preview versions; Graph users is preview-only.
 */
public final class AdoEndpoints {

    static final String AUDIT_API_VERSION = "7.1-preview.1";
    static final String GRAPH_API_VERSION = "7.1-preview.1";
    static final String TOKEN_ADMIN_API_VERSION = "7.1";

    private final String auditBase;
    private final String vsspsBase;
    private final String organization;

    public AdoEndpoints(URI auditBaseUrl, URI vsspsBaseUrl, String organization) {
        this.auditBase = trimSlash(auditBaseUrl.toString());
        this.vsspsBase = trimSlash(vsspsBaseUrl.toString());
        this.organization = encode(organization);
    }

    public URI auditLog(Instant startTime, Instant endTime, int batchSize, String continuationToken) {
        var query = new Query()
                .add("startTime", startTime.toString())
                .add("endTime", endTime.toString())
                .add("batchSize", Integer.toString(batchSize))
                // Aggregated AuditLog.AccessLog entries hide individual events; ask for each one.
                .add("skipAggregation", "true");
        if (continuationToken != null) {
            query.add("continuationToken", continuationToken);
        }
        query.add("api-version", AUDIT_API_VERSION);
        return URI.create(auditBase + "/" + organization + "/_apis/audit/auditlog?" + query);
    }

    public URI graphUsers(String continuationToken) {
        var query = new Query().add("subjectTypes", "aad,msa");
        if (continuationToken != null) {
            query.add("continuationToken", continuationToken);
        }
        query.add("api-version", GRAPH_API_VERSION);
        return URI.create(vsspsBase + "/" + organization + "/_apis/graph/users?" + query);
    }

    public URI personalAccessTokens(String descriptor, String continuationToken) {
        var query = new Query().add("pageSize", "100").add("isPublic", "false");
        if (continuationToken != null) {
            query.add("continuationToken", continuationToken);
        }
        query.add("api-version", TOKEN_ADMIN_API_VERSION);
        return URI.create(vsspsBase + "/" + organization + "/_apis/tokenadmin/personalaccesstokens/"
                + encode(descriptor) + "?" + query);
    }

    private static String trimSlash(String base) {
        return base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static final class Query {
        private final StringJoiner joiner = new StringJoiner("&");

        Query add(String name, String value) {
            joiner.add(name + "=" + encode(value));
            return this;
        }

        @Override
        public String toString() {
            return joiner.toString();
        }
    }
}
