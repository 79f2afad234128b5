package dev.patrol.simulator;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The bearer tokens the simulator's token endpoint has issued, and which of them the ADO endpoints still accept:
 * issued and not yet expired on the simulator's clock, and not {@link #revokeAll() revoked}. Tokens are opaque
 * random strings; only their SHA-256 is kept. Thread-safe.
 */
public final class EntraTokens {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Map<String, Instant> expiryByDigest = new ConcurrentHashMap<>();
    private final AtomicInteger issued = new AtomicInteger();
    private final AtomicInteger requests = new AtomicInteger();

    EntraTokens() {
    }

    /** How many tokens the endpoint has issued so far (a client that caches them asks rarely). */
    public int issued() {
        return issued.get();
    }

    /** How many token requests arrived, refused ones included. */
    public int requests() {
        return requests.get();
    }

    /**
     * Every token issued so far stops working at once, as when Entra revokes a principal's sessions or the
     * principal loses access: the next ADO call with one gets 401, and a client must fetch a new token.
     */
    public void revokeAll() {
        expiryByDigest.clear();
    }

    void countRequest() {
        requests.incrementAndGet();
    }

    String issue(Instant expiresAt) {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        String token = "sim-entra." + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        expiryByDigest.put(digest(token), expiresAt);
        issued.incrementAndGet();
        return token;
    }

    boolean accepts(String token, Instant now) {
        Instant expiresAt = expiryByDigest.get(digest(token));
        return expiresAt != null && now.isBefore(expiresAt);
    }

    private static String digest(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform must provide SHA-256", e);
        }
    }
}
