package dev.patrol.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The generated organization the server answers from, and the ground truth tests check PATrol against.
 *
 * <p>Thread-safe: the HTTP workers read it while tests append entries and PATrol revokes tokens. Token validity,
 * the revocation record and the audit log change as PATrol and tests act; users and the token listing change only
 * when a test scripts it ({@link #addToken}, {@link #deleteToken}, {@link #setValidTo}, {@link #removeUser}), so an
 * inventory scanner can be shown an organization that moves between two scans. Every {@link ObjectNode} handed in
 * or out is a copy, so nobody can change an entry behind the server's back.
 */
public final class SimulatedOrg {

    private final String organization;
    private final String organizationId;
    private final String tenantId;
    private final List<String> corporateCidrs;
    /*
     * Members and the token listing are immutable snapshots swapped whole under this object's lock, so a reader (an
     * HTTP worker paging through them) always sees one consistent state without locking.
     */
    private volatile List<Member> members;
    private volatile Map<String, Member> membersByDescriptor;
    /** What tokenadmin lists, as generated or added; API revocations are applied on read. */
    private volatile Listing listedTokens;
    /** As generated, for {@link #isRevoked}: the generator's already-revoked tokens stay revoked even once deleted. */
    private final List<SimToken> generatedTokens;
    private final List<OffNetworkUse> offNetworkPatUses;

    private final NavigableMap<AuditEntryKey, ObjectNode> entries = new ConcurrentSkipListMap<>();
    private final Map<String, AuditEntryKey> entryKeysById = new ConcurrentHashMap<>();
    /** Entries that become visible later than their timestamp says (see {@link #appendAuditEntry(ObjectNode, Instant)}). */
    private final Map<String, Instant> visibleFromById = new ConcurrentHashMap<>();
    private final Set<String> revokedThroughApi = ConcurrentHashMap.newKeySet();
    private final List<String> revocations = new ArrayList<>(); // guarded by this

    SimulatedOrg(String organization, String organizationId, String tenantId, List<String> corporateCidrs,
                 List<Member> members, List<SimToken> tokens, List<ObjectNode> auditEntries,
                 List<OffNetworkUse> offNetworkPatUses) {
        this.organization = Objects.requireNonNull(organization, "organization");
        this.organizationId = Objects.requireNonNull(organizationId, "organizationId");
        this.tenantId = Objects.requireNonNull(tenantId, "tenantId");
        this.corporateCidrs = List.copyOf(corporateCidrs);
        setMembers(List.copyOf(members));
        this.generatedTokens = List.copyOf(tokens);
        this.listedTokens = Listing.of(this.generatedTokens);
        this.offNetworkPatUses = List.copyOf(offNetworkPatUses);
        auditEntries.forEach(this::appendAuditEntry);
    }

    public String organization() {
        return organization;
    }

    /** The organization's id: the audit {@code scopeId} and the single entry of an org-scoped PAT's {@code targetAccounts}. */
    public String organizationId() {
        return organizationId;
    }

    /** The networks the generator treats as corporate; every non-ground-truth address comes from one of them. */
    public List<String> corporateCidrs() {
        return corporateCidrs;
    }

    public List<SimUser> users() {
        return members.stream().map(Member::user).toList();
    }

    /** The current inventory, revoked tokens included (with {@code isValid == false}). */
    public List<SimToken> tokens() {
        return listedTokens.all().stream().map(this::current).toList();
    }

    /**
     * Lists a new token under its owner, as if the owner had just created it (no audit entry is written).
     *
     * @throws IllegalArgumentException when the owner is not a member or the id is already listed
     */
    public synchronized void addToken(SimToken token) {
        Objects.requireNonNull(token, "token");
        if (!membersByDescriptor.containsKey(token.ownerDescriptor())) {
            throw new IllegalArgumentException("token owner " + token.ownerDescriptor() + " is not a member");
        }
        SimToken normalized = new SimToken(token.authorizationId().toLowerCase(Locale.ROOT), token.ownerDescriptor(),
                token.displayName(), token.scope(), token.targetAccounts(), token.validFrom(), token.validTo(),
                token.isValid());
        if (listed(normalized.authorizationId()).isPresent()) {
            throw new IllegalArgumentException("token " + normalized.authorizationId() + " is already listed");
        }
        List<SimToken> next = new ArrayList<>(listedTokens.all());
        next.add(normalized);
        listedTokens = Listing.of(next);
    }

    /**
     * Stops listing a token, as when its owner deletes it; a revocation of it is still accepted and recorded.
     *
     * @return whether the token was listed
     */
    public synchronized boolean deleteToken(String authorizationId) {
        String id = authorizationId.toLowerCase(Locale.ROOT);
        List<SimToken> next = listedTokens.all().stream().filter(token -> !token.authorizationId().equals(id)).toList();
        boolean removed = next.size() < listedTokens.all().size();
        listedTokens = Listing.of(next);
        return removed;
    }

    /**
     * Moves a listed token's expiry. A time in the past expires it: tokenadmin keeps listing an expired token, with
     * {@code isValid} unchanged, as ADO does.
     *
     * @throws IllegalArgumentException when the token is not listed
     */
    public synchronized void setValidTo(String authorizationId, Instant validTo) {
        Objects.requireNonNull(validTo, "validTo");
        String id = authorizationId.toLowerCase(Locale.ROOT);
        SimToken token = listed(id).orElseThrow(() -> new IllegalArgumentException("token " + id + " is not listed"));
        SimToken moved = new SimToken(token.authorizationId(), token.ownerDescriptor(), token.displayName(),
                token.scope(), token.targetAccounts(), token.validFrom(), validTo, token.isValid());
        listedTokens = Listing.of(listedTokens.all().stream().map(t -> t.authorizationId().equals(id) ? moved : t).toList());
    }

    /**
     * Removes a user from the organization: Graph stops listing them, tokenadmin answers 404 for their descriptor,
     * and their tokens leave {@link #tokens()} (the organization no longer lists them). Their audit entries stay.
     *
     * @return whether the user was a member
     */
    public synchronized boolean removeUser(String descriptor) {
        if (!membersByDescriptor.containsKey(descriptor)) {
            return false;
        }
        setMembers(members.stream().filter(member -> !member.descriptor().equals(descriptor)).toList());
        listedTokens = Listing.of(listedTokens.all().stream().filter(token -> !token.ownerDescriptor().equals(descriptor)).toList());
        return true;
    }

    /** Every audit entry, visible yet or not, as copies, newest first. */
    public List<ObjectNode> auditEntries() {
        return entries.values().stream().map(ObjectNode::deepCopy).toList();
    }

    /** Ground truth: the entries the generator made as PAT uses from outside {@link #corporateCidrs()}. */
    public List<OffNetworkUse> offNetworkPatUses() {
        return offNetworkPatUses;
    }

    /**
     * Whether the id has been revoked, through the API or because the generator made the token already revoked.
     * Ids the inventory does not know count once revoked through the API (revocation of them is accepted too).
     */
    public boolean isRevoked(String authorizationId) {
        String id = authorizationId.toLowerCase(Locale.ROOT);
        return revokedThroughApi.contains(id)
                || generatedTokens.stream().anyMatch(token -> token.authorizationId().equals(id) && !token.isValid());
    }

    /** The authorization ids revoked through the API, lower-case, in call order, duplicates kept. */
    public synchronized List<String> revocations() {
        return List.copyOf(revocations);
    }

    /**
     * Adds an entry to the log (a copy of it). It is served once its {@code timestamp} is not after the clock's now,
     * so a future timestamp scripts a late arrival.
     *
     * @throws IllegalArgumentException when {@code id} or {@code timestamp} is missing, the timestamp has no offset,
     *                                  or the id is already in the log
     */
    public void appendAuditEntry(ObjectNode entry) {
        append(entry, null);
    }

    /**
     * Adds an entry that ADO only shows from {@code visibleFrom} (on the simulator's clock) although its
     * {@code timestamp} is earlier: the undocumented ingestion delay that makes pollers re-read an overlap. Before
     * then the query API skips it, as if it were not there; from then on it sits in the log by its timestamp, so a
     * window that already moved past that timestamp only finds it if it overlaps it again.
     *
     * @throws IllegalArgumentException as {@link #appendAuditEntry(ObjectNode)}
     */
    public void appendAuditEntry(ObjectNode entry, Instant visibleFrom) {
        append(entry, Objects.requireNonNull(visibleFrom, "visibleFrom"));
    }

    private void append(ObjectNode entry, Instant visibleFrom) {
        Objects.requireNonNull(entry, "entry");
        String id = textOf(entry, "id");
        Instant timestamp;
        try {
            timestamp = AdoTime.parseOffsetDateTime(textOf(entry, "timestamp"));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("audit entry " + id + ": timestamp is not an ISO-8601 date-time with offset", e);
        }
        AuditEntryKey key = new AuditEntryKey(timestamp, id);
        // Claim the id first so two concurrent appends of one id cannot both land.
        if (entryKeysById.putIfAbsent(id, key) != null) {
            throw new IllegalArgumentException("audit entry " + id + " is already in the log");
        }
        if (visibleFrom != null) {
            visibleFromById.put(id, visibleFrom); // before the entry itself, so no reader sees it early
        }
        entries.put(key, entry.deepCopy());
    }

    // ---- for the HTTP endpoints ----

    String tenantId() {
        return tenantId;
    }

    List<Member> members() {
        return members;
    }

    Optional<Member> member(String descriptor) {
        return Optional.ofNullable(membersByDescriptor.get(descriptor));
    }

    List<SimToken> tokensOwnedBy(String descriptor) {
        return listedTokens.byOwner().getOrDefault(descriptor, List.of()).stream().map(this::current).toList();
    }

    /** The log newest first; read-only. Entries are never mutated after they are stored. */
    NavigableMap<AuditEntryKey, ObjectNode> entriesNewestFirst() {
        return Collections.unmodifiableNavigableMap(entries);
    }

    /** Whether the query API shows the entry at {@code now}: its timestamp has passed, and its delay if it has one. */
    boolean visible(AuditEntryKey key, Instant now) {
        if (key.timestamp().isAfter(now)) {
            return false;
        }
        Instant from = visibleFromById.get(key.id());
        return from == null || !from.isAfter(now);
    }

    Optional<AuditEntryKey> entryKey(String id) {
        return Optional.ofNullable(entryKeysById.get(id));
    }

    boolean inInventory(String authorizationId) {
        return listed(authorizationId).isPresent();
    }

    /** Applies one revocation call: all ids at once, recorded in call order. */
    synchronized void revoke(List<String> authorizationIds) {
        List<String> normalized = authorizationIds.stream().map(id -> id.toLowerCase(Locale.ROOT)).toList();
        revocations.addAll(normalized);
        revokedThroughApi.addAll(normalized);
    }

    private Optional<SimToken> listed(String authorizationId) {
        return Optional.ofNullable(listedTokens.byId().get(authorizationId));
    }

    private void setMembers(List<Member> next) {
        Map<String, Member> byDescriptor = new LinkedHashMap<>();
        next.forEach(member -> byDescriptor.put(member.descriptor(), member));
        membersByDescriptor = Collections.unmodifiableMap(byDescriptor);
        members = next;
    }

    private SimToken current(SimToken token) {
        return revokedThroughApi.contains(token.authorizationId()) ? token.withValid(false) : token;
    }

    private static String textOf(ObjectNode entry, String field) {
        JsonNode value = entry.get(field);
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            throw new IllegalArgumentException("audit entry needs a non-blank text '" + field + "'");
        }
        return value.asText();
    }

    /**
     * One immutable state of the token listing with its indexes, swapped whole: tokenadmin answers one user at a time,
     * and at benchmark scale a scan over every token per call would make an inventory scan quadratic.
     */
    private record Listing(List<SimToken> all, Map<String, SimToken> byId, Map<String, List<SimToken>> byOwner) {

        static Listing of(List<SimToken> tokens) {
            Map<String, SimToken> byId = new LinkedHashMap<>();
            Map<String, List<SimToken>> byOwner = new LinkedHashMap<>();
            for (SimToken token : tokens) {
                byId.put(token.authorizationId(), token);
                byOwner.computeIfAbsent(token.ownerDescriptor(), owner -> new ArrayList<>()).add(token);
            }
            byOwner.replaceAll((owner, owned) -> List.copyOf(owned));
            return new Listing(List.copyOf(tokens), Collections.unmodifiableMap(byId), Collections.unmodifiableMap(byOwner));
        }
    }
}
