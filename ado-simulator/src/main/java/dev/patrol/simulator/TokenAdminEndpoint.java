package dev.patrol.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The tokenadmin area: list one user's PATs, revoke PATs.
 *
 * <p>Listing ({@code GET /{org}/_apis/tokenadmin/personalaccesstokens/{descriptor}}) answers
 * {@code {value: SessionToken[], continuationToken: uuid | null}}. {@code pageSize} defaults to 100; the token is a
 * GUID naming the next page's position, and {@code null} on the last page. A descriptor that is not
 * {@code <type>.<base64url>} is 400, an unknown one 404. {@code isPublic=true} asks for SSH keys, of which there
 * are none.
 *
 * <p>Revoking ({@code POST /{org}/_apis/tokenadmin/revocations}) takes a JSON array of {@code {authorizationId}} and
 * answers 204. The whole call is checked first: a missing, blank or non-GUID id (or a body that is not such an
 * array) is 400 and revokes nothing. Unknown ids are accepted, as ADO's idempotent API does, and recorded.
 * {@code isPublic=true} would revoke SSH keys, so it touches no PAT and is not recorded.
 */
final class TokenAdminEndpoint {

    static final int DEFAULT_PAGE_SIZE = 100;
    private static final Pattern DESCRIPTOR = Pattern.compile("[A-Za-z]{2,8}\\.[A-Za-z0-9_-]+=*");
    /** .NET's Guid parser takes the hyphenated form and the bare 32 hex digits; both appear in the wild. */
    private static final Pattern HYPHENATED_GUID = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final Pattern BARE_GUID = Pattern.compile("[0-9a-fA-F]{32}");
    private static final String ZERO_GUID = OrgGenerator.ZERO_GUID;

    private final SimulatedOrg org;

    TokenAdminEndpoint(SimulatedOrg org) {
        this.org = org;
    }

    SimResponse list(String descriptor, QueryParams query) {
        if (!DESCRIPTOR.matcher(descriptor).matches()) {
            throw AdoRequestException.badRequest("The subject descriptor '" + descriptor + "' is not valid.");
        }
        Member owner = org.member(descriptor).orElseThrow(() -> new AdoRequestException(404,
                "IdentityNotFoundException", "The user with descriptor '" + descriptor + "' could not be found."));
        int pageSize = query.positiveInt("pageSize", DEFAULT_PAGE_SIZE);
        boolean sshKeys = query.bool("isPublic", false);
        List<SimToken> tokens = sshKeys ? List.of() : org.tokensOwnedBy(descriptor);
        int skip = query.text("continuationToken").map(token -> resolvePageToken(descriptor, token, tokens.size()))
                .orElse(0);
        List<SimToken> page = tokens.subList(skip, Math.min(skip + pageSize, tokens.size()));
        int next = skip + page.size();

        ObjectNode body = SimJson.NODES.objectNode();
        ArrayNode value = body.putArray("value");
        page.forEach(token -> value.add(sessionToken(token, owner)));
        body.put("continuationToken", next < tokens.size() ? pageToken(descriptor, next) : null);
        return SimResponse.json(200, body);
    }

    SimResponse revoke(QueryParams query, byte[] requestBody) {
        boolean sshKeys = query.bool("isPublic", false);
        JsonNode revocations;
        try {
            revocations = SimJson.MAPPER.readTree(requestBody);
        } catch (IOException e) { // from a byte array this can only be malformed JSON
            throw AdoRequestException.badRequest("The request body is not valid JSON.");
        }
        if (revocations == null || !revocations.isArray()) {
            throw AdoRequestException.badRequest("The request body must be a JSON array of {\"authorizationId\": \"<guid>\"}.");
        }
        List<String> ids = new ArrayList<>();
        for (JsonNode revocation : revocations) {
            JsonNode id = revocation.isObject() ? revocation.get("authorizationId") : null;
            if (id == null || id.isNull() || (id.isTextual() && id.asText().isBlank())) {
                throw new AdoRequestException(400, "ArgumentNullException",
                        "Value cannot be null or empty. Parameter name: authorizationId");
            }
            ids.add(canonicalGuid(id.asText()).orElseThrow(() -> AdoRequestException.badRequest(
                    "The authorizationId '" + id.asText() + "' is not a GUID.")));
        }
        if (!sshKeys) {
            org.revoke(ids);
        }
        return SimResponse.noContent();
    }

    /** SessionToken as tokenadmin lists it: every documented field, the secret ones always null. */
    private static ObjectNode sessionToken(SimToken token, Member owner) {
        ObjectNode node = SimJson.NODES.objectNode()
                .put("accessId", ZERO_GUID)
                .put("authorizationId", token.authorizationId())
                .put("clientId", ZERO_GUID)
                .put("hostAuthorizationId", ZERO_GUID)
                .put("userId", owner.userId())
                .put("displayName", token.displayName())
                .put("scope", token.scope());
        if (token.targetAccounts() == null) {
            node.putNull("targetAccounts");
        } else {
            ArrayNode accounts = node.putArray("targetAccounts");
            token.targetAccounts().forEach(accounts::add);
        }
        node.put("validFrom", AdoTime.vsspsDate(token.validFrom()))
                .put("validTo", AdoTime.vsspsDate(token.validTo()))
                .put("isValid", token.isValid())
                .put("isPublic", false)
                .putNull("publicData")
                .putNull("source")
                .putNull("token")
                .putNull("alternateToken")
                .putNull("claims");
        return node;
    }

    /** A GUID per (user, position): stateless, yet only valid for the user it was issued for. */
    private static String pageToken(String descriptor, int skip) {
        return UUID.nameUUIDFromBytes(("tokenadmin;" + descriptor + ";" + skip).getBytes(StandardCharsets.UTF_8)).toString();
    }

    private static int resolvePageToken(String descriptor, String token, int tokenCount) {
        for (int skip = 1; skip < tokenCount; skip++) {
            if (pageToken(descriptor, skip).equalsIgnoreCase(token)) {
                return skip;
            }
        }
        throw AdoRequestException.badRequest("The continuation token '" + token + "' is not valid.");
    }

    /** The lower-case hyphenated form, which is how the inventory and {@link SimulatedOrg#revocations()} spell ids. */
    static Optional<String> canonicalGuid(String text) {
        String candidate = text.strip();
        if (!HYPHENATED_GUID.matcher(candidate).matches() && !BARE_GUID.matcher(candidate).matches()) {
            return Optional.empty();
        }
        String hex = candidate.replace("-", "").toLowerCase(Locale.ROOT);
        return Optional.of(hex.substring(0, 8) + "-" + hex.substring(8, 12) + "-" + hex.substring(12, 16) + "-"
                + hex.substring(16, 20) + "-" + hex.substring(20));
    }
}
