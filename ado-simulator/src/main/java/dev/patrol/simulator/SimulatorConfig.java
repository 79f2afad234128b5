package dev.patrol.simulator;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How to build and serve a simulated organization.
 *
 * <p>Scale knobs for benchmarks: {@code users}, {@code patsPerUser} and the audit log's size, set directly
 * ({@code auditEntries}) or as a rate ({@link #withAuditEntriesPerDay}). The limits keep one simulator within a few
 * hundred megabytes of heap (an audit entry costs about 3 KB as a JSON tree) and its generation within seconds.
 *
 * @param organization the organization name in every path ({@code /{organization}/_apis/...})
 * @param pat          the only PAT the server accepts (as the Basic-auth password, any user name)
 * @param seed         drives every generated value: the same seed and the same clock give identical data
 * @param port         TCP port on 127.0.0.1; 0 picks a free one
 * @param users        how many users to generate (1..{@value #MAX_USERS})
 * @param auditEntries how many audit entries to generate: 0 for an empty log that tests script themselves, or
 *                     {@value #MIN_AUDIT_ENTRIES}..{@value #MAX_AUDIT_ENTRIES} so the planted off-network uses fit
 * @param history      the generated entries spread over {@code [now - history, now)}; at most 90 days
 * @param clock        "now" for generation, for which entries are visible, for token expiry and rate-limit windows
 * @param patsPerUser  PATs generated per user: {@value #RANDOM_PATS_PER_USER} for one to three at random (the
 *                     default), else exactly that many (1..{@value #MAX_PATS_PER_USER}); users times PATs is at most
 *                     {@value #MAX_TOKENS}
 * @param rateLimit    the budget reported in {@code X-RateLimit-*} headers, and whether it is enforced
 * @param entra        the service principal the token endpoint issues bearer tokens to
 */
public record SimulatorConfig(String organization, String pat, long seed, int port, int users,
                              int auditEntries, Duration history, Clock clock, int patsPerUser, RateLimit rateLimit,
                              EntraApp entra) {

    /** The fewest generated entries that leave room for the planted ones next to ordinary traffic. */
    public static final int MIN_AUDIT_ENTRIES = 10;
    public static final int MAX_USERS = 10_000;
    public static final int MAX_AUDIT_ENTRIES = 200_000;
    /** {@code patsPerUser} value meaning "one to three each, at random", as a real organization looks. */
    public static final int RANDOM_PATS_PER_USER = 0;
    public static final int MAX_PATS_PER_USER = 100;
    /** Users times PATs per user (three per user when random). */
    public static final int MAX_TOKENS = 100_000;
    /** ADO's audit retention; also keeps generated year-long tokens alive across the whole history. */
    public static final Duration MAX_HISTORY = Duration.ofDays(90);

    // Same rule PATrol applies to its own organization setting.
    private static final Pattern ORGANIZATION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

    public SimulatorConfig {
        Objects.requireNonNull(organization, "organization");
        Objects.requireNonNull(pat, "pat");
        Objects.requireNonNull(history, "history");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(rateLimit, "rateLimit");
        Objects.requireNonNull(entra, "entra");
        if (!ORGANIZATION.matcher(organization).matches()) {
            throw new IllegalArgumentException("organization '" + organization
                    + "' is not an Azure DevOps organization name (letters, digits, '-', '_', '.'; at most 64)");
        }
        if (pat.isBlank()) {
            throw new IllegalArgumentException("pat must not be blank");
        }
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port " + port + " is outside 0..65535 (0 picks a free port)");
        }
        if (users < 1 || users > MAX_USERS) {
            throw new IllegalArgumentException("users " + users + " is outside 1.." + MAX_USERS);
        }
        if (auditEntries != 0 && (auditEntries < MIN_AUDIT_ENTRIES || auditEntries > MAX_AUDIT_ENTRIES)) {
            throw new IllegalArgumentException("auditEntries " + auditEntries + " must be 0 (an empty log) or "
                    + MIN_AUDIT_ENTRIES + ".." + MAX_AUDIT_ENTRIES + " (room for the planted off-network uses)");
        }
        if (history.isNegative() || history.isZero() || history.compareTo(MAX_HISTORY) > 0) {
            throw new IllegalArgumentException("history " + history + " must be positive and at most "
                    + MAX_HISTORY.toDays() + " days (ADO keeps audit events 90 days)");
        }
        if (patsPerUser < RANDOM_PATS_PER_USER || patsPerUser > MAX_PATS_PER_USER) {
            throw new IllegalArgumentException("patsPerUser " + patsPerUser + " must be " + RANDOM_PATS_PER_USER
                    + " (one to three at random) or 1.." + MAX_PATS_PER_USER);
        }
        long tokens = (long) users * (patsPerUser == RANDOM_PATS_PER_USER ? 3 : patsPerUser);
        if (tokens > MAX_TOKENS) {
            throw new IllegalArgumentException("users " + users + " with " + (patsPerUser == RANDOM_PATS_PER_USER
                    ? "up to 3" : Integer.toString(patsPerUser)) + " PATs each exceeds " + MAX_TOKENS + " tokens");
        }
    }

    /** The configuration before the scale, rate-limit and Entra settings: one to three PATs a user, defaults for the rest. */
    public SimulatorConfig(String organization, String pat, long seed, int port, int users, int auditEntries,
                           Duration history, Clock clock) {
        this(organization, pat, seed, port, users, auditEntries, history, clock, RANDOM_PATS_PER_USER,
                RateLimit.reportOnly(), EntraApp.defaults());
    }

    /**
     * organization "contoso", the fixed PAT "sim-pat-not-a-secret", seed 42, a free port, 12 users with one to three
     * PATs each, 200 entries over 6h, an unenforced rate limit, the default Entra application.
     */
    public static SimulatorConfig defaults() {
        return new SimulatorConfig("contoso", "sim-pat-not-a-secret", 42L, 0, 12, 200, Duration.ofHours(6),
                Clock.systemUTC());
    }

    public SimulatorConfig withOrganization(String organization) {
        return new SimulatorConfig(organization, pat, seed, port, users, auditEntries, history, clock, patsPerUser, rateLimit, entra);
    }

    public SimulatorConfig withPat(String pat) {
        return new SimulatorConfig(organization, pat, seed, port, users, auditEntries, history, clock, patsPerUser, rateLimit, entra);
    }

    public SimulatorConfig withSeed(long seed) {
        return new SimulatorConfig(organization, pat, seed, port, users, auditEntries, history, clock, patsPerUser, rateLimit, entra);
    }

    public SimulatorConfig withPort(int port) {
        return new SimulatorConfig(organization, pat, seed, port, users, auditEntries, history, clock, patsPerUser, rateLimit, entra);
    }

    public SimulatorConfig withUsers(int users) {
        return new SimulatorConfig(organization, pat, seed, port, users, auditEntries, history, clock, patsPerUser, rateLimit, entra);
    }

    public SimulatorConfig withAuditEntries(int auditEntries) {
        return new SimulatorConfig(organization, pat, seed, port, users, auditEntries, history, clock, patsPerUser, rateLimit, entra);
    }

    public SimulatorConfig withHistory(Duration history) {
        return new SimulatorConfig(organization, pat, seed, port, users, auditEntries, history, clock, patsPerUser, rateLimit, entra);
    }

    public SimulatorConfig withClock(Clock clock) {
        return new SimulatorConfig(organization, pat, seed, port, users, auditEntries, history, clock, patsPerUser, rateLimit, entra);
    }

    public SimulatorConfig withPatsPerUser(int patsPerUser) {
        return new SimulatorConfig(organization, pat, seed, port, users, auditEntries, history, clock, patsPerUser, rateLimit, entra);
    }

    public SimulatorConfig withRateLimit(RateLimit rateLimit) {
        return new SimulatorConfig(organization, pat, seed, port, users, auditEntries, history, clock, patsPerUser, rateLimit, entra);
    }

    public SimulatorConfig withEntra(EntraApp entra) {
        return new SimulatorConfig(organization, pat, seed, port, users, auditEntries, history, clock, patsPerUser, rateLimit, entra);
    }

    /**
     * Sets {@code auditEntries} from a rate over the <em>current</em> history (so set the history first): e.g. 2,000 a
     * day over 30 days is 60,000 entries. 0 gives an empty log.
     *
     * @throws IllegalArgumentException when the resulting count is outside the {@code auditEntries} limits
     */
    public SimulatorConfig withAuditEntriesPerDay(int perDay) {
        if (perDay < 0) {
            throw new IllegalArgumentException("audit entries per day " + perDay + " is negative");
        }
        long entries = Math.round(perDay * (history.toSeconds() / 86_400.0));
        if (perDay > 0 && (entries < MIN_AUDIT_ENTRIES || entries > MAX_AUDIT_ENTRIES)) {
            throw new IllegalArgumentException(perDay + " audit entries per day over " + history + " is " + entries
                    + " entries, outside " + MIN_AUDIT_ENTRIES + ".." + MAX_AUDIT_ENTRIES);
        }
        return withAuditEntries((int) entries);
    }

    /** The log's average daily volume over the history. */
    public double auditEntriesPerDay() {
        return auditEntries / (history.toSeconds() / 86_400.0);
    }

    /** Masks the PAT and the Entra credentials: even fake ones should not teach code to print credentials. */
    @Override
    public String toString() {
        return "SimulatorConfig[organization=" + organization + ", pat=****, seed=" + seed + ", port=" + port
                + ", users=" + users + ", patsPerUser=" + patsPerUser + ", auditEntries=" + auditEntries + ", history="
                + history + ", clock=" + clock + ", rateLimit=" + rateLimit + ", entra=" + entra + "]";
    }
}
