package dev.patrol.testkit.internal;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.core.joran.spi.JoranException;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.net.URL;

/**
 * Logback's configuration for tests of modules that have no {@code logback-test.xml} of their own. Without it,
 * logback's fallback logs everything at DEBUG, and Kafka's clients and broker write tens of thousands of lines per
 * IT. This applies {@code dev/patrol/testkit/logback-default.xml} (INFO; Kafka and the broker at WARN) instead.
 *
 * <p>Registered as a logback {@link Configurator} service, which logback asks before looking for files itself; so it
 * steps aside whenever a module brings {@code logback-test.xml} or {@code logback.xml}, or
 * {@code -Dlogback.configurationFile} is set. Only in effect where the testkit is on the classpath, i.e. in tests.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_LOW_PRIORITY)
public final class TestkitLogbackConfigurator extends ContextAwareBase implements Configurator {

    static final String DEFAULT_CONFIG = "dev/patrol/testkit/logback-default.xml";

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (System.getProperty("logback.configurationFile") != null
                || resource("logback-test.xml") != null || resource("logback.xml") != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        URL config = resource(DEFAULT_CONFIG);
        if (config == null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        JoranConfigurator joran = new JoranConfigurator();
        joran.setContext(context);
        try {
            joran.doConfigure(config);
            return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
        } catch (JoranException e) {
            addError("cannot apply " + DEFAULT_CONFIG, e);
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
    }

    private static URL resource(String name) {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        URL url = context == null ? null : context.getResource(name);
        return url != null ? url : TestkitLogbackConfigurator.class.getClassLoader().getResource(name);
    }
}
