package dev.patrol.ingest.inventory;

import com.fasterxml.jackson.databind.JsonNode;
import dev.patrol.ingest.ado.AdoApiException;
import dev.patrol.ingest.ado.AdoAuthException;
import dev.patrol.ingest.ado.AdoEndpoints;
import dev.patrol.ingest.ado.AdoHttpClient;
import dev.patrol.model.ado.GraphUser;
import dev.patrol.model.ado.GraphUserList;
import dev.patrol.model.ado.PagedSessionTokens;
import dev.patrol.model.ado.SessionToken;
import dev.patrol.model.event.PersonalAccessToken;
import dev.patrol.model.event.TokenOwner;
import dev.patrol.model.json.Json;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lists an organization's PATs the only way ADO allows: every Graph user, then tokenadmin per user descriptor
 * (ado-api.md §4.1, §5), with at most {@code concurrency} tokenadmin calls in flight.
 *
 * <p>A user whose listing fails after the client's retries is reported as incomplete coverage, never as a user
 * without tokens, so the diff cannot mistake a failure for tokens that disappeared; the next scan asks again. Only a
 * rejected credential (401/403) ends the whole scan: every other call would fail the same way.
 *
 * <p>SSH keys ({@code isPublic=true}) are counted, not inventoried: they are not PATs, never appear in an audit
 * entry's PAT mechanism, and the tokens topic and its consumers (the token join, full-scope and global detections)
 * are about PATs. The count shows whether SSH keys are in use at all.
 */
public final class InventoryScanner {

    private static final Logger LOG = LoggerFactory.getLogger(InventoryScanner.class);

    private final String organization;
    private final AdoEndpoints endpoints;
    private final AdoGet client;
    private final Clock clock;
    private final int concurrency;
    private final boolean includeSshKeys;
    private final ThreadFactory threads;
    private volatile int lastScanFailedUsers;
    private volatile int lastScanSshKeys;

    /** The one call the scanner makes; an interface so tests can watch the calls in flight. */
    @FunctionalInterface
    interface AdoGet {
        AdoHttpClient.JsonResponse get(URI uri, String what) throws InterruptedException;
    }

    /**
     * One scan's result.
     *
     * @param users         the Graph users listed
     * @param usersComplete whether every Graph user could be read; when not, a user missing from {@code users} may
     *                      only have been unreadable, so nobody counts as removed
     * @param tokens        the PATs listed, by authorizationId
     * @param failedUsers   descriptors whose PAT listing is incomplete (the call failed after retries, or an entry
     *                      could not be parsed); their tokens missing from {@code tokens} prove nothing
     * @param skipped       users or tokens ADO returned that could not be parsed (count only; details are logged)
     * @param sshKeys       SSH keys listed ({@code includeSshKeys}); 0 when not asked for
     * @param observedAt    when the scan started: the instant the listing describes
     */
    public record Snapshot(List<GraphUser> users, boolean usersComplete, Map<String, PersonalAccessToken> tokens,
                           Set<String> failedUsers, int skipped, int sshKeys, Instant observedAt) {
        public Snapshot {
            users = List.copyOf(users);
            tokens = Collections.unmodifiableMap(new LinkedHashMap<>(tokens));
            failedUsers = Set.copyOf(failedUsers);
            Objects.requireNonNull(observedAt, "observedAt");
        }

        /** Every user and every user's tokens were listed. */
        public boolean complete() {
            return usersComplete && failedUsers.isEmpty();
        }
    }

    /**
     * @param concurrency    how many users' tokens are listed at once ({@code ingest.inventoryConcurrency})
     * @param includeSshKeys also count each user's SSH keys ({@code ingest.includeSshKeys}); one more call per user
     */
    public InventoryScanner(String organization, AdoEndpoints endpoints, AdoHttpClient client, Clock clock,
                            int concurrency, boolean includeSshKeys) {
        this(organization, endpoints, client::get, clock, concurrency, includeSshKeys);
    }

    InventoryScanner(String organization, AdoEndpoints endpoints, AdoGet client, Clock clock, int concurrency,
                     boolean includeSshKeys) {
        if (concurrency < 1) {
            throw new IllegalArgumentException("inventory concurrency must be at least 1, was " + concurrency);
        }
        this.organization = organization;
        this.endpoints = endpoints;
        this.client = client;
        this.clock = clock;
        this.concurrency = concurrency;
        this.includeSshKeys = includeSshKeys;
        this.threads = namedDaemonThreads("patrol-inventory-" + organization + "-");
    }

    /** Users whose tokens could not be listed in the last finished scan (for a gauge: coverage gaps). */
    public int lastScanFailedUsers() {
        return lastScanFailedUsers;
    }

    /** SSH keys counted in the last finished scan; 0 unless {@code includeSshKeys}. */
    public int lastScanSshKeys() {
        return lastScanSshKeys;
    }

    /**
     * Lists users, then their tokens. Interrupting the calling thread stops the scan: it throws at once, the calls in
     * flight are interrupted and no queued call starts.
     *
     * @throws AdoAuthException when the credential is rejected
     * @throws AdoApiException  when the Graph user listing fails (without users there is nothing to scan)
     */
    public Snapshot scan() throws InterruptedException {
        Instant observedAt = clock.instant();
        int[] skippedUsers = {0};
        List<GraphUser> users = listUsers(skippedUsers);
        List<UserListing> listings = listAllTokens(users);

        Map<String, PersonalAccessToken> tokens = new LinkedHashMap<>();
        Set<String> failed = new HashSet<>();
        int skipped = skippedUsers[0];
        int sshKeys = 0;
        for (UserListing listing : listings) {
            TokenOwner owner = new TokenOwner(listing.user().descriptor(), listing.user().principalName(),
                    listing.user().displayName());
            for (SessionToken token : listing.tokens()) {
                tokens.put(token.authorizationId(), new PersonalAccessToken(organization, owner, token, observedAt));
            }
            if (!listing.complete()) {
                failed.add(listing.user().descriptor());
            }
            skipped += listing.skipped();
            sshKeys += listing.sshKeys();
        }
        lastScanFailedUsers = failed.size();
        lastScanSshKeys = sshKeys;
        if (!failed.isEmpty() || skippedUsers[0] > 0) {
            LOG.warn("inventory incomplete org={} failedUsers={} unreadableGraphUsers={}: no token of theirs is "
                    + "taken as gone; they are asked again next scan", organization, failed.size(), skippedUsers[0]);
        }
        return new Snapshot(users, skippedUsers[0] == 0, tokens, failed, skipped, sshKeys, observedAt);
    }

    /** One user's listing; {@code complete} false when tokens may be missing from it. */
    private record UserListing(GraphUser user, List<SessionToken> tokens, boolean complete, int skipped, int sshKeys) {
    }

    /*
     * A pool per scan rather than per scanner: a scan runs every hour or so, so a few thread starts cost nothing,
     * and nothing outlives scan() that a caller would have to close.
     */
    private List<UserListing> listAllTokens(List<GraphUser> users) throws InterruptedException {
        if (users.isEmpty()) {
            return List.of();
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(concurrency, users.size()), threads);
        try {
            CompletionService<UserListing> done = new ExecutorCompletionService<>(pool);
            for (GraphUser user : users) {
                done.submit(() -> listUser(user));
            }
            Map<String, UserListing> byUser = new LinkedHashMap<>();
            for (int i = 0; i < users.size(); i++) {
                // Completion order, so a rejected credential ends the scan at its first answer.
                UserListing listing = result(done.take());
                byUser.put(listing.user().descriptor(), listing);
            }
            // Back in Graph order: the snapshot does not depend on which call finished first.
            return users.stream().map(user -> byUser.get(user.descriptor())).filter(Objects::nonNull).toList();
        } finally {
            // Interrupts calls still in flight (on interruption or a rejected credential); a no-op after success.
            pool.shutdownNow();
        }
    }

    private static UserListing result(Future<UserListing> future) throws InterruptedException {
        try {
            return future.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            if (cause instanceof InterruptedException interrupted) {
                throw interrupted;
            }
            throw new IllegalStateException("inventory listing failed", cause);
        }
    }

    private UserListing listUser(GraphUser user) throws InterruptedException {
        String descriptor = user.descriptor();
        List<SessionToken> tokens = new ArrayList<>();
        boolean complete = true;
        int skipped = 0;
        try {
            for (JsonNode node : listPages(c -> endpoints.personalAccessTokens(descriptor, c), "tokenadmin")) {
                try {
                    tokens.add(Json.mapper().treeToValue(node, SessionToken.class));
                } catch (IOException | IllegalArgumentException e) {
                    // The unparseable token may be one we knew: absent from the listing, it must not look deleted.
                    skipped++;
                    complete = false;
                    LOG.warn("token skipped: not parseable org={} user={} error={}", organization, user.principalName(),
                            e.getClass().getSimpleName());
                }
            }
        } catch (AdoAuthException e) {
            throw e; // the credential itself is the problem: no point asking for the other users
        } catch (AdoApiException e) {
            if (e.status() == 404) {
                // Removed between the Graph listing and this call, most likely. Not taken as removal yet: the next
                // scan's Graph listing says for sure, and a wrong 404 must not cost the user's tokens.
                LOG.info("tokens of a user not found org={} user={}; decided by the next scan", organization,
                        user.principalName());
            } else {
                LOG.warn("tokens of a user could not be listed org={} user={} error={}", organization,
                        user.principalName(), e.getMessage());
            }
            return new UserListing(user, List.of(), false, 0, 0);
        }
        return new UserListing(user, tokens, complete, skipped, includeSshKeys ? countSshKeys(user) : 0);
    }

    /**
     * SSH keys are counted only, so a failure to list them affects nothing but the count. That includes 401/403:
     * the PAT call for the same user has just succeeded, so a refusal here is about SSH keys alone.
     */
    private int countSshKeys(GraphUser user) throws InterruptedException {
        try {
            return listPages(c -> sshKeys(endpoints.personalAccessTokens(user.descriptor(), c)), "tokenadmin ssh keys")
                    .size();
        } catch (AdoApiException e) {
            LOG.warn("ssh keys of a user could not be listed org={} user={} error={}", organization,
                    user.principalName(), e.getMessage());
            return 0;
        }
    }

    /** The PAT listing URL asking for SSH keys instead; AdoEndpoints has no SSH-key URL of its own yet. */
    static URI sshKeys(URI personalAccessTokens) {
        // The descriptor and continuation token are URL-encoded ('=' as %3D), so only the parameter itself matches.
        return URI.create(personalAccessTokens.toString().replace("isPublic=false", "isPublic=true"));
    }

    private List<JsonNode> listPages(Function<String, URI> page, String what) throws InterruptedException {
        List<JsonNode> entries = new ArrayList<>();
        Set<String> seenTokens = new HashSet<>();
        String continuation = null;
        do {
            byte[] body = client.get(page.apply(continuation), what).body();
            PagedSessionTokens response = read(body, PagedSessionTokens.class, what);
            entries.addAll(response.value());
            continuation = response.continuationToken() == null || response.continuationToken().isBlank()
                    ? null : response.continuationToken();
            if (continuation != null && !seenTokens.add(continuation)) {
                throw new AdoApiException(what + ": continuation token repeated", -1);
            }
        } while (continuation != null);
        return entries;
    }

    private List<GraphUser> listUsers(int[] skipped) throws InterruptedException {
        List<GraphUser> users = new ArrayList<>();
        Set<String> seenTokens = new HashSet<>();
        String continuation = null;
        do {
            AdoHttpClient.JsonResponse response = client.get(endpoints.graphUsers(continuation), "graph users");
            GraphUserList page = read(response.body(), GraphUserList.class, "graph users");
            for (JsonNode node : page.value()) {
                try {
                    users.add(Json.mapper().treeToValue(node, GraphUser.class));
                } catch (IOException | IllegalArgumentException e) {
                    skipped[0]++;
                    LOG.warn("graph user skipped: not parseable org={} error={}", organization, e.getClass().getSimpleName());
                }
            }
            continuation = response.continuationHeader().filter(t -> !t.isBlank()).orElse(null);
            if (continuation != null && !seenTokens.add(continuation)) {
                throw new AdoApiException("graph users: continuation token repeated", -1);
            }
        } while (continuation != null);
        return users;
    }

    private static <T> T read(byte[] body, Class<T> type, String what) {
        try {
            return Json.mapper().readValue(body, type);
        } catch (IOException e) {
            throw new AdoApiException(what + ": response is not valid JSON (" + e.getClass().getSimpleName() + ")", e);
        }
    }

    /** Named so a thread dump says whose they are; daemon so a stuck call never holds the JVM up. */
    private static ThreadFactory namedDaemonThreads(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
