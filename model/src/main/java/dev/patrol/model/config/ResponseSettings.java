package dev.patrol.model.config;

/**
 * Response playbooks: revocation policy, approval links (keys {@code response.*}). Dry-run unless a policy says
 * otherwise.
 */
public record ResponseSettings(boolean enabled) {

    static ResponseSettings bind(ConfigSource source) {
        return new ResponseSettings(source.bool("response.enabled", false));
    }
}
