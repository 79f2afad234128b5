package dev.patrol.model.event;

/**
 * Who did an audited action. Any field may be null: system events have no UPN, service principals a zero user id.
 */
public record Actor(String userId, String userPrincipalName, String displayName, String clientId) {
}
