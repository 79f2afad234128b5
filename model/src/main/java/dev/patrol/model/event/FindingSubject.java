package dev.patrol.model.event;

/**
 * What a finding is about. Any part may be null; a token finding names the token by {@code authorizationId}, never
 * by its secret.
 */
public record FindingSubject(String authorizationId, String userPrincipalName, String userId, String ipAddress) {
}
