package dev.patrol.alerts.response;

import dev.patrol.alerts.sink.Alert;
import dev.patrol.alerts.sink.AlertSink;
import dev.patrol.alerts.sink.Delivery;

/**
 * Puts the revocation playbook on a delivery lane of its own: every finding is evaluated once, at least once across
 * restarts (the lane commits only after {@link ResponseService#onFinding} returned), and a playbook that cannot
 * reach the actions topic is retried like a sink that is down, without holding up the others.
 */
public final class ResponseSink implements AlertSink {

    private final ResponseService response;

    public ResponseSink(ResponseService response) {
        this.response = response;
    }

    @Override
    public String name() {
        return "response";
    }

    @Override
    public String target() {
        return "playbook";
    }

    @Override
    public Delivery deliver(Alert alert) {
        try {
            response.onFinding(alert.finding());
            return Delivery.delivered();
        } catch (ResponseUnavailableException e) {
            return Delivery.retry("actions topic unavailable");
        }
    }
}
