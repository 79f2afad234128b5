package dev.patrol.alerts.response;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Revocations per organization in a sliding hour. Fed from the actions topic at start (so a restart does not reset
 * the cap) and as revocations happen. Not thread-safe: the response service guards it with its lock.
 */
final class HourlyCap {

    static final Duration WINDOW = Duration.ofHours(1);

    private final int limit;
    private final Map<String, List<Instant>> used = new HashMap<>();

    HourlyCap(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("cap must be at least 1, was " + limit);
        }
        this.limit = limit;
    }

    int limit() {
        return limit;
    }

    /** Counts one revocation at {@code at}; times may arrive out of order (partitions are read interleaved). */
    void record(String organization, Instant at) {
        used.computeIfAbsent(key(organization), k -> new ArrayList<>()).add(at);
    }

    /** Revocations in {@code (now - 1h, now]}. */
    int used(String organization, Instant now) {
        List<Instant> times = used.get(key(organization));
        if (times == null) {
            return 0;
        }
        Instant from = now.minus(WINDOW);
        times.removeIf(t -> !t.isAfter(from));
        return (int) times.stream().filter(t -> !t.isAfter(now)).count();
    }

    /** Whether {@code reserved} revocations already under way plus one more would exceed the cap. */
    boolean full(String organization, Instant now, int reserved) {
        return used(organization, now) + reserved >= limit;
    }

    /** When the oldest revocation in the window leaves it, i.e. when the cap next has room. */
    Optional<Instant> nextRoomAt(String organization, Instant now) {
        used(organization, now);
        List<Instant> times = used.get(key(organization));
        return times == null || times.isEmpty() ? Optional.empty()
                : times.stream().min(Instant::compareTo).map(t -> t.plus(WINDOW));
    }

    private static String key(String organization) {
        return organization.toLowerCase(Locale.ROOT);
    }
}
