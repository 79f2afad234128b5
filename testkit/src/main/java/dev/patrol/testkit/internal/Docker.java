package dev.patrol.testkit.internal;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;

/** Whether a Docker engine answers, as Testcontainers sees it. */
public final class Docker {

    private Docker() {
    }

    /**
     * Asks Testcontainers whether a Docker engine answers (it caches the answer for the JVM). Without Docker,
     * Testcontainers logs "Could not find a valid Docker environment" at ERROR with every strategy it tried; for
     * {@code auto} that is the expected outcome, not an error, so {@code quietly} mutes its loggers for the check.
     * An explicit {@code testcontainers} choice asks loudly, so the reason shows.
     */
    public static boolean answers(boolean quietly) {
        ILoggerFactory factory = LoggerFactory.getILoggerFactory();
        if (!quietly || !(factory instanceof LoggerContext context)) {
            return DockerClientFactory.instance().isDockerAvailable();
        }
        Logger testcontainers = context.getLogger("org.testcontainers");
        Level configured = testcontainers.getLevel();
        testcontainers.setLevel(Level.OFF);
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } finally {
            testcontainers.setLevel(configured);
        }
    }
}
