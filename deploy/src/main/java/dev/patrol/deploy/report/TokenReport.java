package dev.patrol.deploy.report;

import dev.patrol.model.ado.SessionToken;
import dev.patrol.model.event.Finding;
import dev.patrol.model.event.OrgUser;
import dev.patrol.model.event.PersonalAccessToken;
import dev.patrol.model.event.Severity;
import dev.patrol.streams.detection.TokenHygiene;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * The PAT inventory report: every token with its owner's status, counts by scope, lifetime, owner status and state,
 * the global PATs that break at Microsoft's cut-off, and the tokens findings have named. Built by {@link #build}, a
 * pure function of the inventory and "now"; the writers ({@link TokenReportCsv}, {@link TokenReportHtml}) only
 * format it.
 *
 * @param source              where the inventory came from, in words
 * @param caveats             gaps the reader must know about
 * @param organizations       every organization the inventory mentions, sorted
 * @param tokens              one row per token (by authorizationId), by organization, owner and name
 * @param globalPats          the global PATs that still work, soonest to break first
 * @param findingsUnavailable why findings are missing from the report, when the source had none to give
 * @param touchedTokens       tokens findings named, most severe first
 * @param findingsRead        distinct findings read (by id)
 * @param findingsWithoutToken distinct findings that name no token (e.g. one address using many people's tokens)
 */
public record TokenReport(Instant generatedAt, String source, List<String> caveats, List<String> organizations,
                          List<TokenRow> tokens, List<Count> byScope, List<Count> byLifetime,
                          List<Count> byOwnerStatus, List<Count> byState, List<GlobalPat> globalPats,
                          Optional<String> findingsUnavailable, List<TouchedToken> touchedTokens, int findingsRead,
                          int findingsWithoutToken) {

    /**
     * When every global PAT stops working: Microsoft's retirement date, the same fact the PAT-HYGIENE-22 detection
     * uses. The announcement gives a date, not a time; 00:00 UTC is the cautious reading.
     */
    public static final Instant GLOBAL_PAT_CUTOFF = TokenHygiene.GLOBAL_PAT_RETIREMENT.atStartOfDay(ZoneOffset.UTC)
            .toInstant();

    private static final String NO_SCOPE = "(no scope)";

    public TokenReport {
        Objects.requireNonNull(generatedAt, "generatedAt");
        Objects.requireNonNull(source, "source");
        caveats = List.copyOf(caveats);
        organizations = List.copyOf(organizations);
        tokens = List.copyOf(tokens);
        byScope = List.copyOf(byScope);
        byLifetime = List.copyOf(byLifetime);
        byOwnerStatus = List.copyOf(byOwnerStatus);
        byState = List.copyOf(byState);
        globalPats = List.copyOf(globalPats);
        Objects.requireNonNull(findingsUnavailable, "findingsUnavailable");
        touchedTokens = List.copyOf(touchedTokens);
    }

    /** Whether findings could be read at all; when not, "no findings" means "unknown", not "none". */
    public boolean findingsAvailable() {
        return findingsUnavailable.isEmpty();
    }

    /**
     * Builds the report. A token listed twice (a global PAT scanned in two organizations) counts once, as first listed;
     * a finding read twice (re-sent after a restart: ids are stable) counts once.
     */
    public static TokenReport build(Inventory inventory, Instant now) {
        Map<String, OrgUser> usersByKey = new HashMap<>();
        Set<String> organizationsWithUsers = new HashSet<>();
        for (OrgUser user : inventory.users()) {
            usersByKey.put(OrgUser.key(user.organization(), user.user().descriptor()), user);
            organizationsWithUsers.add(user.organization());
        }

        Map<String, PersonalAccessToken> tokensById = new LinkedHashMap<>();
        inventory.tokens().forEach(token -> tokensById.putIfAbsent(token.authorizationId(), token));

        Map<String, Finding> findingsById = new LinkedHashMap<>();
        inventory.findings().forEach(finding -> findingsById.putIfAbsent(finding.id(), finding));
        Map<String, List<Finding>> findingsByToken = new TreeMap<>();
        int withoutToken = 0;
        for (Finding finding : findingsById.values()) {
            String id = finding.subject().authorizationId();
            if (id == null || id.isBlank()) {
                withoutToken++;
            } else {
                findingsByToken.computeIfAbsent(id.toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(finding);
            }
        }
        Map<String, TouchedToken> touched = new LinkedHashMap<>();
        findingsByToken.forEach((id, findings) -> touched.put(id, touched(id, findings, tokensById.get(id))));

        List<TokenRow> rows = tokensById.values().stream()
                .map(token -> row(token, ownerStatus(token, usersByKey, organizationsWithUsers), now,
                        Optional.ofNullable(touched.get(token.authorizationId()))))
                .sorted(Comparator.comparing(TokenRow::organization)
                        .thenComparing(row -> row.owner().principalName(), nullsLastIgnoringCase())
                        .thenComparing(TokenRow::name, nullsLastIgnoringCase())
                        .thenComparing(TokenRow::authorizationId))
                .toList();

        List<GlobalPat> globalPats = rows.stream().filter(TokenRow::globalStillWorking)
                .map(row -> globalPat(row, now))
                .sorted(Comparator.comparing(GlobalPat::stopsWorking)
                        .thenComparing(GlobalPat::ownerPrincipalName, nullsLastIgnoringCase())
                        .thenComparing(GlobalPat::name, nullsLastIgnoringCase())
                        .thenComparing(GlobalPat::authorizationId))
                .toList();

        List<TouchedToken> touchedTokens = touched.values().stream()
                .sorted(Comparator.comparing(TouchedToken::highestSeverity).reversed()
                        .thenComparing(Comparator.comparingInt(TouchedToken::findings).reversed())
                        .thenComparing(Comparator.comparing(TouchedToken::lastFinding).reversed())
                        .thenComparing(TouchedToken::authorizationId))
                .toList();

        List<String> organizations = Stream.of(
                        tokensById.values().stream().map(PersonalAccessToken::organization),
                        inventory.users().stream().map(OrgUser::organization),
                        findingsById.values().stream().map(Finding::organization))
                .flatMap(Function.identity()).distinct().sorted().toList();

        return new TokenReport(now, inventory.source(), inventory.caveats(), organizations, rows, scopeCounts(rows),
                lifetimeCounts(rows), ownerStatusCounts(rows), stateCounts(rows), globalPats,
                inventory.findingsUnavailable(), touchedTokens, findingsById.size(), withoutToken);
    }

    static OwnerStatus ownerStatus(PersonalAccessToken token, Map<String, OrgUser> usersByKey,
                                   Set<String> organizationsWithUsers) {
        OrgUser owner = usersByKey.get(OrgUser.key(token.organization(), token.owner().descriptor()));
        if (owner != null) {
            return Boolean.TRUE.equals(owner.user().isDeletedInOrigin()) ? OwnerStatus.DELETED_IN_ENTRA : OwnerStatus.ACTIVE;
        }
        return organizationsWithUsers.contains(token.organization()) ? OwnerStatus.REMOVED_FROM_ORG : OwnerStatus.UNKNOWN;
    }

    private static TokenRow row(PersonalAccessToken pat, OwnerStatus ownerStatus, Instant now,
                                Optional<TouchedToken> touched) {
        SessionToken token = pat.token();
        Long lifetimeDays = token.validFrom() != null && token.validTo() != null
                ? Duration.between(token.validFrom(), token.validTo()).toDays() : null;
        return new TokenRow(pat.organization(), pat.authorizationId(), token.displayName(), pat.owner(), ownerStatus,
                scopes(token.scope()), token.fullScope(), token.global(), token.validFrom(), token.validTo(),
                lifetimeDays, LifetimeBucket.of(lifetimeDays, token.validTo() != null), TokenState.of(token, now), touched);
    }

    private static List<String> scopes(String scope) {
        return scope == null || scope.isBlank() ? List.of() : Arrays.asList(scope.trim().split("\\s+"));
    }

    private static GlobalPat globalPat(TokenRow row, Instant now) {
        boolean expiresFirst = !row.breaksAtGlobalCutoff();
        Instant stops = expiresFirst ? row.validTo() : GLOBAL_PAT_CUTOFF;
        return new GlobalPat(row.organization(), row.authorizationId(), row.name(), row.owner().principalName(),
                row.owner().displayName(), row.ownerStatus(), row.fullAccess(), row.validTo(), stops,
                daysUntil(now, stops), expiresFirst);
    }

    /** Whole days from now to then, rounded down as the PAT-HYGIENE-22 finding counts them; 0 once past. */
    static long daysUntil(Instant now, Instant then) {
        return Math.max(0, Duration.between(now, then).toDays());
    }

    private static TouchedToken touched(String authorizationId, List<Finding> findings, PersonalAccessToken token) {
        Finding latest = findings.stream().max(Comparator.comparing(Finding::eventTime)).orElseThrow();
        Severity highest = findings.stream().map(Finding::severity).max(Comparator.naturalOrder()).orElseThrow();
        List<String> rules = List.copyOf(new TreeSet<>(findings.stream().map(Finding::ruleId).toList()));
        String owner = token != null && token.owner().principalName() != null ? token.owner().principalName()
                : findings.stream().sorted(Comparator.comparing(Finding::eventTime).reversed())
                        .map(f -> f.subject().userPrincipalName()).filter(Objects::nonNull).findFirst().orElse(null);
        return new TouchedToken(token != null ? token.organization() : latest.organization(), authorizationId,
                token != null ? token.token().displayName() : null, owner, token != null, findings.size(), rules,
                highest, latest.eventTime());
    }

    /** Each scope counted once per token that has it, most common first; {@code app_token} called full access. */
    private static List<Count> scopeCounts(List<TokenRow> rows) {
        Map<String, long[]> counts = new HashMap<>();
        for (TokenRow row : rows) {
            List<String> scopes = row.scopes().isEmpty() ? List.of(NO_SCOPE) : row.scopes().stream().distinct().toList();
            for (String scope : scopes) {
                tally(counts.computeIfAbsent(scope, k -> new long[2]), row);
            }
        }
        return counts.entrySet().stream()
                .map(e -> new Count(e.getKey(), e.getValue()[0], e.getValue()[1],
                        e.getKey().equals(SessionToken.FULL_ACCESS_SCOPE) ? "full access (all scopes)" : ""))
                .sorted(Comparator.comparingLong(Count::tokens).reversed().thenComparing(Count::label))
                .toList();
    }

    /** Every bucket in order, zeros included, so the table always reads the same; "unknown" only when it occurs. */
    private static List<Count> lifetimeCounts(List<TokenRow> rows) {
        return Arrays.stream(LifetimeBucket.values())
                .map(bucket -> count(bucket.label(), rows.stream().filter(r -> r.lifetime() == bucket).toList(), ""))
                .filter(count -> count.tokens() > 0 || !count.label().equals(LifetimeBucket.UNKNOWN.label()))
                .toList();
    }

    private static List<Count> ownerStatusCounts(List<TokenRow> rows) {
        return Arrays.stream(OwnerStatus.values())
                .map(status -> count(status.label(), rows.stream().filter(r -> r.ownerStatus() == status).toList(),
                        switch (status) {
                            case ACTIVE -> "";
                            case DELETED_IN_ENTRA -> "identity deleted in Entra; ADO invalidates its PATs within about an hour";
                            case REMOVED_FROM_ORG -> "not a user of the organization now; the PATs work again if access is restored";
                            case UNKNOWN -> "no users of the organization known";
                        }))
                .toList();
    }

    private static List<Count> stateCounts(List<TokenRow> rows) {
        return Arrays.stream(TokenState.values())
                .map(state -> count(state.label(), rows.stream().filter(r -> r.state() == state).toList(), ""))
                .toList();
    }

    private static Count count(String label, List<TokenRow> rows, String note) {
        long[] tally = new long[2];
        rows.forEach(row -> tally(tally, row));
        return new Count(label, tally[0], tally[1], note);
    }

    private static void tally(long[] tally, TokenRow row) {
        tally[0]++;
        if (row.state() == TokenState.ACTIVE) {
            tally[1]++;
        }
    }

    private static Comparator<String> nullsLastIgnoringCase() {
        return Comparator.nullsLast(String.CASE_INSENSITIVE_ORDER);
    }
}
