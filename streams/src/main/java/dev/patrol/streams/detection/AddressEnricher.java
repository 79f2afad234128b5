package dev.patrol.streams.detection;

import dev.patrol.model.event.NetworkContext;
import java.util.Optional;

/** What the topology needs from enrichment: the network context of an entry's address. Thread-safe, never throws. */
@FunctionalInterface
public interface AddressEnricher {

    NetworkContext enrich(Optional<String> ipAddress);
}
