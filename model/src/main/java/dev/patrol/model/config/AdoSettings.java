package dev.patrol.model.config;

import dev.patrol.model.Secret;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * Where ADO is and how ingest authenticates to it (keys {@code ado.*}).
 *
 * @param patSource where the PAT was looked for, for messages ("environment ADO_PAT", "file /run/secrets/pat")
 */
public record AdoSettings(URI auditBaseUrl, URI vsspsBaseUrl, Optional<Secret> pat, String patSource,
                          Duration requestTimeout) {

    static AdoSettings bind(ConfigSource source) {
        return new AdoSettings(
                source.url("ado.auditBaseUrl", "https://auditservice.dev.azure.com"),
                source.url("ado.vsspsBaseUrl", "https://vssps.dev.azure.com"),
                source.secret("ado.patEnv", "ADO_PAT", "ado.patFile"),
                source.secretSource("ado.patEnv", "ADO_PAT", "ado.patFile"),
                source.positiveDuration("ado.requestTimeout", Duration.ofSeconds(30)));
    }
}
