package dev.patrol.streams.detection;

import dev.patrol.model.event.AuditEvent;
import dev.patrol.model.event.Finding;
import dev.patrol.model.event.FindingSubject;
import dev.patrol.model.event.PersonalAccessToken;
import dev.patrol.model.event.Severity;
import dev.patrol.model.json.JsonSerde;
import dev.patrol.streams.errors.ToDeadLetter;
import dev.patrol.streams.network.NetworkModel;
import dev.patrol.streams.network.NetworkModel.Location;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Joined;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Repartitioned;

/**
 * PAT-OFFNET-01: an audited action performed with a personal access token from an address outside every
 * corporate network. This is the gap PATrol exists for: Conditional Access does not cover PATs unless the org
 * enables IP validation for non-interactive flows, and ADO never says which token acted from where.
 *
 * <p>The event is joined to the inventory by the {@code authorizationId} in {@code authenticationMechanism}. A token
 * missing from the inventory (deleted, its owner removed, or not scanned yet) still yields a finding that says so,
 * at high severity: an unknown credential acting from outside is worse, not better. Events without an address are
 * not judged; events whose address is not an IP literal go to the dead-letter topic.
 */
public final class OffNetworkPatUse implements Detection {

    public static final String RULE_ID = "PAT-OFFNET-01";
    static final String PREFIX = "offnet";
    static final List<String> MITRE = List.of("T1078.004", "T1550.001");
    /** Key of events whose mechanism names no token: they cannot join, and are grouped by actor instead. */
    static final String UNATTRIBUTED_PREFIX = "unattributed:";

    private final NetworkModel network;

    public OffNetworkPatUse(NetworkModel network) {
        this.network = network;
    }

    @Override
    public String id() {
        return RULE_ID;
    }

    @Override
    public KStream<String, Finding> build(DetectionInputs inputs) {
        var patEvents = inputs.audit().filter((id, event) -> event.mechanism().isPat(), Named.as(PREFIX + "-pat-only"));
        var byLocation = patEvents.split(Named.as(PREFIX + "-locate-"))
                .branch((id, event) -> network.locate(event.ipAddress()) == Location.OUTSIDE, Branched.as("outside"))
                .branch((id, event) -> network.locate(event.ipAddress()) == Location.INVALID, Branched.as("invalid"))
                .noDefaultBranch();

        inputs.deadLetters().accept(byLocation.get(PREFIX + "-locate-invalid")
                .processValues(new ToDeadLetter<AuditEvent>(PREFIX + "-locate", "ipAddress is not an IP literal"),
                        Named.as(PREFIX + "-invalid-address")));

        Clock clock = inputs.clock();
        return byLocation.get(PREFIX + "-locate-outside")
                .selectKey((id, event) -> joinKey(event), Named.as(PREFIX + "-key-by-token"))
                .repartition(Repartitioned.<String, AuditEvent>as(PREFIX + "-by-token")
                        .withKeySerde(Serdes.String()).withValueSerde(JsonSerde.of(AuditEvent.class)))
                .leftJoin(inputs.tokens(), (event, token) -> finding(event, token, clock.instant()),
                        Joined.with(Serdes.String(), JsonSerde.of(AuditEvent.class), null, PREFIX + "-join-token"))
                .selectKey((key, finding) -> finding.id(), Named.as(PREFIX + "-key-by-finding"));
    }

    static String joinKey(AuditEvent event) {
        return event.mechanism().authorizationId()
                .orElse(UNATTRIBUTED_PREFIX + (event.actor().userId() == null ? "" : event.actor().userId()));
    }

    static Finding finding(AuditEvent event, PersonalAccessToken token, Instant detectedAt) {
        boolean known = token != null;
        boolean fullScope = known ? token.token().fullScope() : event.mechanism().fullScope();
        boolean global = known ? token.token().global() : event.mechanism().global();
        Severity severity = !known || fullScope || global ? Severity.HIGH : Severity.MEDIUM;
        String ip = event.ipAddress().orElseThrow();
        String authorizationId = event.mechanism().authorizationId().orElse(null);

        Map<String, String> evidence = new LinkedHashMap<>();
        evidence.put("ip", ip);
        evidence.put("action", event.actionId());
        putIfPresent(evidence, "project", event.projectName());
        putIfPresent(evidence, "userAgent", event.userAgent());
        evidence.put("mechanism", event.mechanism().name());
        putIfPresent(evidence, "authorizationId", authorizationId);
        if (known) {
            evidence.put("token", "in inventory");
            putIfPresent(evidence, "tokenName", token.token().displayName());
            putIfPresent(evidence, "scope", token.token().scope());
            evidence.put("global", Boolean.toString(global));
            putIfPresent(evidence, "owner", token.owner().principalName());
            if (token.token().validTo() != null) {
                evidence.put("validTo", token.token().validTo().toString());
            }
            evidence.put("tokenValid", Boolean.toString(token.token().isValid()));
        } else {
            evidence.put("token", authorizationId == null
                    ? "not identified: the audit entry names no authorizationId"
                    : "not in inventory: deleted, owner removed, or not scanned yet");
        }

        String who = event.actor().userPrincipalName() != null ? event.actor().userPrincipalName()
                : known && token.owner().principalName() != null ? token.owner().principalName() : "an unknown user";
        String tokenText = known
                ? "PAT '" + nullToDash(token.token().displayName()) + "'" + (fullScope ? " (full access)" : "")
                : authorizationId == null ? "an unidentified PAT" : "a PAT missing from the inventory";
        String summary = tokenText + " of " + who + " did " + event.actionId() + " from " + ip
                + ", outside the corporate network";

        return new Finding(
                Finding.stableId(RULE_ID, authorizationId == null ? joinKey(event) : authorizationId, event.id()),
                RULE_ID,
                "PAT used from outside the corporate network",
                severity,
                MITRE,
                event.organization(),
                new FindingSubject(authorizationId, event.actor().userPrincipalName(), event.actor().userId(), ip),
                summary,
                evidence,
                event.timestamp(),
                detectedAt,
                List.of(event.id()));
    }

    private static void putIfPresent(Map<String, String> evidence, String key, String value) {
        if (value != null && !value.isBlank()) {
            evidence.put(key, value);
        }
    }

    private static String nullToDash(String value) {
        return value == null ? "-" : value;
    }
}
