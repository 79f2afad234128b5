package dev.patrol.testkit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A local HTTP server (JDK {@code com.sun.net.httpserver}) that records every request it receives (method, path,
 * headers, body) — a stand-in for a webhook receiver in ITs. It answers 200 with an empty body unless told otherwise;
 * {@link #respondWith(int)} and {@link #respondWith(int, int)} make it fail for a while, to test a sink's retries.
 *
 * <pre>{@code
 * try (var hook = HttpReceiver.start()) {
 *     hook.respondWith(503, 2);                  // the first two deliveries fail
 *     sink.send(finding, hook.url("/hook"));
 *     await().until(() -> hook.received().size() == 3);
 * }
 * }</pre>
 */
public final class HttpReceiver implements AutoCloseable {

    private final HttpServer server;
    private final List<ReceivedRequest> received = new CopyOnWriteArrayList<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private int status = 200;
    private int temporaryStatus;
    private int temporaryRemaining;

    private HttpReceiver(HttpServer server) {
        this.server = server;
    }

    /** Starts a receiver on 127.0.0.1 and a free port. */
    public static HttpReceiver start() {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the HTTP receiver on 127.0.0.1", e);
        }
        HttpReceiver receiver = new HttpReceiver(server);
        server.createContext("/", receiver::handle);
        server.start();
        return receiver;
    }

    /** The absolute URL of {@code path} on this receiver, e.g. {@code url("/hook")}. */
    public URI url(String path) {
        Objects.requireNonNull(path, "path");
        InetSocketAddress address = server.getAddress();
        String host = address.getAddress().getHostAddress();
        if (host.contains(":")) {
            host = "[" + host + "]";
        }
        return URI.create("http://" + host + ":" + address.getPort() + (path.startsWith("/") ? path : "/" + path));
    }

    /** The requests received so far, oldest first: a snapshot, safe to read while requests arrive. */
    public List<ReceivedRequest> received() {
        return List.copyOf(received);
    }

    /** Answers {@code status} to every request from now on (200 until told otherwise). */
    public synchronized void respondWith(int status) {
        this.status = requireStatus(status);
        this.temporaryRemaining = 0;
    }

    /**
     * Answers {@code status} to the next {@code times} requests, then goes back to the status before: a sink's
     * retries can then be tested without timing the switch back.
     */
    public synchronized void respondWith(int status, int times) {
        if (times < 0) {
            throw new IllegalArgumentException("times must not be negative, was " + times);
        }
        this.temporaryStatus = requireStatus(status);
        this.temporaryRemaining = times;
    }

    private synchronized int nextStatus() {
        if (temporaryRemaining > 0) {
            temporaryRemaining--;
            return temporaryStatus;
        }
        return status;
    }

    private static int requireStatus(int status) {
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("HTTP status must be 100-599, was " + status);
        }
        return status;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body;
            try (InputStream in = exchange.getRequestBody()) {
                body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            URI uri = exchange.getRequestURI();
            String path = uri.getRawQuery() == null ? uri.getRawPath() : uri.getRawPath() + "?" + uri.getRawQuery();
            received.add(new ReceivedRequest(exchange.getRequestMethod(), path, exchange.getRequestHeaders(), body));
            // -1: no response body; the sinks under test only look at the status.
            exchange.sendResponseHeaders(nextStatus(), -1);
        }
    }

    /** Stops the server at once. Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            server.stop(0);
        }
    }

    /**
     * One request as received.
     *
     * @param path    the raw path, with {@code ?query} when the request had one
     * @param headers names are case-insensitive ({@code headers().get("content-type")} finds
     *                {@code Content-Type}); unmodifiable
     * @param body    the body decoded as UTF-8 (webhook payloads are JSON), empty when there was none
     */
    public record ReceivedRequest(String method, String path, Map<String, List<String>> headers, String body) {

        public ReceivedRequest {
            Objects.requireNonNull(method, "method");
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(body, "body");
            Map<String, List<String>> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            Objects.requireNonNull(headers, "headers").forEach((name, values) ->
                    copy.computeIfAbsent(name, n -> new ArrayList<>()).addAll(values));
            copy.replaceAll((name, values) -> List.copyOf(values));
            headers = Collections.unmodifiableMap(copy);
        }

        /** The first value of a header, matched case-insensitively. */
        public Optional<String> header(String name) {
            List<String> values = headers.get(name);
            return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
        }
    }
}
