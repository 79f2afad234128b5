package dev.patrol.ingest.stream;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A sink that keeps what it was given, and can be told to fail. */
final class RecordingSink implements StreamedEntrySink {

    private final List<StreamDelivery> deliveries = new CopyOnWriteArrayList<>();
    private volatile boolean failing;

    @Override
    public void accept(StreamDelivery delivery) throws Exception {
        if (failing) {
            throw new IllegalStateException("Kafka is down");
        }
        deliveries.add(delivery);
    }

    void failFromNowOn() {
        failing = true;
    }

    List<StreamDelivery> deliveries() {
        return List.copyOf(deliveries);
    }

    List<JsonNode> entries() {
        return deliveries.stream().flatMap(d -> d.entries().stream()).map(StreamDelivery.StreamedEntry::entry).toList();
    }

    List<String> ids() {
        return entries().stream().map(e -> e.path("id").asText()).toList();
    }

    List<StreamDelivery.Rejected> rejected() {
        return deliveries.stream().flatMap(d -> d.rejected().stream()).toList();
    }
}
