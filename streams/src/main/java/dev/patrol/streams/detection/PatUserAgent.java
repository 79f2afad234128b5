package dev.patrol.streams.detection;

import dev.patrol.model.event.Finding;
import dev.patrol.model.event.Severity;
import dev.patrol.streams.rules.RuleSettings;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;

/**
 * PAT-UA-07: a PAT used by a browser or by a known attack tool. Scripts and CI send PATs; a browser rendering engine in
 * the user agent (Sentinel's marker list) means someone pasted a token into a browser session, and an attack-tool
 * marker (ADOKit and friends) speaks for itself. Matching is case-insensitive and on substrings, so version numbers
 * and small edits of the string do not evade it; an attacker who forges a plain CLI user agent does (X-Force), which
 * is why the network rules exist beside this one.
 */
public final class PatUserAgent implements Detection {

    public static final String RULE_ID = "PAT-UA-07";
    static final List<String> BROWSER_MARKERS = List.of("Gecko/", "AppleWebKit", "WebKit/", "Presto", "Trident/",
            "EdgeHTML", "Edg/", "Blink", "Chrome/", "Firefox/", "Safari/", "Mozilla/5.0");
    static final List<String> TOOL_MARKERS = List.of("ADOKit", "AzureHound", "ROADtools", "roadrecon", "MicroBurst",
            "PowerZure", "Kali", "Parrot", "Pentoo", "sqlmap", "nuclei");

    @Override
    public String id() {
        return RULE_ID;
    }

    @Override
    public String prefix() {
        return "useragent";
    }

    /** The client a token was last seen with. */
    record LastClient(String family, String network, java.time.Instant at) {
    }

    @Override
    public KStream<String, Finding> build(DetectionInputs inputs, RuleSettings rule) {
        List<String> browsers = lower(rule.list("browserMarkers", BROWSER_MARKERS));
        List<String> tools = lower(rule.list("toolMarkers", TOOL_MARKERS));
        java.time.Duration memory = rule.duration("clientMemory", java.time.Duration.ofDays(30));
        String store = prefix() + "-client-store";
        inputs.builder().addStateStore(org.apache.kafka.streams.state.Stores.keyValueStoreBuilder(
                org.apache.kafka.streams.state.Stores.persistentKeyValueStore(store),
                org.apache.kafka.common.serialization.Serdes.String(),
                dev.patrol.model.json.JsonSerde.of(LastClient.class)));
        Clock clock = inputs.clock();
        return inputs.tokenUses()
                .filterNot((token, use) -> use.authorizationId() == null || rule.allowlist().allows(
                        use.event().actor().userPrincipalName(), use.authorizationId(), use.use().network().ip()),
                        Named.as(prefix() + "-allowlist"))
                .processValues(() -> new org.apache.kafka.streams.processor.api.FixedKeyProcessor<String, TokenUse, Finding>() {
                    private org.apache.kafka.streams.processor.api.FixedKeyProcessorContext<String, Finding> context;
                    private org.apache.kafka.streams.state.KeyValueStore<String, LastClient> clients;

                    @Override
                    public void init(org.apache.kafka.streams.processor.api.FixedKeyProcessorContext<String, Finding> context) {
                        this.context = context;
                        this.clients = context.getStateStore(store);
                    }

                    @Override
                    public void process(org.apache.kafka.streams.processor.api.FixedKeyRecord<String, TokenUse> record) {
                        TokenUse use = record.value();
                        String agent = use.event().userAgent();
                        if (match(agent, tools).isPresent() || match(agent, browsers).isPresent()) {
                            context.forward(record.withValue(finding(rule, use, tools, browsers, clock)));
                        }
                        String family = family(agent, browsers);
                        String network = network(use);
                        if (family == null || network == null) {
                            return;
                        }
                        java.time.Instant at = use.event().timestamp();
                        LastClient last = clients.get(record.key());
                        // Stolen-session pattern: another client, from another network, and that network outside.
                        if (last != null && !at.isBefore(last.at()) && at.isBefore(last.at().plus(memory))
                                && !last.family().equals(family) && !last.network().equals(network)
                                && use.use().network().networkClass().offNetwork()) {
                            context.forward(record.withValue(clientChanged(rule, use, last, family, clock)));
                        }
                        if (last == null || !at.isBefore(last.at())) {
                            clients.put(record.key(), new LastClient(family, network, at));
                        }
                    }
                }, Named.as(prefix() + "-detect"), store);
    }

    /** The kind of client: "browser", or the first product token of the user agent ("git", "curl", "python-requests"). */
    static String family(String userAgent, List<String> browsers) {
        if (userAgent == null || userAgent.isBlank()) {
            return null;
        }
        if (match(userAgent, browsers).isPresent()) {
            return "browser";
        }
        String first = userAgent.strip().split("[\\s/;(]", 2)[0].toLowerCase(Locale.ROOT);
        return first.isEmpty() ? null : first;
    }

    private static String network(TokenUse use) {
        var network = use.use().network();
        if (network.asn() != null) {
            return "AS" + network.asn();
        }
        return network.ip() == null ? null : Suppressor.networkPrefix(network.ip());
    }

    private static Finding clientChanged(RuleSettings rule, TokenUse use, LastClient last, String family, Clock clock) {
        String summary = Findings.describeToken(use) + " of " + Findings.who(use) + ", last used by " + last.family()
                + " from " + last.network() + ", was used by " + family + " from " + Findings.where(use)
                + ": another client on another network, as when a token is stolen";
        String subjectKey = use.authorizationId();
        return Findings.of(rule, rule.severity(), use.event(), Findings.subject(use), subjectKey, use.event().id(), summary,
                Evidence.of(use).put("userAgentKind", "client changed").put("previousClient", last.family())
                        .put("previousNetwork", last.network()).put("previousAt", last.at()), clock.instant());
    }

    static Optional<String> match(String userAgent, List<String> markers) {
        if (userAgent == null) {
            return Optional.empty();
        }
        String lower = userAgent.toLowerCase(Locale.ROOT);
        return markers.stream().filter(lower::contains).findFirst();
    }

    static Finding finding(RuleSettings rule, TokenUse use, List<String> tools, List<String> browsers, Clock clock) {
        Optional<String> tool = match(use.event().userAgent(), tools);
        Severity severity = tool.isPresent() ? Findings.raise(rule.severity()) : rule.severity();
        String what = tool.map(t -> "a known attack tool (" + t + ")").orElse("a web browser");
        String summary = Findings.describeToken(use) + " of " + Findings.who(use) + " was used by " + what + " to do "
                + use.event().actionId() + " from " + Findings.where(use);
        String subjectKey = use.authorizationId() != null ? use.authorizationId() : "user:" + use.event().actor().userId();
        return Findings.of(rule, severity, use.event(), Findings.subject(use), subjectKey, use.event().id(), summary,
                Evidence.of(use).put("userAgentKind", tool.isPresent() ? "attack tool" : "browser")
                        .put("userAgentMarker", tool.orElseGet(() -> match(use.event().userAgent(), browsers).orElse(null))),
                clock.instant());
    }

    private static List<String> lower(List<String> markers) {
        return markers.stream().map(m -> m.toLowerCase(Locale.ROOT)).toList();
    }
}
