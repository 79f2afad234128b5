package dev.patrol.streams.detection;

import dev.patrol.model.event.AuditEvent;
import dev.patrol.model.event.EnrichedAuditEvent;
import dev.patrol.model.event.Finding;
import dev.patrol.model.event.Severity;
import dev.patrol.streams.rules.RuleException;
import dev.patrol.streams.rules.RuleSettings;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;

/**
 * ADO-TAMPER-18: someone blinds the organization's monitoring or weakens its perimeter. Two kinds of change:
 * <ul>
 *   <li>an audit stream deleted, disabled or modified by a person ({@code AuditLog.StreamDeleted},
 *       {@code AuditLog.StreamDisabledByUser}, {@code AuditLog.StreamModified}; ado-api.md §3), and one disabled by
 *       ADO itself ({@code AuditLog.StreamDisabledBySystem}, one step lower: a blind spot until someone re-enables
 *       it, not necessarily an attack);</li>
 *   <li>an organization policy set to its weak value ({@code OrganizationPolicy.PolicyValueUpdated}, whose documented
 *       template placeholders {@code {PolicyName}} and {@code {PolicyValue}} are its {@code data} keys). Which policies
 *       and which value is weak is the rule's {@code weakening} table ({@code <PolicyName>=on|off}); by default audit
 *       logging off, IP Conditional Access validation on non-interactive flows off, Entra guest access allowed and
 *       public projects allowed (detections.md (c) 18). Policies in {@code raisedFor} (turning audit logging off) are
 *       one step higher.</li>
 * </ul>
 * Values are read leniently (OFF/false/0/disabled, ON/true/1/enabled, any case). An update of a listed policy whose
 * value is missing or unreadable is reported one step below what its weakening would be, saying so, rather than
 * guessed either way; an update
 * without a {@code PolicyName} cannot be matched to the table and is not reported. Every finding is raised one step
 * more when done with a PAT or from outside the corporate network.
 */
public final class AuditTamper implements Detection {

    public static final String RULE_ID = "ADO-TAMPER-18";
    static final String POLICY_UPDATED = "OrganizationPolicy.PolicyValueUpdated";
    static final String SYSTEM_DISABLED = "AuditLog.StreamDisabledBySystem";
    /** Stream actions a person does, with what each means in words. */
    static final Map<String, String> STREAM_ACTIONS = Map.of(
            "AuditLog.StreamDeleted", "deleted an audit stream: audit events no longer reach the SIEM it fed",
            "AuditLog.StreamDisabledByUser", "disabled an audit stream: audit events no longer reach the SIEM it fed",
            "AuditLog.StreamModified", "modified an audit stream: its target or credentials may now point elsewhere");
    static final List<String> DEFAULT_WEAKENING = List.of("Policy.LogAuditEvents=off",
            "Policy.EnforceAADConditionalAccess=off", "Policy.DisallowAadGuestUserAccess=off",
            "Policy.AllowAnonymousAccess=on");
    static final List<String> DEFAULT_RAISED = List.of("Policy.LogAuditEvents");
    /** What the weak value of each known policy means, by canonical name (see {@link #canonical}). */
    static final Map<String, String> MEANINGS = Map.of(
            "logauditevents", "audit logging turned off: the organization stops recording audit events, so this "
                    + "and every other monitor of the audit log go blind",
            "enforceaadconditionalaccess", "IP Conditional Access policy validation on non-interactive flows turned "
                    + "off: PATs and other non-interactive calls are no longer held to Entra Conditional Access IP rules",
            "disallowaadguestuseraccess", "guest access allowed: Entra guest (external) users can be added to the "
                    + "organization",
            "allowanonymousaccess", "public projects allowed: a project can be made readable by anyone on the "
                    + "internet without signing in");
    private static final Set<String> OFF = Set.of("off", "false", "0", "disabled", "disable", "no");
    private static final Set<String> ON = Set.of("on", "true", "1", "enabled", "enable", "yes");

    /** One weakening change, before the PAT/off-network raise. */
    record Change(Severity severity, String summary, Map<String, String> facts) {
    }

    @Override
    public String id() {
        return RULE_ID;
    }

    @Override
    public String prefix() {
        return "tamper";
    }

    @Override
    public KStream<String, Finding> build(DetectionInputs inputs, RuleSettings rule) {
        Map<String, Boolean> weakening = weakening(rule);
        Set<String> raised = Set.copyOf(rule.list("raisedFor", DEFAULT_RAISED).stream().map(AuditTamper::canonical).toList());
        Clock clock = inputs.clock();
        KStream<String, EnrichedAuditEvent> changes = inputs.audit()
                .filter((id, enriched) -> assess(enriched.event(), rule, weakening, raised).isPresent()
                        && !ActorRisk.allowlisted(rule, enriched), Named.as(prefix() + "-weakening-only"));
        return ActorRisk.byActor(changes, prefix())
                .mapValues(enriched -> finding(rule, enriched, assess(enriched.event(), rule, weakening, raised)
                        .orElseThrow(), clock), Named.as(prefix() + "-finding"));
    }

    /** The weakening table: canonical policy name to whether its weak value is ON (true) or OFF (false). */
    static Map<String, Boolean> weakening(RuleSettings rule) {
        Map<String, Boolean> table = new LinkedHashMap<>();
        for (String item : rule.list("weakening", DEFAULT_WEAKENING)) {
            int eq = item.indexOf('=');
            String value = eq < 0 ? "" : item.substring(eq + 1).strip().toLowerCase(Locale.ROOT);
            if (eq <= 0 || !(value.equals("on") || value.equals("off"))) {
                throw new RuleException("rule " + rule.id() + " (" + rule.source() + "): parameter weakening: '" + item
                        + "' is not <PolicyName>=on or <PolicyName>=off (the value that weakens the organization)");
            }
            table.put(canonical(item.substring(0, eq)), value.equals("on"));
        }
        return table;
    }

    /** A policy name compared case-insensitively and with or without ADO's {@code Policy.} prefix. */
    static String canonical(String policyName) {
        String name = policyName.strip().toLowerCase(Locale.ROOT);
        return name.startsWith("policy.") ? name.substring("policy.".length()) : name;
    }

    /** True for ON, false for OFF, empty when the value is neither. */
    static Optional<Boolean> onOff(String value) {
        String v = value.strip().toLowerCase(Locale.ROOT);
        return ON.contains(v) ? Optional.of(true) : OFF.contains(v) ? Optional.of(false) : Optional.empty();
    }

    static Optional<Change> assess(AuditEvent event, RuleSettings rule, Map<String, Boolean> weakening, Set<String> raised) {
        String action = event.actionId();
        for (var stream : STREAM_ACTIONS.entrySet()) {
            if (stream.getKey().equalsIgnoreCase(action)) {
                return Optional.of(new Change(rule.severity(), stream.getValue(), streamFacts(event)));
            }
        }
        if (SYSTEM_DISABLED.equalsIgnoreCase(action)) {
            return Optional.of(new Change(Findings.lower(rule.severity()), "ADO disabled an audit stream by itself "
                    + "(its target kept failing): audit events do not reach that SIEM until someone re-enables it",
                    streamFacts(event)));
        }
        if (!POLICY_UPDATED.equalsIgnoreCase(action)) {
            return Optional.empty();
        }
        AuditData data = AuditData.of(event);
        Optional<String> name = data.text("PolicyName");
        if (name.isEmpty() || !weakening.containsKey(canonical(name.get()))) {
            return Optional.empty();
        }
        String policy = name.get();
        boolean weakWhenOn = weakening.get(canonical(policy));
        String weakValue = weakWhenOn ? "ON" : "OFF";
        String meaning = MEANINGS.getOrDefault(canonical(policy),
                policy + " set to " + weakValue + ", a weakening listed in the rule's weakening parameter");
        Optional<String> value = data.text("PolicyValue");
        Optional<Boolean> on = value.flatMap(AuditTamper::onOff);
        Severity weak = raised.contains(canonical(policy)) ? Findings.raise(rule.severity()) : rule.severity();
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put("policy", policy);
        if (on.isEmpty()) {
            facts.put("policyValue", value.map(v -> "'" + v + "': read as neither on nor off")
                    .orElse("not in the entry (no PolicyValue)"));
            facts.put("meaning", "if set to " + weakValue + ": " + meaning);
            return Optional.of(new Change(Findings.lower(weak), "changed organization policy " + policy
                    + " to a value PATrol cannot read; if it is " + weakValue + ", " + meaning, facts));
        }
        if (on.get() != weakWhenOn) {
            return Optional.empty();
        }
        facts.put("policyValue", value.orElseThrow());
        facts.put("meaning", meaning);
        return Optional.of(new Change(weak, "set organization policy " + policy + " to " + value.orElseThrow()
                + ": " + meaning, facts));
    }

    private static Map<String, String> streamFacts(AuditEvent event) {
        Map<String, String> facts = new LinkedHashMap<>();
        // The data keys of AuditLog.Stream* entries are not documented; ADO's own sentence names the stream.
        if (event.details() != null && !event.details().isBlank()) {
            facts.put("details", event.details());
        }
        return facts;
    }

    private static Finding finding(RuleSettings rule, EnrichedAuditEvent enriched, Change change, Clock clock) {
        List<String> reasons = ActorRisk.raiseReasons(enriched);
        Evidence evidence = ActorRisk.evidence(enriched, reasons);
        change.facts().forEach(evidence::put);
        String summary = ActorRisk.who(enriched) + " " + change.summary() + " (from " + ActorRisk.where(enriched)
                + ActorRisk.suffix(reasons) + ")";
        if (SYSTEM_DISABLED.equalsIgnoreCase(enriched.event().actionId())) {
            summary = change.summary() + " (" + enriched.event().actionId() + ")";
        }
        AuditEvent event = enriched.event();
        return Findings.of(rule, ActorRisk.severity(change.severity(), reasons), event, Findings.actor(enriched),
                ActorRisk.subjectKey(enriched), event.id(), summary, evidence, clock.instant());
    }
}
