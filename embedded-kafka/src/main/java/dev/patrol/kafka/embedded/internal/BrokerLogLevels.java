package dev.patrol.kafka.embedded.internal;

import java.lang.reflect.Method;
import java.util.List;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

/**
 * Sets the embedded broker's loggers to WARN when the application did not configure them, so a CLI that embeds the
 * broker shows its own lifecycle lines rather than a few hundred lines of Kafka startup at INFO.
 *
 * <p>Only logback is touched (the project's backend), through reflection so this module does not force logback on
 * anyone; with another backend, or none, nothing happens. A logger counts as configured when it or one of its
 * ancestors below the root has a level in the application's logback configuration: {@code <logger name="kafka"
 * level="INFO"/>} or {@code <logger name="org.apache.kafka" level="DEBUG"/>} bring the broker's lines back.
 *
 * <p>The names cover the broker and controller code (Scala {@code kafka.*} and the Java server-side packages), not
 * {@code org.apache.kafka.clients} or {@code org.apache.kafka.streams}, which the application's own clients share.
 * Three loggers in {@code org.apache.kafka.common} are shared with the clients but must be included: the broker
 * dumps its whole config through {@code AbstractConfig} four times per start (some 1,500 lines), and
 * {@code AppInfoParser} and {@code Metrics} add a dozen lines per start and stop. The application's clients lose
 * their config dumps and version lines at INFO too, which a CLI wants anyway.
 *
 * <p>What remains at WARN on a normal start and stop: one {@code QuorumController} line "Performing controller
 * activation" per start, and one {@code NetworkClient} line "Attempting to close NetworkClient that has already been
 * closed" per stop. Kafka logs both at WARN; neither carries a stack trace.
 */
public final class BrokerLogLevels {

    /** Loggers of the broker's code, and the three shared ones explained above. */
    static final List<String> BROKER_LOGGERS = List.of(
            "kafka",
            "state.change.logger",
            "org.apache.kafka.common.config.AbstractConfig",
            "org.apache.kafka.common.metrics.Metrics",
            "org.apache.kafka.common.utils.AppInfoParser",
            "org.apache.kafka.controller",
            "org.apache.kafka.coordinator",
            "org.apache.kafka.image",
            "org.apache.kafka.metadata",
            "org.apache.kafka.network",
            "org.apache.kafka.queue",
            "org.apache.kafka.raft",
            "org.apache.kafka.security",
            "org.apache.kafka.server",
            "org.apache.kafka.snapshot",
            "org.apache.kafka.storage",
            "org.apache.kafka.timeline");

    private static final String LOGBACK_CONTEXT = "ch.qos.logback.classic.LoggerContext";

    private BrokerLogLevels() {
    }

    public static void quietUnlessConfigured() {
        ILoggerFactory factory = LoggerFactory.getILoggerFactory();
        if (!factory.getClass().getName().equals(LOGBACK_CONTEXT)) {
            return;
        }
        try {
            Class<?> levelType = Class.forName("ch.qos.logback.classic.Level", true, factory.getClass().getClassLoader());
            Object warn = levelType.getField("WARN").get(null);
            for (String name : BROKER_LOGGERS) {
                if (!configured(factory, name)) {
                    Object logger = factory.getLogger(name);
                    logger.getClass().getMethod("setLevel", levelType).invoke(logger, warn);
                }
            }
        } catch (ReflectiveOperationException | LinkageError e) {
            // A logback this code does not know: leave its levels alone rather than fail the broker start.
            LoggerFactory.getLogger(BrokerLogLevels.class).debug("cannot set the broker log levels", e);
        }
    }

    private static boolean configured(ILoggerFactory factory, String name) throws ReflectiveOperationException {
        for (String n = name; !n.isEmpty(); n = n.contains(".") ? n.substring(0, n.lastIndexOf('.')) : "") {
            Object logger = factory.getLogger(n);
            Method getLevel = logger.getClass().getMethod("getLevel");
            if (getLevel.invoke(logger) != null) {
                return true;
            }
        }
        return false;
    }
}
