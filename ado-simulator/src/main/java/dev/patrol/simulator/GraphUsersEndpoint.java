package dev.patrol.simulator;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@code GET /{org}/_apis/graph/users}: {@code {count, value: GraphUser[]}}, five users a page so that the default
 * org already pages. More pages are announced only by the {@code X-MS-ContinuationToken} response header, which
 * goes back as the {@code continuationToken} query parameter; the last page has no header. The token is opaque
 * standard Base64 and may end in {@code =}, so a client must URL-encode it. {@code subjectTypes} filters by origin:
 * every generated user is {@code aad}, so a list without {@code aad} returns no users.
 */
final class GraphUsersEndpoint {

    static final int PAGE_SIZE = 5;
    static final String CONTINUATION_HEADER = "X-MS-ContinuationToken";
    private static final String TOKEN_PREFIX = "graph-users;skip=";

    private final SimulatedOrg org;
    private final URI baseUrl;

    GraphUsersEndpoint(SimulatedOrg org, URI baseUrl) {
        this.org = org;
        this.baseUrl = baseUrl;
    }

    SimResponse list(QueryParams query) {
        Set<String> subjectTypes = query.text("subjectTypes")
                .map(text -> Arrays.stream(text.split(",")).map(String::strip).filter(type -> !type.isEmpty())
                        .map(type -> type.toLowerCase(Locale.ROOT)).collect(Collectors.toSet()))
                .orElse(Set.of());
        List<Member> matching = subjectTypes.isEmpty() || subjectTypes.contains("aad") ? org.members() : List.of();
        int skip = query.text("continuationToken").map(GraphUsersEndpoint::decodeToken).orElse(0);
        if (skip < 0 || skip > matching.size()) {
            throw AdoRequestException.badRequest("The continuation token is not valid.");
        }
        List<Member> page = matching.subList(skip, Math.min(skip + PAGE_SIZE, matching.size()));

        ObjectNode body = SimJson.NODES.objectNode();
        body.put("count", page.size());
        ArrayNode value = body.putArray("value");
        page.forEach(member -> value.add(graphUser(member)));
        SimResponse response = SimResponse.json(200, body);
        int next = skip + page.size();
        return next < matching.size() ? response.withHeader(CONTINUATION_HEADER, encodeToken(next)) : response;
    }

    private ObjectNode graphUser(Member member) {
        SimUser user = member.user();
        String descriptor = user.descriptor();
        String apis = baseUrl + "/" + org.organization() + "/_apis/";
        ObjectNode node = SimJson.NODES.objectNode()
                .put("subjectKind", "user")
                .put("metaType", "member")
                .put("directoryAlias", user.principalName().substring(0, user.principalName().indexOf('@')))
                .put("domain", org.tenantId())
                .put("principalName", user.principalName())
                .put("mailAddress", user.principalName())
                .put("origin", "aad")
                .put("originId", user.originId())
                .put("displayName", user.displayName());
        ObjectNode links = node.putObject("_links");
        link(links, "self", apis + "Graph/Users/" + descriptor);
        link(links, "memberships", apis + "Graph/Memberships/" + descriptor);
        link(links, "membershipState", apis + "Graph/MembershipStates/" + descriptor);
        link(links, "storageKey", apis + "Graph/StorageKeys/" + descriptor);
        link(links, "avatar", apis + "GraphProfile/MemberAvatars/" + descriptor);
        node.put("url", apis + "Graph/Users/" + descriptor);
        node.put("descriptor", descriptor);
        return node;
    }

    private static void link(ObjectNode links, String name, String href) {
        links.putObject(name).put("href", href);
    }

    private static String encodeToken(int skip) {
        return Base64.getEncoder().encodeToString((TOKEN_PREFIX + skip).getBytes(StandardCharsets.UTF_8));
    }

    private static int decodeToken(String token) {
        try {
            String text = new String(Base64.getDecoder().decode(token), StandardCharsets.UTF_8);
            if (text.startsWith(TOKEN_PREFIX)) {
                return Integer.parseInt(text.substring(TOKEN_PREFIX.length()));
            }
        } catch (IllegalArgumentException e) { // bad Base64 or number; NumberFormatException is one
            // reported below
        }
        throw AdoRequestException.badRequest("The continuation token is not valid.");
    }
}
