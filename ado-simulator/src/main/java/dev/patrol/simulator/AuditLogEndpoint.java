package dev.patrol.simulator;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;

/**
 * {@code GET /{org}/_apis/audit/auditlog}: the audit log query, answering with the top-level
 * {@code {decoratedAuditLogEntries, continuationToken, hasMore}} object.
 *
 * <p>Choices where ADO documents nothing, fixed here so clients and tests can rely on them:
 * <ul>
 *   <li><b>Order</b>: newest first by {@code timestamp}; equal timestamps by {@code id}.</li>
 *   <li><b>Window</b>: {@code startTime} inclusive, {@code endTime} exclusive, both optional ISO-8601 date-times
 *       with an offset; anything else is 400. A window with start at or after end is empty, not an error.</li>
 *   <li><b>Visibility</b>: an entry is served only once its timestamp is not after the clock's now, so an entry
 *       appended with a future timestamp arrives late, as ADO's undocumented ingestion delay makes real ones do; an
 *       entry appended with a {@code visibleFrom} is also skipped until then, though its timestamp is earlier.</li>
 *   <li><b>batchSize</b>: default 200 (the UI's page), any positive value honoured, no maximum; 0, negative or
 *       non-numeric is 400. {@code skipAggregation} must be a boolean if given; nothing is aggregated anyway.</li>
 *   <li><b>Paging</b>: {@code continuationToken} is the {@code id} of the last entry returned, as in the spec
 *       example. Sent back (with the same filters), it returns the entries after that one in the same order.
 *       The position is the entry itself, so entries that became visible after the first page appear on a later
 *       page only if they sort after it; a poller that re-queries an overlapping window catches the others. An id
 *       not in the log is 400.</li>
 *   <li><b>hasMore</b> is true exactly when another matching, visible entry follows the page. The token is present
 *       on the last page too (as in the spec example) and {@code null} only when the page is empty; stop on
 *       {@code hasMore}, not on the token.</li>
 * </ul>
 */
final class AuditLogEndpoint {

    static final int DEFAULT_BATCH_SIZE = 200;

    private final SimulatedOrg org;
    private final Clock clock;

    AuditLogEndpoint(SimulatedOrg org, Clock clock) {
        this.org = org;
        this.clock = clock;
    }

    /**
     * @param repeatToken answer with the request's own continuation token and {@code hasMore}, as a server stuck in
     *                    a paging loop would (see {@link Faults#repeatContinuationTokenNext})
     */
    SimResponse query(QueryParams query, boolean repeatToken) {
        int batchSize = query.positiveInt("batchSize", DEFAULT_BATCH_SIZE);
        Optional<Instant> startTime = query.dateTime("startTime");
        Optional<Instant> endTime = query.dateTime("endTime");
        query.bool("skipAggregation", false);
        Optional<String> continuationToken = query.text("continuationToken");

        NavigableMap<AuditEntryKey, ObjectNode> log = org.entriesNewestFirst();
        NavigableMap<AuditEntryKey, ObjectNode> remaining = log;
        if (continuationToken.isPresent()) {
            AuditEntryKey after = org.entryKey(continuationToken.get()).orElseThrow(() -> AdoRequestException.badRequest(
                    "The continuation token '" + continuationToken.get() + "' is not valid."));
            remaining = log.tailMap(after, false);
        }

        Instant now = clock.instant();
        List<ObjectNode> page = new ArrayList<>();
        boolean hasMore = false;
        for (Map.Entry<AuditEntryKey, ObjectNode> candidate : remaining.entrySet()) {
            Instant timestamp = candidate.getKey().timestamp();
            if (!org.visible(candidate.getKey(), now) || endTime.map(end -> !timestamp.isBefore(end)).orElse(false)) {
                continue;
            }
            if (startTime.map(timestamp::isBefore).orElse(false)) {
                break; // newest first: everything further is older still
            }
            if (page.size() == batchSize) {
                hasMore = true;
                break;
            }
            page.add(candidate.getValue());
        }

        ObjectNode body = SimJson.NODES.objectNode();
        ArrayNode entries = body.putArray("decoratedAuditLogEntries");
        page.forEach(entries::add);
        if (repeatToken && continuationToken.isPresent()) {
            body.put("continuationToken", continuationToken.get());
            body.put("hasMore", true);
        } else {
            body.put("continuationToken", page.isEmpty() ? null : page.get(page.size() - 1).get("id").asText());
            body.put("hasMore", hasMore);
        }
        return SimResponse.json(200, body);
    }
}
