package dev.patrol.bench;

/**
 * How big a bench run is.
 *
 * @param events           generated audit events the two streams apps are timed over (on top of the ingested log)
 * @param ingestEntries    entries in the simulated audit log that ingest reads (and the mix replays)
 * @param users            users of that organization (one to three PATs each)
 * @param latencySeconds   how long events are sent at {@code rate} for each latency measurement
 * @param rate             events per second of the latency measurements
 * @param deliverySeconds  how long findings are sent at {@code deliveryRate} to the alerts service
 * @param deliveryRate     findings per second
 * @param inventoryUsers   users (one PAT each) of the rate-limited inventory scan
 * @param heapTokens       tokens in the inventory when the streams service's heap is measured
 * @param offNetworkShare  share of PAT uses from public addresses (Zipf-distributed over {@code addresses})
 * @param addresses        size of the public address pool
 * @param seed             seed of the simulated organizations and of the mix
 */
record Sizes(int events, int ingestEntries, int users, int latencySeconds, int rate, int deliverySeconds,
             int deliveryRate, int inventoryUsers, int heapTokens, double offNetworkShare, int addresses, long seed) {

    Sizes {
        positive("events", events);
        positive("ingest entries", ingestEntries);
        positive("users", users);
        positive("latency seconds", latencySeconds);
        positive("rate", rate);
        positive("delivery seconds", deliverySeconds);
        positive("delivery rate", deliveryRate);
        positive("inventory users", inventoryUsers);
        positive("heap tokens", heapTokens);
        if (ingestEntries < 10 || ingestEntries > 200_000) {
            throw new IllegalArgumentException("--ingest-entries must be 10..200000 (the simulator's limits)");
        }
        if (users > 10_000 || inventoryUsers > 10_000) {
            throw new IllegalArgumentException("--users and --inventory-users must be at most 10000 (the simulator's limit)");
        }
        if (offNetworkShare < 0 || offNetworkShare > 1) {
            throw new IllegalArgumentException("--off-network must be a percentage 0..100");
        }
    }

    private static void positive(String what, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(what + " must be positive");
        }
    }

    /** The full run (10-15 minutes on 2 cores). */
    static Sizes full() {
        return new Sizes(600_000, 100_000, 3_000, 60, 2_000, 60, 20, 10_000, 1_000_000, 0.05, 10_000, 42);
    }

    /** {@code --quick}: about 6 minutes on 2 cores; fewer events and 200k tokens for the heap figure. */
    static Sizes quick() {
        return new Sizes(150_000, 20_000, 1_000, 20, 2_000, 15, 20, 10_000, 200_000, 0.05, 10_000, 42);
    }

    Sizes withEvents(int v) {
        return new Sizes(v, ingestEntries, users, latencySeconds, rate, deliverySeconds, deliveryRate, inventoryUsers, heapTokens, offNetworkShare, addresses, seed);
    }

    Sizes withIngestEntries(int v) {
        return new Sizes(events, v, users, latencySeconds, rate, deliverySeconds, deliveryRate, inventoryUsers, heapTokens, offNetworkShare, addresses, seed);
    }

    Sizes withUsers(int v) {
        return new Sizes(events, ingestEntries, v, latencySeconds, rate, deliverySeconds, deliveryRate, inventoryUsers, heapTokens, offNetworkShare, addresses, seed);
    }

    Sizes withLatencySeconds(int v) {
        return new Sizes(events, ingestEntries, users, v, rate, deliverySeconds, deliveryRate, inventoryUsers, heapTokens, offNetworkShare, addresses, seed);
    }

    Sizes withRate(int v) {
        return new Sizes(events, ingestEntries, users, latencySeconds, v, deliverySeconds, deliveryRate, inventoryUsers, heapTokens, offNetworkShare, addresses, seed);
    }

    Sizes withDeliverySeconds(int v) {
        return new Sizes(events, ingestEntries, users, latencySeconds, rate, v, deliveryRate, inventoryUsers, heapTokens, offNetworkShare, addresses, seed);
    }

    Sizes withInventoryUsers(int v) {
        return new Sizes(events, ingestEntries, users, latencySeconds, rate, deliverySeconds, deliveryRate, v, heapTokens, offNetworkShare, addresses, seed);
    }

    Sizes withHeapTokens(int v) {
        return new Sizes(events, ingestEntries, users, latencySeconds, rate, deliverySeconds, deliveryRate, inventoryUsers, v, offNetworkShare, addresses, seed);
    }

    Sizes withOffNetworkShare(double v) {
        return new Sizes(events, ingestEntries, users, latencySeconds, rate, deliverySeconds, deliveryRate, inventoryUsers, heapTokens, v, addresses, seed);
    }

    Sizes withSeed(long v) {
        return new Sizes(events, ingestEntries, users, latencySeconds, rate, deliverySeconds, deliveryRate, inventoryUsers, heapTokens, offNetworkShare, addresses, v);
    }
}
