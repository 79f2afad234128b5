package dev.patrol.model.config;

import dev.patrol.model.Secret;
import dev.patrol.model.net.Cidr;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * PATrol's configuration: one YAML file shared by the three services, each reading its own section.
 * Precedence is defaults &lt; file &lt; environment (see {@link ConfigSource}); the README's configuration table
 * lists every key.
 */
public record PatrolConfig(
        String organization,
        List<String> organizations,
        Map<String, Secret> organizationPats,
        AdoSettings ado,
        IngestSettings ingest,
        NetworkSettings network,
        GeoIpSettings geoip,
        StreamsSettings streams,
        AlertsSettings alerts,
        ResponseSettings response,
        AuditStreamSettings auditStream,
        MetricsSettings metrics,
        KafkaSettings kafka) {

    private static final Pattern ORGANIZATION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

    /**
     * Audit polling and inventory scanning.
     *
     * @param inventoryConcurrency how many users' tokens are listed at once
     * @param includeSshKeys       also list SSH keys ({@code isPublic=true}) into the inventory
     */
    public record IngestSettings(Duration pollInterval, Duration overlap, int batchSize, Duration inventoryInterval,
                                 Duration initialLookback, int inventoryConcurrency, boolean includeSshKeys) {
    }

    /**
     * The network model: what is corporate, what is trusted, what is an anonymizer. ASN lists are numbers.
     *
     * @param torExitListFile a file with one Tor exit address per line (e.g. the Tor Project's bulk exit list)
     */
    public record NetworkSettings(List<Cidr> corporateCidrs, List<Cidr> vpnEgressCidrs, List<Long> trustedAsns,
                                  List<Long> hostingAsns, List<Long> anonymizerAsns, Optional<Path> torExitListFile) {
        public NetworkSettings {
            corporateCidrs = List.copyOf(corporateCidrs);
            vpnEgressCidrs = List.copyOf(vpnEgressCidrs);
            trustedAsns = List.copyOf(trustedAsns);
            hostingAsns = List.copyOf(hostingAsns);
            anonymizerAsns = List.copyOf(anonymizerAsns);
        }

        /** Only corporate networks, nothing else configured. */
        public static NetworkSettings corporate(List<Cidr> corporateCidrs) {
            return new NetworkSettings(corporateCidrs, List.of(), List.of(), List.of(), List.of(), Optional.empty());
        }
    }

    /**
     * MaxMind databases (.mmdb, as geoipupdate maintains them). Without {@code cityDatabase}/{@code asnDatabase} the
     * GeoLite2 data bundled from the registry package is used (old; see README). Files are re-read when they change.
     */
    public record GeoIpSettings(Optional<Path> cityDatabase, Optional<Path> asnDatabase,
                                Optional<Path> anonymousIpDatabase, Optional<Path> ispDatabase, int cacheSize,
                                Duration reloadCheckInterval) {
    }

    /**
     * The receiver of ADO audit streams (Splunk HEC and Event Grid deliveries). Off unless enabled; each target is
     * accepted only when its secret is configured.
     */
    public record AuditStreamSettings(boolean enabled, String bindAddress, int port, int maxBodyBytes,
                                      Optional<Secret> hecToken, Optional<Secret> eventGridKey) {
    }

    /**
     * The Kafka Streams application.
     *
     * @param rulesFile the detection rules; the bundled rules.yaml when absent
     */
    public record StreamsSettings(String applicationId, Path stateDir, Optional<Path> rulesFile) {
    }

    /**
     * The Kafka cluster. No bootstrap servers means "use the embedded broker" on {@code embeddedPort}, data in
     * {@code embeddedDataDir}. {@code clientProperties} pass through untouched to every client (TLS, SASL, ...).
     */
    public record KafkaSettings(Optional<String> bootstrapServers, String topicPrefix, Path embeddedDataDir,
                                int embeddedPort, Map<String, String> clientProperties) {

        private static final Set<String> SENSITIVE = Set.of("password", "jaas", "secret", "key", "token", "credential");

        public KafkaSettings {
            clientProperties = Map.copyOf(clientProperties);
        }

        /** The properties for logging: values of anything that may hold a secret are masked. */
        public Map<String, String> describeClientProperties() {
            Map<String, String> shown = new LinkedHashMap<>();
            clientProperties.forEach((k, v) -> shown.put(k,
                    SENSITIVE.stream().anyMatch(k.toLowerCase(Locale.ROOT)::contains) ? "****" : v));
            return shown;
        }

        /**
         * Properties every client starts from: the pass-through block plus {@code bootstrap.servers}.
         *
         * @throws IllegalStateException when no bootstrap servers are known (the launcher resolves the embedded
         *                               broker before a service starts)
         */
        public Map<String, Object> clientConfig() {
            Map<String, Object> config = new LinkedHashMap<>(clientProperties);
            config.put("bootstrap.servers", bootstrapServers.orElseThrow(() -> new IllegalStateException(
                    "no Kafka bootstrap servers: the launcher should have started the embedded broker")));
            return config;
        }

        /** Masks like {@link #describeClientProperties()}: a SASL password or key-store password must not reach a log. */
        @Override
        public String toString() {
            return "KafkaSettings[bootstrapServers=" + bootstrapServers + ", topicPrefix=" + topicPrefix
                    + ", embeddedDataDir=" + embeddedDataDir + ", embeddedPort=" + embeddedPort
                    + ", clientProperties=" + describeClientProperties() + "]";
        }

        public KafkaSettings withBootstrapServers(String servers) {
            return new KafkaSettings(Optional.of(servers), topicPrefix, embeddedDataDir, embeddedPort, clientProperties);
        }
    }

    /** Loads from an optional file and the environment; fails with a one-line {@link ConfigException}. */
    public static PatrolConfig load(Optional<Path> file, Map<String, String> env) {
        ConfigSource source = ConfigSource.load(file, env);
        PatrolConfig config = bind(source);
        source.rejectUnknownKeys();
        return config;
    }

    static PatrolConfig bind(ConfigSource source) {
        String organization = source.string("organization", "");
        if (!organization.isEmpty() && !ORGANIZATION.matcher(organization).matches()) {
            throw new ConfigException("config key organization: '" + organization
                    + "' is not an Azure DevOps organization name (letters, digits, '-', '_', '.')");
        }
        List<String> organizations = new ArrayList<>(source.list("organizations"));
        for (String name : organizations) {
            if (!ORGANIZATION.matcher(name).matches()) {
                throw new ConfigException("config key organizations (" + source.originOf("organizations") + "): '" + name
                        + "' is not an Azure DevOps organization name (letters, digits, '-', '_', '.')");
            }
        }
        if (!organization.isEmpty() && !organizations.isEmpty()) {
            throw new ConfigException("config keys organization and organizations are both set; use organizations "
                    + "to watch several");
        }
        if (organizations.isEmpty() && !organization.isEmpty()) {
            organizations.add(organization);
        }
        Map<String, Secret> organizationPats = new LinkedHashMap<>();
        for (String name : organizations) {
            String value = source.environment().get(organizationPatVariable(name));
            if (value != null && !value.isBlank()) {
                organizationPats.put(name, Secret.of(value));
            }
        }

        AdoSettings ado = AdoSettings.bind(source);

        IngestSettings ingest = new IngestSettings(
                source.positiveDuration("ingest.pollInterval", Duration.ofMinutes(1)),
                source.duration("ingest.overlap", Duration.ofMinutes(15)),
                source.integer("ingest.batchSize", 500, 1, 100_000),
                source.positiveDuration("ingest.inventoryInterval", Duration.ofHours(1)),
                source.positiveDuration("ingest.initialLookback", Duration.ofHours(24)),
                source.integer("ingest.inventoryConcurrency", 4, 1, 64),
                source.bool("ingest.includeSshKeys", false));

        NetworkSettings network = new NetworkSettings(
                cidrs(source, "network.corporateCidrs"),
                cidrs(source, "network.vpnEgressCidrs"),
                asns(source, "network.trustedAsns"),
                asns(source, "network.hostingAsns"),
                asns(source, "network.anonymizerAsns"),
                source.existingFile("network.torExitListFile"));

        GeoIpSettings geoip = new GeoIpSettings(
                source.existingFile("geoip.cityDatabase"),
                source.existingFile("geoip.asnDatabase"),
                source.existingFile("geoip.anonymousIpDatabase"),
                source.existingFile("geoip.ispDatabase"),
                source.integer("geoip.cacheSize", 4096, 0, 10_000_000),
                source.positiveDuration("geoip.reloadCheckInterval", Duration.ofMinutes(1)));

        AuditStreamSettings auditStream = new AuditStreamSettings(
                source.bool("auditStream.enabled", false),
                source.string("auditStream.bindAddress", "0.0.0.0"),
                source.integer("auditStream.port", 8088, 0, 65535),
                source.integer("auditStream.maxBodyBytes", 5 * 1024 * 1024, 1024, 256 * 1024 * 1024),
                source.secret("auditStream.hecTokenEnv", "ADO_STREAM_HEC_TOKEN", "auditStream.hecTokenFile"),
                source.secret("auditStream.eventGridKeyEnv", "ADO_STREAM_EVENTGRID_KEY", "auditStream.eventGridKeyFile"));

        StreamsSettings streams = new StreamsSettings(
                source.string("streams.applicationId", "patrol-streams"),
                source.path("streams.stateDir", ".patrol/streams-state"),
                source.existingFile("streams.rulesFile"));

        AlertsSettings alerts = AlertsSettings.bind(source);

        Map<String, String> clientProperties = new LinkedHashMap<>(source.map("kafka.properties"));
        clientProperties.putAll(kafkaEnvironment(source.environment()));
        Optional<String> bootstrap = source.optionalString("kafka.bootstrapServers")
                .or(() -> Optional.ofNullable(clientProperties.remove("bootstrap.servers")));
        clientProperties.remove("bootstrap.servers");
        KafkaSettings kafka = new KafkaSettings(
                bootstrap,
                source.string("kafka.topicPrefix", ""),
                source.path("kafka.embedded.dataDir", ".patrol/kafka"),
                source.integer("kafka.embedded.port", 9092, 1, 65535),
                clientProperties);

        return new PatrolConfig(organizations.size() == 1 ? organizations.get(0) : organization,
                List.copyOf(organizations), Map.copyOf(organizationPats), ado, ingest, network, geoip, streams, alerts,
                ResponseSettings.bind(source), auditStream, MetricsSettings.bind(source), kafka);
    }

    private static List<Cidr> cidrs(ConfigSource source, String key) {
        List<Cidr> cidrs = new ArrayList<>();
        for (String text : source.list(key)) {
            try {
                cidrs.add(Cidr.parse(text));
            } catch (IllegalArgumentException e) {
                throw new ConfigException("config key " + key + " (" + source.originOf(key) + "): " + e.getMessage());
            }
        }
        return cidrs;
    }

    private static List<Long> asns(ConfigSource source, String key) {
        List<Long> asns = new ArrayList<>();
        for (String text : source.list(key)) {
            String digits = text.regionMatches(true, 0, "AS", 0, 2) ? text.substring(2) : text;
            try {
                long asn = Long.parseLong(digits);
                if (asn < 0 || asn > 4_294_967_295L) {
                    throw new NumberFormatException();
                }
                asns.add(asn);
            } catch (NumberFormatException e) {
                throw new ConfigException("config key " + key + " (" + source.originOf(key) + "): '" + text
                        + "' is not an AS number (e.g. 15169 or AS15169)");
            }
        }
        return asns;
    }


    public PatrolConfig withKafka(KafkaSettings settings) {
        return new PatrolConfig(organization, organizations, organizationPats, ado, ingest, network, geoip, streams,
                alerts, response, auditStream, metrics, settings);
    }

    /** The environment variable holding one organization's own PAT: {@code ADO_PAT_<ORG>} in upper snake case. */
    public static String organizationPatVariable(String organization) {
        return "ADO_PAT_" + organization.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
    }

    /**
     * The configuration of one watched organization: its name, and its own PAT when {@code ADO_PAT_<ORG>} is set
     * (else the shared credential). Ingest runs one poller per organization, each with its own checkpoint and
     * transactional id.
     */
    public PatrolConfig forOrganization(String name) {
        AdoSettings forOrg = organizationPats.containsKey(name)
                ? ado.withPat(organizationPats.get(name), "environment " + organizationPatVariable(name)) : ado;
        // One receiver listens for audit streams: the first organization's (its entries are attributed to it).
        boolean receives = !organizations.isEmpty() && organizations.get(0).equals(name);
        AuditStreamSettings stream = receives ? auditStream : new AuditStreamSettings(false, auditStream.bindAddress(),
                auditStream.port(), auditStream.maxBodyBytes(), auditStream.hecToken(), auditStream.eventGridKey());
        return new PatrolConfig(name, List.of(name), organizationPats, forOrg, ingest, network, geoip, streams, alerts,
                response, stream, metrics, kafka);
    }

    /** Checks what the ingest service cannot run without. */
    public PatrolConfig requireForIngest() {
        if (organization.isEmpty() && organizations.isEmpty()) {
            throw new ConfigException("config key organization: required by ingest (the ADO organization to watch); "
                    + "set it in the config file or as " + ConfigSource.envName("organization")
                    + " (or organizations, for several)");
        }
        if (organizations.size() > 1) {
            organizations.forEach(name -> forOrganization(name).ado().requireCredential());
            return this;
        }
        ado.requireCredential(); // PAT, client secret or workload identity, as ado.credential says
        return this;
    }

    /** Checks what the streams service cannot run without. */
    public PatrolConfig requireForStreams() {
        if (network.corporateCidrs().isEmpty()) {
            throw new ConfigException("config key network.corporateCidrs: required by streams; without it every PAT use "
                    + "would be reported off-network. List the corporate egress ranges (IPv4 and IPv6 CIDRs)");
        }
        return this;
    }

    // Variables the Kafka shell scripts read; they are not client properties.
    private static final Set<String> KAFKA_SCRIPT_VARIABLES = Set.of("KAFKA_HOME", "KAFKA_OPTS", "KAFKA_HEAP_OPTS",
            "KAFKA_JVM_PERFORMANCE_OPTS", "KAFKA_LOG4J_OPTS", "KAFKA_JMX_OPTS", "KAFKA_DEBUG", "KAFKA_GC_LOG_OPTS",
            "KAFKA_LOG_DIR", "KAFKA_CLUSTER_ID");

    /** {@code KAFKA_SECURITY_PROTOCOL=SASL_SSL} becomes {@code security.protocol=SASL_SSL}. */
    static Map<String, String> kafkaEnvironment(Map<String, String> env) {
        Map<String, String> props = new LinkedHashMap<>();
        env.forEach((name, value) -> {
            if (name.startsWith("KAFKA_") && !KAFKA_SCRIPT_VARIABLES.contains(name)) {
                props.put(name.substring("KAFKA_".length()).toLowerCase(Locale.ROOT).replace('_', '.'), value);
            }
        });
        return props;
    }

}
