package dev.patrol.bench;

import dev.patrol.model.ado.AdoAuditEntry;
import dev.patrol.model.event.AuditSource;
import dev.patrol.model.event.ReceivedAuditEntry;
import dev.patrol.model.json.Json;
import dev.patrol.simulator.SimulatedOrg;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.UUID;

/**
 * A realistic audit stream of any length, built from a simulated organization's log: its entries (actions, actors,
 * mechanisms naming the organization's real tokens, user agents, data) are replayed in turn with a fresh id and the
 * requested timestamp, and a share of the PAT uses is moved off the corporate network to a public address drawn by
 * a {@link Zipf} over a pool, so some addresses recur often and most rarely. The simulator itself caps its log at
 * 200,000 entries and plants only a handful of off-network uses; this is the knob a benchmark needs. Not thread-safe.
 */
public final class AuditMix {

    /** Zipf exponent of the address mix: about what web and VPN egress logs show (1.0-1.2). */
    static final double ZIPF_EXPONENT = 1.1;

    private final String organization;
    private final List<AdoAuditEntry> templates;
    private final double offNetworkShare;
    private final String[] pool;
    private final Zipf zipf;
    private final Random random;
    private int next;
    private long offNetwork;

    /**
     * @param offNetworkShare the share (0..1) of PAT uses sent from a public address
     * @param addresses       the size of the public address pool the Zipf draws from
     */
    public AuditMix(SimulatedOrg org, double offNetworkShare, int addresses, long seed) {
        if (offNetworkShare < 0 || offNetworkShare > 1) {
            throw new IllegalArgumentException("off-network share " + offNetworkShare + " is outside 0..1");
        }
        this.organization = org.organization();
        this.random = new Random(seed);
        this.templates = org.auditEntries().stream().map(AuditMix::parse).toList();
        if (templates.isEmpty()) {
            throw new IllegalArgumentException("the simulated organization has no audit entries to replay");
        }
        this.offNetworkShare = offNetworkShare;
        this.pool = Zipf.publicAddresses(addresses, random);
        this.zipf = new Zipf(addresses, ZIPF_EXPONENT, random);
    }

    private static AdoAuditEntry parse(com.fasterxml.jackson.databind.JsonNode node) {
        try {
            return Json.mapper().treeToValue(node, AdoAuditEntry.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("simulator entry does not parse: " + e.getOriginalMessage(), e);
        }
    }

    /** The next entry of the mix, stamped {@code timestamp}, as ingest would have written it. */
    public ReceivedAuditEntry next(Instant timestamp) {
        AdoAuditEntry t = templates.get(next);
        next = (next + 1) % templates.size();
        String ip = t.ipAddress();
        String mechanism = t.authenticationMechanism();
        if (mechanism != null && mechanism.startsWith("PAT") && random.nextDouble() < offNetworkShare) {
            ip = pool[zipf.next()];
            offNetwork++;
        }
        String rawId = new UUID(random.nextLong(), random.nextLong()).toString();
        var entry = new AdoAuditEntry(reverseTicks(timestamp) + ";00000064-0000-8888-8000-000000000000;" + rawId,
                rawId, t.activityId(), t.actorCUID(), t.actorUserId(), t.actorClientId(), t.actorUPN(),
                t.actorDisplayName(), t.actorImageUrl(), mechanism, timestamp, t.scopeType(), t.scopeDisplayName(),
                t.scopeId(), t.projectId(), t.projectName(), ip, t.userAgent(), t.actionId(), t.data(), t.details(),
                t.area(), t.category(), t.categoryDisplayName(), t.unknownFields());
        return new ReceivedAuditEntry(organization, AuditSource.POLL, timestamp, entry);
    }

    /** How many PAT uses so far were sent from off the network. */
    public long offNetworkUses() {
        return offNetwork;
    }

    public int templates() {
        return templates.size();
    }

    /** ADO's id prefix: .NET ticks counted down from the maximum, so newer entries sort first. */
    private static String reverseTicks(Instant timestamp) {
        long ticks = (timestamp.getEpochSecond() + 62_135_596_800L) * 10_000_000L + timestamp.getNano() / 100;
        return Long.toString(3_155_378_975_999_999_999L - ticks);
    }
}
