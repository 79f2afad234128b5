package dev.patrol.testkit.internal;

import java.util.Locale;
import java.util.function.Function;

/**
 * Which broker an IT gets, from the system property {@code patrol.it.broker} or the environment variable
 * {@code PATROL_IT_BROKER}.
 *
 * <p>The parent pom passes the property to failsafe with the default {@code auto}, so under Maven the property is
 * always set. An explicit choice ({@code embedded} or {@code testcontainers}) in either place therefore wins over
 * {@code auto} in the other; when both are explicit, the property wins.
 */
public enum BrokerChoice {
    AUTO, EMBEDDED, TESTCONTAINERS;

    public static final String PROPERTY = "patrol.it.broker";
    public static final String ENV = "PATROL_IT_BROKER";

    public static BrokerChoice current() {
        return resolve(System::getProperty, System::getenv);
    }

    static BrokerChoice resolve(Function<String, String> properties, Function<String, String> env) {
        BrokerChoice fromProperty = parse(properties.apply(PROPERTY), "system property " + PROPERTY);
        BrokerChoice fromEnv = parse(env.apply(ENV), "environment variable " + ENV);
        return fromProperty != AUTO ? fromProperty : fromEnv;
    }

    private static BrokerChoice parse(String value, String source) {
        if (value == null || value.isBlank()) {
            return AUTO;
        }
        try {
            return valueOf(value.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + " must be auto, embedded or testcontainers, not '" + value
                    + "'", e);
        }
    }
}
