package dev.patrol.simulator;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A request's query string as ADO's ASP.NET front end reads it: names match case-insensitively, values are
 * form-decoded (so an unencoded {@code +} arrives as a space, exactly the bug that breaks {@code +00:00} offsets in
 * real clients), the first of repeated names wins, and a blank value counts as absent.
 */
final class QueryParams {

    private final Map<String, String> values;

    private QueryParams(Map<String, String> values) {
        this.values = values;
    }

    static QueryParams parse(String rawQuery) {
        Map<String, String> values = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        if (rawQuery != null) {
            for (String pair : rawQuery.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int equals = pair.indexOf('=');
                String name = decode(equals < 0 ? pair : pair.substring(0, equals));
                String value = equals < 0 ? "" : decode(pair.substring(equals + 1));
                values.putIfAbsent(name, value);
            }
        }
        return new QueryParams(values);
    }

    Optional<String> text(String name) {
        String value = values.get(name);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.strip());
    }

    int positiveInt(String name, int defaultValue) {
        Optional<String> text = text(name);
        if (text.isEmpty()) {
            return defaultValue;
        }
        try {
            int value = Integer.parseInt(text.get());
            if (value >= 1) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below, with the value
        }
        throw AdoRequestException.badRequest("The value '" + text.get() + "' of parameter " + name
                + " is not valid: expected a positive integer.");
    }

    boolean bool(String name, boolean defaultValue) {
        Optional<String> text = text(name);
        if (text.isEmpty()) {
            return defaultValue;
        }
        return switch (text.get().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw AdoRequestException.badRequest("The value '" + text.get() + "' of parameter " + name
                    + " is not valid: expected true or false.");
        };
    }

    /** An ISO-8601 date-time with an offset; one without is ambiguous, so it is refused rather than guessed. */
    Optional<Instant> dateTime(String name) {
        Optional<String> text = text(name);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(AdoTime.parseOffsetDateTime(text.get()));
        } catch (DateTimeParseException e) {
            throw AdoRequestException.badRequest("The value '" + text.get() + "' of parameter " + name
                    + " is not valid: expected an ISO-8601 date-time with an offset, e.g. 2026-05-01T10:00:00Z"
                    + " (encode '+' as %2B).");
        }
    }

    private static String decode(String text) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw AdoRequestException.badRequest("The query string is not correctly percent-encoded.");
        }
    }
}
