package dev.patrol.ingest.audit;

import dev.patrol.ingest.ado.AdoApiException;
import dev.patrol.ingest.ado.AdoEndpoints;
import dev.patrol.ingest.ado.AdoHttpClient;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads one time window of the audit log, following {@code continuationToken} while {@code hasMore} (ado-api.md
 * §1). Entries stay raw JSON, the bytes ADO sent ({@link AuditLogPage}): parsing is the caller's, one entry at a time,
 * so one bad entry never costs a page.
 *
 * <p>A window is read whole or not at all: a page that is not JSON (truncated, an HTML page), a continuation token
 * that comes back a second time (the server would loop), {@code hasMore} without a token, or more than
 * {@value #MAX_PAGES} pages all fail the read with an {@link AdoApiException}, so the caller keeps its checkpoint and
 * reads the window again on its next cycle. Nothing is skipped silently.
 */
public final class AuditLogReader {

    /** Far beyond any real window (a 6-hour slice at the smallest batch size); only a server that never ends reaches it. */
    static final int MAX_PAGES = 100_000;

    private final AdoEndpoints endpoints;
    private final AdoHttpClient client;
    private final int batchSize;

    public AuditLogReader(AdoEndpoints endpoints, AdoHttpClient client, int batchSize) {
        this.endpoints = endpoints;
        this.client = client;
        this.batchSize = batchSize;
    }

    /** Every entry ADO returns for {@code [start, end)}, in the order served. */
    public List<PageEntry> read(Instant start, Instant end) throws InterruptedException {
        List<PageEntry> entries = new ArrayList<>();
        Set<String> tokensSeen = new HashSet<>();
        String continuation = null;
        int pages = 0;
        while (true) {
            byte[] body = client.get(endpoints.auditLog(start, end, batchSize, continuation), "audit log").body();
            AuditLogPage page;
            try {
                page = AuditLogPage.parse(body);
            } catch (IOException e) {
                // A page that is not JSON (truncated, an HTML error page) is transient: fail the window, retry it.
                throw new AdoApiException("audit log: page " + (pages + 1) + " of window " + start + ".." + end
                        + " is not valid JSON (" + e.getClass().getSimpleName() + "); the window will be retried", e);
            }
            if (page == null) { // the body was the JSON literal null
                throw new AdoApiException("audit log: page " + (pages + 1) + " of window " + start + ".." + end
                        + " is empty; the window will be retried", -1);
            }
            pages++;
            entries.addAll(page.entries());
            if (!page.hasMore()) {
                return entries;
            }
            String token = page.continuationToken();
            if (token == null || token.isBlank()) {
                // The rest of the window cannot be asked for; stopping here would drop it without a word.
                throw new AdoApiException("audit log: page " + pages + " of window " + start + ".." + end
                        + " says hasMore but carries no continuationToken; the window will be retried", -1);
            }
            if (!tokensSeen.add(token)) {
                // Following a repeated token would loop forever; failing keeps the checkpoint where it is.
                throw new AdoApiException("audit log: continuation token repeated after " + pages
                        + " pages; window " + start + ".." + end + " will be retried", -1);
            }
            if (pages >= MAX_PAGES) {
                throw new AdoApiException("audit log: window " + start + ".." + end + " did not end after " + pages
                        + " pages; it will be retried", -1);
            }
            continuation = token;
        }
    }
}
