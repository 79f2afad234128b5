/**
 * Revocation playbooks: what PATrol does about a finding beyond telling people.
 *
 * <p>{@link dev.patrol.alerts.response.ResponseService} evaluates each finding against a YAML policy
 * ({@link dev.patrol.alerts.response.ResponsePolicy}), revokes a token automatically or after a person approves it on
 * a signed, expiring page, verifies the revocation on the next inventory scan, and records every decision and outcome
 * in the actions topic, which is also the state it restores from after a restart.
 */
package dev.patrol.alerts.response;
