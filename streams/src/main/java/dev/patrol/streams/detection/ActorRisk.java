package dev.patrol.streams.detection;

import dev.patrol.model.event.EnrichedAuditEvent;
import dev.patrol.model.event.Severity;
import dev.patrol.model.json.JsonSerde;
import dev.patrol.streams.rules.RuleSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Repartitioned;

/**
 * What the posture and tamper detections ({@code ADO-TAMPER-18}, {@code ADO-ADMINADD-17}, {@code ADO-PRBYPASS-19},
 * {@code ADO-SVCCONN-23}) say alike about who made a change and how: each change is raised one step when it was done
 * with a PAT or from outside the corporate network, and the evidence says which.
 */
final class ActorRisk {

    private ActorRisk() {
    }

    /** Why a change is one step more severe than its base; empty when neither reason holds. */
    static List<String> raiseReasons(EnrichedAuditEvent enriched) {
        List<String> reasons = new ArrayList<>(2);
        if (enriched.event().mechanism().isPat()) {
            reasons.add("done with a PAT");
        }
        if (enriched.network().networkClass().offNetwork()) {
            reasons.add("from outside the corporate network ("
                    + enriched.network().networkClass().name().toLowerCase(Locale.ROOT) + ")");
        }
        return reasons;
    }

    /** One step up when any reason holds: a PAT and an off-network address together are still one step. */
    static Severity severity(Severity base, List<String> reasons) {
        return reasons.isEmpty() ? base : Findings.raise(base);
    }

    /** Where from, what was done, the token if any, and why the severity was raised. */
    static Evidence evidence(EnrichedAuditEvent enriched, List<String> reasons) {
        return new Evidence().network(enriched.network()).action(enriched.event())
                .put("authorizationId", enriched.event().mechanism().authorizationId().orElse(null))
                .put("raisedBecause", reasons.isEmpty() ? null : String.join("; ", reasons));
    }

    /** {@code , done with a PAT; from outside ...} for a summary, or nothing. */
    static String suffix(List<String> reasons) {
        return reasons.isEmpty() ? "" : ", " + String.join(" and ", reasons);
    }

    static boolean allowlisted(RuleSettings rule, EnrichedAuditEvent enriched) {
        return rule.allowlist().allows(enriched.event().actor().userPrincipalName(),
                enriched.event().mechanism().authorizationId().orElse(null), enriched.network().ip());
    }

    /** The per-person key of state and suppression: {@code user:<id>}, {@code upn:<upn>} or {@code unknown}. */
    static String actorKey(EnrichedAuditEvent enriched) {
        return Owners.of(new TokenUse(enriched, null));
    }

    /** The subject part of a stable finding id: the token when one did it, else the actor. */
    static String subjectKey(EnrichedAuditEvent enriched) {
        return enriched.event().mechanism().authorizationId().orElse(actorKey(enriched));
    }

    /** The actor as a person reads it: UPN, else display name, else user id. */
    static String who(EnrichedAuditEvent enriched) {
        var actor = enriched.event().actor();
        if (actor.userPrincipalName() != null && !actor.userPrincipalName().isBlank()) {
            return actor.userPrincipalName();
        }
        if (actor.displayName() != null && !actor.displayName().isBlank()) {
            return actor.displayName();
        }
        return actor.userId() != null && !actor.userId().isBlank() ? "user " + actor.userId() : "an unidentified actor";
    }

    static String where(EnrichedAuditEvent enriched) {
        return Findings.where(new TokenUse(enriched, null));
    }

    /** Brings each actor's events to one partition (rare events only: filter first), named {@code <prefix>-by-user}. */
    static KStream<String, EnrichedAuditEvent> byActor(KStream<String, EnrichedAuditEvent> events, String prefix) {
        return events.selectKey((id, enriched) -> actorKey(enriched), Named.as(prefix + "-key-by-user"))
                .repartition(Repartitioned.<String, EnrichedAuditEvent>as(prefix + "-by-user")
                        .withKeySerde(Serdes.String()).withValueSerde(JsonSerde.of(EnrichedAuditEvent.class)));
    }

    /** {@code 14d}, {@code 36h} or the ISO form: how a rule file writes a duration. */
    static String describe(Duration duration) {
        if (!duration.isZero() && duration.toDays() * 86_400 == duration.toSeconds() && duration.toNanosPart() == 0) {
            return duration.toDays() + "d";
        }
        if (!duration.isZero() && duration.toHours() * 3_600 == duration.toSeconds() && duration.toNanosPart() == 0) {
            return duration.toHours() + "h";
        }
        return duration.toString();
    }
}
