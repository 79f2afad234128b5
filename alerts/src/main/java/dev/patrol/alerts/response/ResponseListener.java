package dev.patrol.alerts.response;

import dev.patrol.model.event.ResponseAction;

/**
 * Told about every action the playbook records, in the order recorded, once it is in the actions topic. The delivery
 * side turns the ones people care about (revoked, failed, verified, denied, ...) into a follow-up on the alert of
 * {@link ResponseAction#findingId()}: same thread, same dedup key.
 *
 * <p>Called on one dedicated thread; a slow listener delays later notifications, never the playbook. An exception is
 * logged and the next action is delivered regardless.
 */
@FunctionalInterface
public interface ResponseListener {

    ResponseListener NONE = action -> { };

    void onAction(ResponseAction action);
}
