package dev.patrol.testkit;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit extension: one {@link TestKafka} per test class, started before all its tests and closed after them. A new
 * broker per test method would cost a start each (seconds with Testcontainers); tests in a class share the broker
 * and keep apart by topic names.
 *
 * <p>The broker reaches the test through a static field of type {@code TestKafka} (any visibility), or as a
 * parameter of a constructor, a {@code @BeforeAll}/{@code @BeforeEach} or a test method:
 * <pre>{@code
 * @ExtendWith(KafkaExtension.class)
 * class AuditPollerIT {
 *     static TestKafka kafka;
 *
 *     @Test
 *     void shouldPublishEntriesWhenPolled() { ... kafka.bootstrapServers() ... }
 * }
 * }</pre>
 * {@code @Nested} classes share the enclosing class's broker.
 */
public final class KafkaExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(KafkaExtension.class);
    private static final String KEY = "broker";

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        ExtensionContext.Store store = context.getStore(NAMESPACE);
        // A @Nested class finds its enclosing class's broker through the parent store.
        TestKafka kafka = store.get(KEY, TestKafka.class);
        if (kafka == null) {
            kafka = TestKafka.start();
            store.put(KEY, kafka);
        }
        injectStaticFields(context.getRequiredTestClass(), kafka);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        // remove() only sees this class's own store: a @Nested class leaves its enclosing class's broker running.
        TestKafka kafka = context.getStore(NAMESPACE).remove(KEY, TestKafka.class);
        if (kafka != null) {
            kafka.close();
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == TestKafka.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        TestKafka kafka = extensionContext.getStore(NAMESPACE).get(KEY, TestKafka.class);
        if (kafka == null) {
            throw new ExtensionConfigurationException("no TestKafka for " + parameterContext.getDeclaringExecutable()
                    + ": KafkaExtension starts one per test class, so register it on the class (@ExtendWith), "
                    + "not on a method");
        }
        return kafka;
    }

    private static void injectStaticFields(Class<?> testClass, TestKafka kafka) throws IllegalAccessException {
        for (Class<?> c = testClass; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field field : c.getDeclaredFields()) {
                if (field.getType() == TestKafka.class && Modifier.isStatic(field.getModifiers())) {
                    if (Modifier.isFinal(field.getModifiers())) {
                        throw new ExtensionConfigurationException("static TestKafka field " + field.getName()
                                + " in " + c.getName() + " must not be final: KafkaExtension sets it");
                    }
                    field.setAccessible(true);
                    field.set(null, kafka);
                }
            }
        }
    }
}
