package dev.patrol.streams.detection;

import dev.patrol.model.event.AuditEvent;
import dev.patrol.model.event.EnrichedAuditEvent;
import dev.patrol.model.event.Finding;
import dev.patrol.model.json.JsonSerde;
import dev.patrol.streams.errors.ToDeadLetter;
import dev.patrol.streams.rules.RuleSettings;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * ADO-SVCCONN-23: a service connection (the organization's credential to Azure, a registry, a cluster) created, or
 * used by a pipeline it was not seen with before. A new pipeline using a production connection is how a modified or
 * newly authorised pipeline reaches the cloud.
 * <ul>
 *   <li>{@code Library.ServiceConnectionCreated}: always reported (base severity).</li>
 *   <li>{@code Library.ServiceConnectionExecuted}: reported when the (connection, pipeline) pair is new. A connection
 *       PATrol first sees through executions existed before PATrol watched, so its pipelines are learnt for
 *       {@code learningPeriod} from that first execution without findings; a connection first seen being created has
 *       no learning period: every pipeline using it is new.</li>
 * </ul>
 * Both are raised one step when done with a PAT or from outside the corporate network.
 *
 * <p>The {@code data} keys are not documented; seen in public samples: {@code ConnectionId}, {@code ConnectionName},
 * {@code ConnectionType}, {@code DefinitionId}, {@code PipelineId}, {@code PipelineName}, {@code ProjectName}; and
 * {@code DefinitionName}, a placeholder of the action's details template, is read as the pipeline's name too. A
 * connection is tracked by {@code ConnectionId}, else by project and {@code ConnectionName} (the finding says so); an
 * execution naming neither cannot be evaluated and goes to the dead-letter topic. A pipeline is {@code PipelineId},
 * else {@code DefinitionId}, else its name, within its project; an execution naming none counts as one
 * "unidentified pipeline" of that connection, and the finding says the keys were missing. State is kept per connection
 * after a repartition by connection. The evidence gives the subject a workload-identity-federation credential for the
 * connection would have, {@code sc://<org>/<project>/<connection name>} (the ADO-issuer format), to look up in Entra.
 */
public final class ServiceConnectionUse implements Detection {

    public static final String RULE_ID = "ADO-SVCCONN-23";
    static final String CREATED = "Library.ServiceConnectionCreated";
    static final String EXECUTED = "Library.ServiceConnectionExecuted";
    static final String UNIDENTIFIED_PIPELINE = "unidentified pipeline";

    /**
     * What PATrol knows of one connection.
     *
     * @param firstSeen      the first entry about it PATrol saw
     * @param learningEnds   until when new pipelines are learnt silently; null when PATrol saw it being created
     * @param pipelines      pipeline key to when it last used the connection
     */
    record ConnectionState(Instant firstSeen, Instant learningEnds, Map<String, Instant> pipelines) {
        ConnectionState {
            pipelines = Map.copyOf(pipelines);
        }
    }

    /** A connection or pipeline as an entry names it. */
    record Ref(String key, String label, boolean byId) {
    }

    @Override
    public String id() {
        return RULE_ID;
    }

    @Override
    public String prefix() {
        return "svcconn";
    }

    @Override
    public KStream<String, Finding> build(DetectionInputs inputs, RuleSettings rule) {
        Duration learning = rule.duration("learningPeriod", Duration.ofDays(14));
        String store = prefix() + "-pipelines-store";
        inputs.builder().addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(store),
                Serdes.String(), JsonSerde.of(ConnectionState.class)));
        Clock clock = inputs.clock();

        KStream<String, EnrichedAuditEvent> relevant = inputs.audit()
                .filter((id, enriched) -> isCreated(enriched.event()) || isExecuted(enriched.event()),
                        Named.as(prefix() + "-created-or-executed"));
        inputs.deadLetters().accept(relevant
                .filter((id, enriched) -> isExecuted(enriched.event()) && connection(enriched.event()).isEmpty(),
                        Named.as(prefix() + "-unidentified"))
                .processValues(new ToDeadLetter<EnrichedAuditEvent>(prefix() + "-identify",
                        EXECUTED + " names no ConnectionId or ConnectionName"), Named.as(prefix() + "-unidentified-dead-letter")));

        return relevant
                .filter((id, enriched) -> isCreated(enriched.event()) || connection(enriched.event()).isPresent(),
                        Named.as(prefix() + "-identified"))
                // A creation naming no connection is still reported; it has no state, so any key will do.
                .selectKey((id, enriched) -> connection(enriched.event()).map(Ref::key).orElse("entry:" + id),
                        Named.as(prefix() + "-key-by-connection"))
                .repartition(Repartitioned.<String, EnrichedAuditEvent>as(prefix() + "-by-connection")
                        .withKeySerde(Serdes.String()).withValueSerde(JsonSerde.of(EnrichedAuditEvent.class)))
                .processValues(() -> new FixedKeyProcessor<String, EnrichedAuditEvent, Finding>() {
                    private FixedKeyProcessorContext<String, Finding> context;
                    private KeyValueStore<String, ConnectionState> states;

                    @Override
                    public void init(FixedKeyProcessorContext<String, Finding> context) {
                        this.context = context;
                        this.states = context.getStateStore(store);
                    }

                    @Override
                    public void process(FixedKeyRecord<String, EnrichedAuditEvent> record) {
                        EnrichedAuditEvent enriched = record.value();
                        AuditEvent event = enriched.event();
                        Instant at = event.timestamp();
                        Optional<Ref> connection = connection(event);
                        ConnectionState state = connection.isEmpty() ? null : states.get(record.key());
                        boolean allowed = !ActorRisk.allowlisted(rule, enriched);
                        if (isCreated(event)) {
                            if (connection.isPresent()) {
                                // Seen being created: no learning period, whatever was learnt before.
                                states.put(record.key(), new ConnectionState(
                                        state == null || at.isBefore(state.firstSeen()) ? at : state.firstSeen(), null,
                                        state == null ? Map.of() : state.pipelines()));
                            }
                            if (allowed) {
                                context.forward(record.withValue(created(rule, enriched, clock)));
                            }
                            return;
                        }
                        if (state == null) {
                            state = new ConnectionState(at, at.plus(learning), Map.of());
                        }
                        Ref pipeline = pipeline(event);
                        Instant lastUse = state.pipelines().get(pipeline.key());
                        boolean learnt = state.learningEnds() == null || !at.isBefore(state.learningEnds());
                        Map<String, Instant> pipelines = new HashMap<>(state.pipelines());
                        pipelines.merge(pipeline.key(), at, (a, b) -> a.isAfter(b) ? a : b);
                        states.put(record.key(), new ConnectionState(state.firstSeen(), state.learningEnds(), pipelines));
                        if (lastUse == null && learnt && allowed) {
                            context.forward(record.withValue(newPipeline(rule, enriched, state, pipeline, clock)));
                        }
                    }
                }, Named.as(prefix() + "-detect"), store);
    }

    static boolean isCreated(AuditEvent event) {
        return CREATED.equalsIgnoreCase(event.actionId());
    }

    static boolean isExecuted(AuditEvent event) {
        return EXECUTED.equalsIgnoreCase(event.actionId());
    }

    /** The project an entry is about: data {@code ProjectName}, else the entry's project. */
    static Optional<String> project(AuditEvent event) {
        return AuditData.of(event).text("ProjectName")
                .or(() -> Optional.ofNullable(event.projectName()).filter(p -> !p.isBlank()));
    }

    /** The connection by {@code ConnectionId}, else by project and {@code ConnectionName}; empty when neither. */
    static Optional<Ref> connection(AuditEvent event) {
        AuditData data = AuditData.of(event);
        Optional<String> id = data.text("ConnectionId");
        if (id.isPresent()) {
            return Optional.of(new Ref("id:" + id.get().strip().toLowerCase(Locale.ROOT),
                    data.text("ConnectionName").orElse(id.get()), true));
        }
        return data.text("ConnectionName").map(name -> new Ref("name:" + project(event).orElse("").toLowerCase(Locale.ROOT)
                + "/" + name.strip().toLowerCase(Locale.ROOT), name, false));
    }

    /** The pipeline within its project by {@code PipelineId} or {@code DefinitionId}, else by its name. */
    static Ref pipeline(AuditEvent event) {
        AuditData data = AuditData.of(event);
        String project = project(event).orElse("").toLowerCase(Locale.ROOT);
        Optional<String> name = data.text("PipelineName").or(() -> data.text("DefinitionName"));
        Optional<String> id = data.text("PipelineId").or(() -> data.text("DefinitionId"));
        if (id.isPresent()) {
            return new Ref(project + "/id:" + id.get().strip(), name.map(n -> n + " (id " + id.get() + ")")
                    .orElse("pipeline id " + id.get()), true);
        }
        return name.map(n -> new Ref(project + "/name:" + n.strip().toLowerCase(Locale.ROOT), n, false))
                .orElse(new Ref(project + "/" + UNIDENTIFIED_PIPELINE, UNIDENTIFIED_PIPELINE, false));
    }

    /** {@code sc://<org>/<project>/<connection name>}, or empty when the entry lacks the project or name. */
    static Optional<String> federationSubject(AuditEvent event) {
        Optional<String> project = project(event);
        return AuditData.of(event).text("ConnectionName").flatMap(name -> project
                .map(p -> "sc://" + event.organization() + "/" + p + "/" + name));
    }

    private static Evidence connectionEvidence(EnrichedAuditEvent enriched, List<String> reasons) {
        AuditEvent event = enriched.event();
        AuditData data = AuditData.of(event);
        return ActorRisk.evidence(enriched, reasons)
                .put("connection", data.text("ConnectionName").orElse("not in the entry (no ConnectionName)"))
                .put("connectionId", data.text("ConnectionId").orElse(data.text("ConnectionName").isPresent()
                        ? "not in the entry (no ConnectionId): tracked by project and name"
                        : "not in the entry (no ConnectionId)"))
                .put("connectionType", data.text("ConnectionType").orElse(null))
                .put("connectionProject", project(event).orElse("not in the entry (no ProjectName)"))
                .put("workloadIdentityFederationSubject", federationSubject(event)
                        .orElse("cannot be formed: the entry lacks the connection name or project"));
    }

    private static Finding created(RuleSettings rule, EnrichedAuditEvent enriched, Clock clock) {
        AuditEvent event = enriched.event();
        List<String> reasons = ActorRisk.raiseReasons(enriched);
        String name = AuditData.of(event).text("ConnectionName").map(n -> "service connection '" + n + "'")
                .orElse("a service connection");
        String summary = ActorRisk.who(enriched) + " created " + name
                + AuditData.of(event).text("ConnectionType").map(t -> " (" + t + ")").orElse("")
                + project(event).map(p -> " in " + p).orElse("") + " from " + ActorRisk.where(enriched)
                + ActorRisk.suffix(reasons);
        return Findings.of(rule, ActorRisk.severity(rule.severity(), reasons), event, Findings.actor(enriched),
                connection(event).map(Ref::key).orElse(ActorRisk.subjectKey(enriched)), event.id(), summary,
                connectionEvidence(enriched, reasons), clock.instant());
    }

    private static Finding newPipeline(RuleSettings rule, EnrichedAuditEvent enriched, ConnectionState before,
                                       Ref pipeline, Clock clock) {
        AuditEvent event = enriched.event();
        Ref connection = connection(event).orElseThrow();
        List<String> reasons = ActorRisk.raiseReasons(enriched);
        List<String> known = before.pipelines().keySet().stream().sorted().limit(10).toList();
        boolean unidentified = pipeline.key().endsWith(UNIDENTIFIED_PIPELINE);
        String summary = (unidentified ? "A pipeline the entry does not name"
                : "Pipeline " + pipeline.label()) + " used service connection '" + connection.label()
                + "' for the first time" + (before.learningEnds() == null ? " since PATrol saw it created" : "")
                + " (run as " + ActorRisk.who(enriched) + " from " + ActorRisk.where(enriched)
                + ActorRisk.suffix(reasons) + ")";
        Evidence evidence = connectionEvidence(enriched, reasons)
                .put("pipeline", unidentified
                        ? "not in the entry (no PipelineId, DefinitionId, PipelineName or DefinitionName)" : pipeline.label())
                .put("pipelineKey", pipeline.byId() || unidentified ? null
                        : "no PipelineId or DefinitionId: tracked by name")
                .put("knownPipelines", known.isEmpty() ? "none" : String.join(", ", known))
                .put("trackedSince", before.firstSeen())
                .put("learning", before.learningEnds() == null ? "none: PATrol saw this connection being created"
                        : "ended " + before.learningEnds());
        return Findings.of(rule, ActorRisk.severity(rule.severity(), reasons), event, Findings.actor(enriched),
                connection.key(), event.id(), summary, evidence, clock.instant());
    }
}
