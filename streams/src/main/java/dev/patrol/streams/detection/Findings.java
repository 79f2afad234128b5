package dev.patrol.streams.detection;

import dev.patrol.model.event.AuditEvent;
import dev.patrol.model.event.Finding;
import dev.patrol.model.event.FindingSubject;
import dev.patrol.model.event.Severity;
import dev.patrol.streams.rules.RuleSettings;
import java.time.Instant;
import java.util.List;

/** Builds findings from a rule's metadata, so title and ATT&CK ids come from the rule file, not from code. */
public final class Findings {

    private Findings() {
    }

    /**
     * A finding about one audit event.
     *
     * @param subjectKey what the finding is about (token id, user, IP), part of the stable id
     * @param windowKey  what makes this finding distinct from the subject's others (the entry id, or a window start)
     */
    public static Finding of(RuleSettings rule, Severity severity, AuditEvent event, FindingSubject subject,
                             String subjectKey, String windowKey, String summary, Evidence evidence,
                             Instant detectedAt) {
        return new Finding(Finding.stableId(rule.id(), subjectKey, windowKey), rule.id(), rule.title(), severity,
                rule.mitreAttack(), event.organization(), subject, summary, evidence.toMap(), event.timestamp(),
                detectedAt, List.of(event.id()));
    }

    /**
     * A finding that rests on no audit entry: inventory hygiene or pipeline health.
     *
     * @param eventTime when the fact it reports became true (the scan that saw it, the last checkpoint)
     */
    public static Finding about(RuleSettings rule, Severity severity, String organization, FindingSubject subject,
                                String subjectKey, String windowKey, String summary, Evidence evidence,
                                Instant eventTime, Instant detectedAt) {
        return new Finding(Finding.stableId(rule.id(), subjectKey, windowKey), rule.id(), rule.title(), severity,
                rule.mitreAttack(), organization, subject, summary, evidence.toMap(), eventTime, detectedAt, List.of());
    }

    /** The subject of a finding about one audit event's actor and address (no token involved). */
    public static FindingSubject actor(dev.patrol.model.event.EnrichedAuditEvent enriched) {
        var event = enriched.event();
        return new FindingSubject(event.mechanism().authorizationId().orElse(null), event.actor().userPrincipalName(),
                event.actor().userId(), enriched.network().ip());
    }

    /** One severity step down, floored at INFO. */
    public static Severity lower(Severity severity) {
        return severity == Severity.INFO ? severity : Severity.values()[severity.ordinal() - 1];
    }

    /** The subject of a token-use finding. */
    public static FindingSubject subject(TokenUse use) {
        var event = use.event();
        return new FindingSubject(use.authorizationId(), event.actor().userPrincipalName(), event.actor().userId(),
                use.use().network().ip());
    }

    /** How a person recognises the token in a one-line summary. */
    public static String describeToken(TokenUse use) {
        if (use.token() == null) {
            return use.authorizationId() == null ? "an unidentified PAT" : "a PAT missing from the inventory";
        }
        var token = use.token().token();
        return "PAT '" + (token.displayName() == null ? "-" : token.displayName()) + "'"
                + (token.fullScope() ? " (full access)" : "");
    }

    /** The acting user, or the token's owner, or "an unknown user". */
    public static String who(TokenUse use) {
        String upn = use.event().actor().userPrincipalName();
        if (upn != null) {
            return upn;
        }
        if (use.token() != null && use.token().owner().principalName() != null) {
            return use.token().owner().principalName();
        }
        return "an unknown user";
    }

    /** {@code from 203.0.113.7 (NL, AS1136 KPN)} or just the address when nothing more is known. */
    public static String where(TokenUse use) {
        var network = use.use().network();
        StringBuilder text = new StringBuilder(network.ip() == null ? "no address" : network.ip());
        StringBuilder detail = new StringBuilder();
        if (network.countryIso() != null) {
            detail.append(network.countryIso());
        }
        if (network.asn() != null) {
            detail.append(detail.isEmpty() ? "" : ", ").append("AS").append(network.asn());
            if (network.asOrganization() != null) {
                detail.append(' ').append(network.asOrganization());
            }
        }
        if (!detail.isEmpty()) {
            text.append(" (").append(detail).append(')');
        }
        return text.toString();
    }

    /** One severity step up, capped at CRITICAL. */
    public static Severity raise(Severity severity) {
        return severity == Severity.CRITICAL ? severity : Severity.values()[severity.ordinal() + 1];
    }
}
