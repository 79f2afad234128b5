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

    @Override
    public KStream<String, Finding> build(DetectionInputs inputs, RuleSettings rule) {
        List<String> browsers = lower(rule.list("browserMarkers", BROWSER_MARKERS));
        List<String> tools = lower(rule.list("toolMarkers", TOOL_MARKERS));
        Clock clock = inputs.clock();
        return inputs.tokenUses()
                .filter((token, use) -> match(use.event().userAgent(), tools).isPresent()
                        || match(use.event().userAgent(), browsers).isPresent(), Named.as(prefix() + "-match"))
                .filterNot((token, use) -> rule.allowlist().allows(use.event().actor().userPrincipalName(),
                        use.authorizationId(), use.use().network().ip()), Named.as(prefix() + "-allowlist"))
                .mapValues(use -> finding(rule, use, tools, browsers, clock), Named.as(prefix() + "-finding"));
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
