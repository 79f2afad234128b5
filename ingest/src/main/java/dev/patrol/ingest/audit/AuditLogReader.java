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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

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
    /**
     * Requests the page after the one being handled, one request at a time. Daemon threads that end when idle: a
     * reader has no close, and a poll every interval needs no thread kept in between.
     */
    private final ExecutorService fetcher = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "patrol-ingest-audit-fetch");
        thread.setDaemon(true);
        return thread;
    });

    public AuditLogReader(AdoEndpoints endpoints, AdoHttpClient client, int batchSize) {
        this.endpoints = endpoints;
        this.client = client;
        this.batchSize = batchSize;
    }

    /** Hears the pages of a window in the order served, each as soon as it is read and checked. */
    @FunctionalInterface
    public interface PageHandler {
        void onPage(AuditLogPage page) throws InterruptedException;
    }

    /** Every entry ADO returns for {@code [start, end)}, in the order served. */
    public List<PageEntry> read(Instant start, Instant end) throws InterruptedException {
        List<PageEntry> entries = new ArrayList<>();
        read(start, end, page -> entries.addAll(page.entries()));
        return entries;
    }

    /**
     * Reads {@code [start, end)} page by page, handing each page to {@code handler} on the calling thread while the
     * next one is already being fetched (its continuation token is known once the page is split): the handler's work
     * and the next request overlap instead of taking turns. A failure of the read or of the handler ends the read and
     * is thrown here; the request still in flight is cancelled. A handler that keeps what it is given until this
     * method returns sees a window whole or, on a failure, not at all.
     */
    public void read(Instant start, Instant end, PageHandler handler) throws InterruptedException {
        Set<String> tokensSeen = new HashSet<>();
        Future<byte[]> next = fetch(endpoints.auditLog(start, end, batchSize, null));
        int pages = 0;
        try {
            while (next != null) {
                byte[] body = await(next);
                next = null;
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
                if (page.hasMore()) {
                    next = fetch(endpoints.auditLog(start, end, batchSize, nextToken(page, pages, tokensSeen, start, end)));
                }
                handler.onPage(page);
            }
        } finally {
            if (next != null) {
                next.cancel(true); // the read failed: the page asked for ahead is not wanted
            }
        }
    }

    private String nextToken(AuditLogPage page, int pages, Set<String> tokensSeen, Instant start, Instant end) {
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
        return token;
    }

    private Future<byte[]> fetch(java.net.URI uri) {
        return fetcher.submit(() -> client.get(uri, "audit log").body());
    }

    /** The fetch's page; its failure is thrown as it was thrown, as if the request had run on this thread. */
    private static byte[] await(Future<byte[]> fetch) throws InterruptedException {
        try {
            return fetch.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (e.getCause() instanceof InterruptedException interrupted) {
                throw interrupted;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException("audit log request failed", e.getCause());
        }
    }
}
