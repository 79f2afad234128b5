package dev.patrol.deploy.report;

/**
 * How long a token was issued for ({@code validTo - validFrom}, in whole days rounded down). Long-lived tokens are
 * what a leak makes expensive; the buckets follow the lifetimes ADO's PAT dialog offers (30, 60, 90 days, a year).
 */
public enum LifetimeBucket {
    UP_TO_30_DAYS("≤ 30 d"),
    UP_TO_90_DAYS("≤ 90 d"),
    UP_TO_180_DAYS("≤ 180 d"),
    UP_TO_365_DAYS("≤ 365 d"),
    OVER_365_DAYS("> 365 d"),
    NO_EXPIRY("no expiry"),
    /** ADO listed an expiry but no start, so the lifetime cannot be computed. Shown only when it occurs. */
    UNKNOWN("unknown (no validFrom)");

    private final String label;

    LifetimeBucket(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /**
     * @param lifetimeDays whole days between validFrom and validTo; null when either is missing
     * @param hasExpiry    whether the token has a validTo at all
     */
    public static LifetimeBucket of(Long lifetimeDays, boolean hasExpiry) {
        if (!hasExpiry) {
            return NO_EXPIRY;
        }
        if (lifetimeDays == null) {
            return UNKNOWN;
        }
        if (lifetimeDays <= 30) {
            return UP_TO_30_DAYS;
        }
        if (lifetimeDays <= 90) {
            return UP_TO_90_DAYS;
        }
        if (lifetimeDays <= 180) {
            return UP_TO_180_DAYS;
        }
        return lifetimeDays <= 365 ? UP_TO_365_DAYS : OVER_365_DAYS;
    }
}
