package dev.patrol.deploy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;

/**
 * Serves one process's meters to Prometheus ({@code /metrics}) and its health to an orchestrator
 * ({@code /health/live}: the process answers; {@code /health/ready}: its service is running). The registry is created
 * here and handed to the services: never a global one. No authentication: meters carry no secret and no user, IP or
 * token (low-cardinality tags only); bind it to a private address ({@code metrics.bindAddress}) or let a network policy
 * decide who scrapes. GET only, no request body is read, and a request not complete within
 * {@value #MAX_REQUEST_SECONDS} s is cut off.
 */
final class MetricsServer implements AutoCloseable {

    static final String MAX_REQUEST_TIME_PROPERTY = "sun.net.httpserver.maxReqTime";
    static final long MAX_REQUEST_SECONDS = 60;

    private final PrometheusMeterRegistry registry;
    private final HttpServer server;
    private final JvmGcMetrics gcMetrics;

    private MetricsServer(PrometheusMeterRegistry registry, HttpServer server, JvmGcMetrics gcMetrics) {
        this.registry = registry;
        this.server = server;
        this.gcMetrics = gcMetrics;
    }

    /** A registry with JVM meters bound; serves it when {@code port > 0}, else only keeps it. */
    static MetricsServer start(String bindAddress, int port, BooleanSupplier ready) throws IOException {
        var registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        var gc = new JvmGcMetrics();
        gc.bindTo(registry);
        if (port <= 0) {
            return new MetricsServer(registry, null, gc);
        }
        limitRequestTime();
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(bindAddress, port), 16);
        } catch (IOException e) {
            gc.close();
            throw new IOException("cannot serve metrics on " + bindAddress + ":" + port + " (" + e.getMessage()
                    + "); set another port, or 0 to turn the endpoint off", e);
        }
        server.createContext("/metrics", exchange -> respond(exchange, 200,
                "text/plain; version=0.0.4; charset=utf-8", registry.scrape()));
        server.createContext("/health/live", exchange -> respond(exchange, 200, "text/plain", "live\n"));
        server.createContext("/health/ready", exchange -> {
            boolean ok = ready.getAsBoolean();
            respond(exchange, ok ? 200 : 503, "text/plain", ok ? "ready\n" : "not ready\n");
        });
        server.setExecutor(Executors.newFixedThreadPool(2, runnable -> {
            Thread thread = new Thread(runnable, "patrol-metrics");
            thread.setDaemon(true);
            return thread;
        }));
        server.start();
        return new MetricsServer(registry, server, gc);
    }

    /**
     * Sets the JDK server's request-time limit ({@value #MAX_REQUEST_TIME_PROPERTY}, seconds) unless the JVM was started
     * with it. It is JVM-wide and read once, when the first JDK HTTP server starts, and this server is the first in
     * every {@code patrol} process: without this, neither these two threads nor the audit-stream receiver's or the
     * approval page's would be protected from a client that never finishes its headers.
     */
    static synchronized void limitRequestTime() {
        if (System.getProperty(MAX_REQUEST_TIME_PROPERTY) == null) {
            System.setProperty(MAX_REQUEST_TIME_PROPERTY, Long.toString(MAX_REQUEST_SECONDS));
        }
    }

    private static void respond(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        try (exchange) {
            if (!"GET".equals(exchange.getRequestMethod())) {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", contentType);
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    PrometheusMeterRegistry registry() {
        return registry;
    }

    /** Where {@code /metrics} is served, or null when off. */
    URI url() {
        if (server == null) {
            return null;
        }
        var address = server.getAddress();
        String host = address.getAddress().isAnyLocalAddress() ? "127.0.0.1" : address.getHostString();
        return URI.create("http://" + host + ":" + address.getPort() + "/metrics");
    }

    @Override
    public void close() {
        if (server != null) {
            server.stop(0);
        }
        gcMetrics.close();
        registry.close();
    }
}
