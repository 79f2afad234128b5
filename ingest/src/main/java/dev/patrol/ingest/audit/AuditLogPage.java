package dev.patrol.ingest.audit;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import dev.patrol.model.ado.AuditLogQueryResult;
import dev.patrol.model.json.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * One page of {@code GET _apis/audit/auditlog} (ado-api.md §1), split into its entries without parsing them: a single
 * streaming pass over the page records where each element of {@code decoratedAuditLogEntries} begins and ends and
 * its top-level {@code id}. Parsing stays the caller's, one entry at a time, so one bad entry never costs the page;
 * the entry's bytes go to the raw topic as they came.
 *
 * <p>Reads what {@link AuditLogQueryResult} reads and fails where it failed: a page that is not JSON, is not an
 * object, or whose entries are not an array throws {@link IOException}; unknown fields are skipped; the scalar fields
 * are read by the shared mapper, with its coercions.
 */
public record AuditLogPage(List<PageEntry> entries, String continuationToken, boolean hasMore) {

    static final String ENTRIES = "decoratedAuditLogEntries";

    public AuditLogPage {
        entries = List.copyOf(entries);
    }

    /** The page in {@code body}, or null when the body is the JSON literal {@code null}. */
    public static AuditLogPage parse(byte[] body) throws IOException {
        try (JsonParser parser = Json.mapper().createParser(body)) {
            JsonToken first = parser.nextToken();
            if (first == JsonToken.VALUE_NULL) {
                return null;
            }
            if (first != JsonToken.START_OBJECT) {
                throw MismatchedInputException.from(parser, AuditLogQueryResult.class,
                        first == null ? "no content" : "an audit log page must be a JSON object, not " + first);
            }
            List<PageEntry> entries = List.of();
            String continuationToken = null;
            boolean hasMore = false;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                parser.nextToken();
                switch (field) {
                    // A repeated field counts once, the last, as when the page was bound to AuditLogQueryResult.
                    case ENTRIES -> entries = entries(parser, body);
                    case "continuationToken" -> continuationToken = Json.mapper().readValue(parser, String.class);
                    case "hasMore" -> hasMore = Boolean.TRUE.equals(Json.mapper().readValue(parser, Boolean.class));
                    default -> parser.skipChildren();
                }
            }
            if (parser.currentToken() != JsonToken.END_OBJECT) {
                throw MismatchedInputException.from(parser, AuditLogQueryResult.class, "the page object does not end");
            }
            return new AuditLogPage(entries, continuationToken, hasMore);
        }
    }

    private static List<PageEntry> entries(JsonParser parser, byte[] body) throws IOException {
        if (parser.currentToken() == JsonToken.VALUE_NULL) {
            return List.of();
        }
        if (parser.currentToken() != JsonToken.START_ARRAY) {
            throw MismatchedInputException.from(parser, List.class, ENTRIES + " must be an array");
        }
        List<PageEntry> entries = new ArrayList<>();
        JsonToken token = parser.nextToken();
        while (token != JsonToken.END_ARRAY) {
            int start = byteOffset(parser);
            String id = token == JsonToken.START_OBJECT ? idOf(parser) : null; // idOf leaves the parser on its end
            parser.skipChildren(); // no-op for a scalar; its text needs no reading
            token = parser.nextToken(); // the next element or the end of the array: ours ends before it
            if (token == null) {
                throw MismatchedInputException.from(parser, List.class, ENTRIES + " does not end");
            }
            entries.add(new PageEntry(id, body, start, valueEnd(body, start, byteOffset(parser))));
        }
        return entries;
    }

    /**
     * The top-level {@code id} of the object the parser is at, read to its end: the text when it is a JSON string,
     * else null (a number, an object, or missing: what {@code node.path("id").isTextual()} rejected); the last one
     * when repeated, as in a tree.
     */
    private static String idOf(JsonParser parser) throws IOException {
        String id = null;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            boolean isId = "id".equals(parser.currentName());
            JsonToken value = parser.nextToken();
            if (isId) {
                id = value == JsonToken.VALUE_STRING ? parser.getText() : null;
            }
            parser.skipChildren();
        }
        return id;
    }

    private static int byteOffset(JsonParser parser) throws IOException {
        long offset = parser.currentTokenLocation().getByteOffset();
        if (offset < 0) {
            // Only a page in UTF-16 or UTF-32 has no byte offsets; JSON between systems is UTF-8 (RFC 8259 §8.1).
            throw MismatchedInputException.from(parser, AuditLogQueryResult.class, "the page is not UTF-8");
        }
        return (int) offset;
    }

    /** Where the value starting at {@code start} ends, given where the next token starts: before the separator. */
    private static int valueEnd(byte[] body, int start, int nextToken) {
        int end = nextToken;
        while (end > start && isWhitespace(body[end - 1])) {
            end--;
        }
        if (end > start && body[end - 1] == ',') {
            end--;
            while (end > start && isWhitespace(body[end - 1])) {
                end--;
            }
        }
        return end;
    }

    private static boolean isWhitespace(byte b) {
        return b == ' ' || b == '\n' || b == '\r' || b == '\t';
    }
}
