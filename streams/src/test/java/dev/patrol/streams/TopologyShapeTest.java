package dev.patrol.streams;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patrol.model.net.Cidr;
import dev.patrol.streams.network.NetworkModel;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Renaming a store or repartition topic orphans its state in a running deployment; this test makes such a change
 * a reviewed one.
 */
class TopologyShapeTest {

    @Test
    void shouldKeepStoreAndRepartitionNamesStable() {
        var topology = DetectionTopology.build(new DetectionTopology.Settings(
                new NetworkModel(List.of(Cidr.parse("10.0.0.0/8"))), "", Clock.systemUTC()));

        String description = topology.describe().toString();

        assertThat(description).contains("tokens-store", "offnet-by-token-repartition", "audit-source",
                "tokens-source", "offnet-join-token", "findings-sink", "deadletter-sink-0");
        assertThat(description).doesNotContain("KSTREAM-", "KTABLE-", "KSTREAM-SOURCE-");
    }
}
