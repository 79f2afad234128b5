package dev.patrol.streams.enrich;

import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The merged GeoIP answer per address, bounded at about {@code capacity} entries, least recently used out first. Audit
 * traffic repeats a few addresses (the corporate egress, CI runners, a user's home line), so most lookups are answered
 * here without touching a database.
 *
 * <p>Striped: each address belongs to one of up to {@value #MAX_STRIPES} access-ordered maps under its own lock, so
 * stream threads rarely wait for one another. {@link #clear()} starts a new generation; an answer computed from the
 * databases of an earlier generation is never stored ({@link #put}), so once a reloaded file is in use no lookup can
 * get an answer from the file it replaced. Thread-safe.
 */
final class AddressCache {

    static final int MAX_STRIPES = 16;

    private final Stripe[] stripes;
    private volatile long generation; // incremented under this object's lock, read without it

    /** @param capacity at least 1 */
    AddressCache(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
        }
        int count = Math.min(MAX_STRIPES, capacity);
        int perStripe = (capacity + count - 1) / count;
        stripes = new Stripe[count];
        for (int i = 0; i < count; i++) {
            stripes[i] = new Stripe(perStripe);
        }
    }

    /** The generation to pass to {@link #put}: read it before looking the address up in the databases. */
    long generation() {
        return generation;
    }

    /** The cached answer, or null. */
    GeoIpResult get(InetAddress address) {
        Stripe stripe = stripe(address);
        synchronized (stripe) {
            return stripe.get(address);
        }
    }

    /** Stores {@code result} unless the cache was cleared since {@code generation} was read. */
    void put(InetAddress address, GeoIpResult result, long generation) {
        Stripe stripe = stripe(address);
        synchronized (stripe) {
            if (generation == this.generation) {
                stripe.put(address, result);
            }
        }
    }

    /** Forgets every answer; answers computed before this call are not stored afterwards. */
    void clear() {
        synchronized (this) {
            generation++;
        }
        for (Stripe stripe : stripes) {
            synchronized (stripe) {
                stripe.clear();
            }
        }
    }

    /** Entries held now (for tests). */
    int size() {
        int size = 0;
        for (Stripe stripe : stripes) {
            synchronized (stripe) {
                size += stripe.size();
            }
        }
        return size;
    }

    private Stripe stripe(InetAddress address) {
        int h = address.hashCode();
        h ^= h >>> 16;
        return stripes[Math.floorMod(h, stripes.length)];
    }

    private static final class Stripe extends LinkedHashMap<InetAddress, GeoIpResult> {
        private static final long serialVersionUID = 1L;
        private final int capacity;

        Stripe(int capacity) {
            super(16, 0.75f, true);
            this.capacity = capacity;
        }

        @Override
        protected boolean removeEldestEntry(Map.Entry<InetAddress, GeoIpResult> eldest) {
            return size() > capacity;
        }
    }
}
