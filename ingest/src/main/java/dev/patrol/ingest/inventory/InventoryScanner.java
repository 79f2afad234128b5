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
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lists an organization's PATs the only way ADO allows: every Graph user, then tokenadmin per user descriptor
 * (ado-api.md §4.1, §5). A user whose call fails after retries is reported as incomplete coverage, never as a user
 * without tokens, so the caller cannot mistake a failure for tokens that disappeared.
 */
public final class InventoryScanner {

    private static final Logger LOG = LoggerFactory.getLogger(InventoryScanner.class);

    private final String organization;
    private final AdoEndpoints endpoints;
    private final AdoHttpClient client;
    private final Clock clock;

    /**
     * One scan's result.
     *
     * @param failedUsers descriptors whose tokens could not be listed; empty means the token list is complete
     * @param skipped     tokens or users ADO returned that could not be parsed (count only; details are logged)
     */
    public record Snapshot(List<GraphUser> users, Map<String, PersonalAccessToken> tokens, Set<String> failedUsers,
                           int skipped, Instant observedAt) {
        public boolean complete() {
            return failedUsers.isEmpty();
        }
    }

    public InventoryScanner(String organization, AdoEndpoints endpoints, AdoHttpClient client, Clock clock) {
        this.organization = organization;
        this.endpoints = endpoints;
        this.client = client;
        this.clock = clock;
    }

    public Snapshot scan() throws InterruptedException {
        Instant observedAt = clock.instant();
        int[] skipped = {0};
        List<GraphUser> users = listUsers(skipped);
        Map<String, PersonalAccessToken> tokens = new LinkedHashMap<>();
        Set<String> failed = new HashSet<>();
        for (GraphUser user : users) {
            try {
                for (SessionToken token : listTokens(user.descriptor(), skipped)) {
                    TokenOwner owner = new TokenOwner(user.descriptor(), user.principalName(), user.displayName());
                    tokens.put(token.authorizationId(), new PersonalAccessToken(organization, owner, token, observedAt));
                }
            } catch (AdoAuthException e) {
                throw e; // the credential itself is the problem: no point asking for the other users
            } catch (AdoApiException e) {
                if (e.status() == 404) {
                    continue; // removed between the Graph listing and this call: no tokens to list
                }
                failed.add(user.descriptor());
                LOG.warn("inventory incomplete: tokens of one user could not be listed org={} user={} error={}",
                        organization, user.principalName(), e.getMessage());
            }
        }
        return new Snapshot(List.copyOf(users), tokens, Set.copyOf(failed), skipped[0], observedAt);
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

    private List<SessionToken> listTokens(String descriptor, int[] skipped) throws InterruptedException {
        List<SessionToken> tokens = new ArrayList<>();
        Set<String> seenTokens = new HashSet<>();
        String continuation = null;
        do {
            byte[] body = client.get(endpoints.personalAccessTokens(descriptor, continuation), "tokenadmin").body();
            PagedSessionTokens page = read(body, PagedSessionTokens.class, "tokenadmin");
            for (JsonNode node : page.value()) {
                try {
                    tokens.add(Json.mapper().treeToValue(node, SessionToken.class));
                } catch (IOException | IllegalArgumentException e) {
                    skipped[0]++;
                    LOG.warn("token skipped: not parseable org={} error={}", organization, e.getClass().getSimpleName());
                }
            }
            continuation = page.continuationToken() == null || page.continuationToken().isBlank()
                    ? null : page.continuationToken();
            if (continuation != null && !seenTokens.add(continuation)) {
                throw new AdoApiException("tokenadmin: continuation token repeated", -1);
            }
        } while (continuation != null);
        return tokens;
    }

    private static <T> T read(byte[] body, Class<T> type, String what) {
        try {
            return Json.mapper().readValue(body, type);
        } catch (IOException e) {
            throw new AdoApiException(what + ": response is not valid JSON (" + e.getClass().getSimpleName() + ")", e);
        }
    }
}
