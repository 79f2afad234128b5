package dev.patrol.simulator;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;

/** How Azure DevOps writes times: .NET ticks in audit ids, 7-digit fractions in JSON. */
final class AdoTime {

    /** {@code DateTime.MaxValue.Ticks}: 100 ns intervals from 0001-01-01 to 9999-12-31T23:59:59.9999999. */
    static final long DOTNET_MAX_VALUE_TICKS = 3_155_378_975_999_999_999L;
    /** .NET ticks at 1970-01-01T00:00:00Z. */
    static final long DOTNET_TICKS_AT_UNIX_EPOCH = 621_355_968_000_000_000L;
    private static final long TICKS_PER_SECOND = 10_000_000L;
    private static final long NANOS_PER_TICK = 100L;

    /** Audit {@code timestamp}: always 7 fractional digits and an explicit {@code +00:00}. */
    private static final DateTimeFormatter AUDIT_TIMESTAMP = new DateTimeFormatterBuilder()
            .appendPattern("uuuu-MM-dd'T'HH:mm:ss")
            .appendFraction(ChronoField.NANO_OF_SECOND, 7, 7, true)
            .appendOffset("+HH:MM", "+00:00")
            .toFormatter()
            .withZone(ZoneOffset.UTC);

    /**
     * vssps dates (tokenadmin {@code validFrom}/{@code validTo}): .NET's round-trip style with trailing zeros of the
     * fraction dropped ({@code FFFFFFF}) and {@code Z}, so clients see both short and long fractions.
     */
    private static final DateTimeFormatter VSSPS_DATE = new DateTimeFormatterBuilder()
            .appendPattern("uuuu-MM-dd'T'HH:mm:ss")
            .appendFraction(ChronoField.NANO_OF_SECOND, 0, 7, true)
            .appendLiteral('Z')
            .toFormatter()
            .withZone(ZoneOffset.UTC);

    private AdoTime() {
    }

    static long dotNetTicks(Instant instant) {
        return DOTNET_TICKS_AT_UNIX_EPOCH + instant.getEpochSecond() * TICKS_PER_SECOND + instant.getNano() / NANOS_PER_TICK;
    }

    /** The first segment of a decorated audit id: {@code (DateTime.MaxValue - timestamp).Ticks}, 19 digits. */
    static String reverseTicks(Instant timestamp) {
        return String.format("%019d", DOTNET_MAX_VALUE_TICKS - dotNetTicks(timestamp));
    }

    /** .NET cannot represent finer than a tick, so every generated instant is cut to 100 ns. */
    static Instant truncateToTick(Instant instant) {
        return instant.minusNanos(instant.getNano() % NANOS_PER_TICK);
    }

    static String auditTimestamp(Instant instant) {
        return AUDIT_TIMESTAMP.format(instant);
    }

    static String vsspsDate(Instant instant) {
        return VSSPS_DATE.format(instant);
    }

    /**
     * Parses an ISO-8601 date-time that carries an offset ({@code Z} or {@code +hh:mm}).
     *
     * @throws DateTimeParseException when the text is not one
     */
    static Instant parseOffsetDateTime(String text) {
        return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
    }
}
