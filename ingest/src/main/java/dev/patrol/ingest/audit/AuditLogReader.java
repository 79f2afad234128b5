package dev.patrol.ingest.audit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.patrol.ingest.ado.AdoApiException;
import dev.patrol.ingest.ado.AdoEndpoints;
import dev.patrol.ingest.ado.AdoHttpClient;
import dev.patrol.model.ado.AuditLogQueryResult;
import dev.patrol.model.json.Json;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads one time window of the audit log, following {@code continuationToken} while {@code hasMore} (ado-api.md
 * §1). Entries stay raw JSON: parsing is the caller's, one entry at a time, so one bad entry never costs a page.
 */
public final class AuditLogReader {

    private final AdoEndpoints endpoints;
    private final AdoHttpClient client;
    private final int batchSize;

    public AuditLogReader(AdoEndpoints endpoints, AdoHttpClient client, int batchSize) {
        this.endpoints = endpoints;
        this.client = client;
        this.batchSize = batchSize;
    }

    /** Every entry ADO returns for {@code [start, end)}, in the order served. */
    public List<JsonNode> read(Instant start, Instant end) throws InterruptedException {
        List<JsonNode> entries = new ArrayList<>();
        Set<String> tokensSeen = new HashSet<>();
        String continuation = null;
        int pages = 0;
        while (true) {
            byte[] body = client.get(endpoints.auditLog(start, end, batchSize, continuation), "audit log").body();
            AuditLogQueryResult page;
            try {
                page = Json.mapper().readValue(body, AuditLogQueryResult.class);
            } catch (IOException e) {
                // A page that is not JSON (truncated, an HTML error page) is transient: fail the window, retry it.
                throw new AdoApiException("audit log: page " + (pages + 1) + " is not valid JSON ("
                        + e.getClass().getSimpleName() + ")", e);
            }
            pages++;
            entries.addAll(page.decoratedAuditLogEntries());
            if (!page.hasMore() || page.continuationToken() == null || page.continuationToken().isBlank()) {
                return entries;
            }
            if (!tokensSeen.add(page.continuationToken())) {
                // Following a repeated token would loop forever; failing keeps the checkpoint where it is.
                throw new AdoApiException("audit log: continuation token repeated after " + pages
                        + " pages; window " + start + ".." + end + " will be retried", -1);
            }
            continuation = page.continuationToken();
        }
    }
}
