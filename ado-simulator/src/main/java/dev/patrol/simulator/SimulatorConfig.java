package dev.patrol.simulator;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How to build and serve a simulated organization.
 *
 * @param organization the organization name in every path ({@code /{organization}/_apis/...})
 * @param pat          the only PAT the server accepts (as the Basic-auth password, any user name)
 * @param seed         drives every generated value: the same seed and the same clock give identical data
 * @param port         TCP port on 127.0.0.1; 0 picks a free one
 * @param users        how many users to generate (1..1000)
 * @param auditEntries how many audit entries to generate: 0 for an empty log that tests script themselves, or at
 *                     least {@value #MIN_AUDIT_ENTRIES} so the planted off-network uses fit
 * @param history      the generated entries spread over {@code [now - history, now)}; at most 90 days
 * @param clock        "now" for generation, for which entries are visible, and for rate-limit reset times
 */
public record SimulatorConfig(String organization, String pat, long seed, int port, int users,
                              int auditEntries, Duration history, Clock clock) {

    /** The fewest generated entries that leave room for the planted ones next to ordinary traffic. */
    public static final int MIN_AUDIT_ENTRIES = 10;
    public static final int MAX_USERS = 1000;
    public static final int MAX_AUDIT_ENTRIES = 100_000;
    /** ADO's audit retention; also keeps generated year-long tokens alive across the whole history. */
    public static final Duration MAX_HISTORY = Duration.ofDays(90);

    // Same rule PATrol applies to its own organization setting.
    private static final Pattern ORGANIZATION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

    public SimulatorConfig {
        Objects.requireNonNull(organization, "organization");
        Objects.requireNonNull(pat, "pat");
        Objects.requireNonNull(history, "history");
        Objects.requireNonNull(clock, "clock");
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
    }

    /** organization "contoso", the fixed PAT "sim-pat-not-a-secret", seed 42, a free port, 12 users, 200 entries over 6h. */
    public static SimulatorConfig defaults() {
        return new SimulatorConfig("contoso", "sim-pat-not-a-secret", 42L, 0, 12, 200, Duration.ofHours(6),
                Clock.systemUTC());
    }

    public SimulatorConfig withOrganization(String organization) {
        return new SimulatorConfig(organization, pat, seed, port, users, auditEntries, history, clock);
    }

    public SimulatorConfig withPat(String pat) {
        return new SimulatorConfig(organization, pat, seed, port, users, auditEntries, history, clock);
    }

    public SimulatorConfig withSeed(long seed) {
        return new SimulatorConfig(organization, pat, seed, port, users, auditEntries, history, clock);
    }

    public SimulatorConfig withPort(int port) {
        return new SimulatorConfig(organization, pat, seed, port, users, auditEntries, history, clock);
    }

    public SimulatorConfig withUsers(int users) {
        return new SimulatorConfig(organization, pat, seed, port, users, auditEntries, history, clock);
    }

    public SimulatorConfig withAuditEntries(int auditEntries) {
        return new SimulatorConfig(organization, pat, seed, port, users, auditEntries, history, clock);
    }

    public SimulatorConfig withHistory(Duration history) {
        return new SimulatorConfig(organization, pat, seed, port, users, auditEntries, history, clock);
    }

    public SimulatorConfig withClock(Clock clock) {
        return new SimulatorConfig(organization, pat, seed, port, users, auditEntries, history, clock);
    }

    /** Masks the PAT: even a fake credential should not teach code to print credentials. */
    @Override
    public String toString() {
        return "SimulatorConfig[organization=" + organization + ", pat=****, seed=" + seed + ", port=" + port
                + ", users=" + users + ", auditEntries=" + auditEntries + ", history=" + history + ", clock=" + clock + "]";
    }
}
