package dev.patrol.model.config;

import dev.patrol.model.Secret;
import dev.patrol.model.event.Finding;
import dev.patrol.model.event.Severity;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Where findings go and how (keys {@code alerts.*}).
 *
 * <p>Each sink is on when what it needs is configured: Slack and Teams when their webhook URL is set, PagerDuty when
 * its routing key is set, generic webhooks when {@code alerts.webhooks} lists URLs, the OCSF topic unless
 * {@code alerts.ocsf.enabled} is false. Slack and Teams webhook URLs carry their secret in the path and the PagerDuty
 * routing key is a credential, so all three come from an environment variable or a file, never the YAML itself;
 * the generic webhooks' signing key likewise.
 *
 * @param webhooks        generic webhook URLs; each receives every routed finding as JSON
 * @param consumerGroup   the alerts service's consumer group; each sink consumes in {@code <consumerGroup>.<sink>}
 *                        and this group holds the offsets every sink has passed
 * @param consoleBaseUrl  where a person opens a finding ({@code <base>/findings/<id>}); no link when absent
 * @param groupWindow     repeats of one (rule, subject) within this window become one alert and one update;
 *                        zero turns grouping off
 * @param requestTimeout  how long one HTTP delivery may take
 */
public record AlertsSettings(
        List<URI> webhooks,
        boolean printFindings,
        String consumerGroup,
        Optional<URI> consoleBaseUrl,
        Duration groupWindow,
        Duration requestTimeout,
        Retry retry,
        Webhook webhook,
        Slack slack,
        Teams teams,
        PagerDuty pagerDuty,
        Ocsf ocsf,
        Route console) {

    /** PagerDuty's Events API v2 endpoint. */
    public static final String PAGERDUTY_EVENTS_URL = "https://events.pagerduty.com/v2/enqueue";

    public AlertsSettings {
        webhooks = List.copyOf(webhooks);
        Objects.requireNonNull(consumerGroup, "consumerGroup");
        Objects.requireNonNull(consoleBaseUrl, "consoleBaseUrl");
        Objects.requireNonNull(groupWindow, "groupWindow");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        Objects.requireNonNull(retry, "retry");
        Objects.requireNonNull(webhook, "webhook");
        Objects.requireNonNull(slack, "slack");
        Objects.requireNonNull(teams, "teams");
        Objects.requireNonNull(pagerDuty, "pagerDuty");
        Objects.requireNonNull(ocsf, "ocsf");
        Objects.requireNonNull(console, "console");
    }

    /**
     * Which findings a sink takes: at least {@code minSeverity}, and when the lists are not empty, only the listed
     * rules and organizations.
     */
    public record Route(Severity minSeverity, Set<String> rules, Set<String> organizations) {

        public Route {
            Objects.requireNonNull(minSeverity, "minSeverity");
            rules = Set.copyOf(rules);
            organizations = Set.copyOf(organizations);
        }

        /** Every finding. */
        public static Route all() {
            return new Route(Severity.INFO, Set.of(), Set.of());
        }

        public boolean accepts(Finding finding) {
            return finding.severity().compareTo(minSeverity) >= 0
                    && (rules.isEmpty() || rules.contains(finding.ruleId()))
                    && (organizations.isEmpty() || organizations.contains(finding.organization()));
        }
    }

    /**
     * How a sink that is down is retried: exponential backoff with jitter from {@code initialBackoff} to
     * {@code maxBackoff}; after {@code giveUpAfter} of failures the alert is parked in the dead-letter topic.
     */
    public record Retry(Duration initialBackoff, Duration maxBackoff, Duration giveUpAfter) {
    }

    /**
     * The generic webhooks ({@code alerts.webhooks}).
     *
     * @param signingKey       HMAC-SHA256 key for {@code X-Patrol-Signature}; unsigned when absent
     * @param signingKeySource where the key was looked for, for messages
     */
    public record Webhook(Optional<Secret> signingKey, String signingKeySource, Route route) {
    }

    /** A Slack incoming webhook; its URL is the secret. */
    public record Slack(Optional<Secret> webhookUrl, String webhookUrlSource, Route route) {
    }

    /** A Microsoft Teams Workflows (or incoming-webhook) URL; the URL is the secret. */
    public record Teams(Optional<Secret> webhookUrl, String webhookUrlSource, Route route) {
    }

    /** PagerDuty Events API v2: an integration's routing key and the endpoint (configurable for tests). */
    public record PagerDuty(Optional<Secret> routingKey, String routingKeySource, URI eventsUrl, Route route) {
    }

    /** Findings in OCSF Detection Finding form on the {@code patrol.findings.ocsf} topic, for SIEMs. */
    public record Ocsf(boolean enabled, Route route) {
    }

    static AlertsSettings bind(ConfigSource source) {
        Optional<URI> consoleBaseUrl = source.optionalString("alerts.consoleBaseUrl").isPresent()
                ? Optional.of(source.url("alerts.consoleBaseUrl", "")) : Optional.empty();
        Retry retry = new Retry(
                source.positiveDuration("alerts.retry.initialBackoff", Duration.ofSeconds(1)),
                source.positiveDuration("alerts.retry.maxBackoff", Duration.ofMinutes(5)),
                source.positiveDuration("alerts.retry.giveUpAfter", Duration.ofHours(24)));
        if (retry.maxBackoff().compareTo(retry.initialBackoff()) < 0) {
            throw new ConfigException("config key alerts.retry.maxBackoff: must not be shorter than "
                    + "alerts.retry.initialBackoff (" + retry.initialBackoff() + ")");
        }
        Webhook webhook = new Webhook(
                source.secret("alerts.webhook.signingKeyEnv", "WEBHOOK_SIGNING_KEY", "alerts.webhook.signingKeyFile"),
                source.secretSource("alerts.webhook.signingKeyEnv", "WEBHOOK_SIGNING_KEY", "alerts.webhook.signingKeyFile"),
                route(source, "alerts.webhook", Severity.INFO));
        Slack slack = new Slack(
                secretUrl(source, "Slack webhook URL", "alerts.slack.webhookUrlEnv", "SLACK_WEBHOOK_URL",
                        "alerts.slack.webhookUrlFile"),
                source.secretSource("alerts.slack.webhookUrlEnv", "SLACK_WEBHOOK_URL", "alerts.slack.webhookUrlFile"),
                route(source, "alerts.slack", Severity.INFO));
        Teams teams = new Teams(
                secretUrl(source, "Teams webhook URL", "alerts.teams.webhookUrlEnv", "TEAMS_WEBHOOK_URL",
                        "alerts.teams.webhookUrlFile"),
                source.secretSource("alerts.teams.webhookUrlEnv", "TEAMS_WEBHOOK_URL", "alerts.teams.webhookUrlFile"),
                route(source, "alerts.teams", Severity.INFO));
        PagerDuty pagerDuty = new PagerDuty(
                source.secret("alerts.pagerduty.routingKeyEnv", "PAGERDUTY_ROUTING_KEY", "alerts.pagerduty.routingKeyFile"),
                source.secretSource("alerts.pagerduty.routingKeyEnv", "PAGERDUTY_ROUTING_KEY",
                        "alerts.pagerduty.routingKeyFile"),
                source.url("alerts.pagerduty.eventsUrl", PAGERDUTY_EVENTS_URL),
                // Paging is for what cannot wait; everything else still reaches chat and the SIEM.
                route(source, "alerts.pagerduty", Severity.HIGH));
        Ocsf ocsf = new Ocsf(source.bool("alerts.ocsf.enabled", true), route(source, "alerts.ocsf", Severity.INFO));
        return new AlertsSettings(
                source.urls("alerts.webhooks"),
                source.bool("alerts.printFindings", true),
                source.string("alerts.consumerGroup", "patrol-alerts"),
                consoleBaseUrl,
                source.duration("alerts.groupWindow", Duration.ofMinutes(15)),
                source.positiveDuration("alerts.requestTimeout", Duration.ofSeconds(10)),
                retry, webhook, slack, teams, pagerDuty, ocsf, route(source, "alerts.console", Severity.INFO));
    }

    private static Route route(ConfigSource source, String prefix, Severity defaultMin) {
        String key = prefix + ".minSeverity";
        Severity min = source.optionalString(key).map(text -> {
            try {
                return Severity.valueOf(text.strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new ConfigException("config key " + key + " (" + source.originOf(key) + "): '" + text
                        + "' is not a severity (" + String.join(", ", Arrays.stream(Severity.values())
                        .map(Enum::name).toList()) + ")");
            }
        }).orElse(defaultMin);
        return new Route(min, new LinkedHashSet<>(source.list(prefix + ".rules")),
                new LinkedHashSet<>(source.list(prefix + ".organizations")));
    }

    /** A URL that is itself a secret: checked like any URL, but an error names where it came from, not its value. */
    private static Optional<Secret> secretUrl(ConfigSource source, String what, String envKey, String defaultEnv,
                                              String fileKey) {
        Optional<Secret> secret = source.secret(envKey, defaultEnv, fileKey);
        secret.ifPresent(url -> {
            boolean valid;
            try {
                URI uri = new URI(url.reveal());
                valid = uri.getScheme() != null && uri.getHost() != null
                        && (uri.getScheme().equalsIgnoreCase("https") || uri.getScheme().equalsIgnoreCase("http"));
            } catch (URISyntaxException e) {
                valid = false;
            }
            if (!valid) {
                throw new ConfigException("config: the " + what + " in " + source.secretSource(envKey, defaultEnv, fileKey)
                        + " is not an http(s) URL with a host");
            }
        });
        return secret;
    }
}
