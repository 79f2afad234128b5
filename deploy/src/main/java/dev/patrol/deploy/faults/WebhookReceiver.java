package dev.patrol.deploy.faults;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The suite's webhook receiver: records each delivery (the {@code X-Patrol-Finding-Id} header, the body, when) and
 * answers 200. {@link #stop()} closes the port — deliveries then get "connection refused", as from a receiver that is
 * down — and {@link #start()} opens the same port again.
 */
final class WebhookReceiver implements AutoCloseable {

    /** One delivery as received. */
    record Delivery(String findingId, String body, Instant at) {
    }

    private final int port;
    private final List<Delivery> deliveries = new ArrayList<>(); // guarded by this
    private HttpServer server; // guarded by this

    private WebhookReceiver(int port) {
        this.port = port;
    }

    static WebhookReceiver startOnFreePort() {
        int port;
        try (var socket = new java.net.ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        WebhookReceiver receiver = new WebhookReceiver(port);
        receiver.start();
        return receiver;
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + port + "/hook");
    }

    synchronized void start() {
        if (server != null) {
            return;
        }
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the webhook receiver's port " + port + " again", e);
        }
        server.createContext("/", this::handle);
        server.start();
    }

    synchronized void stop() {
        if (server != null) {
            server.stop(0);
            server = null;
        }
    }

    synchronized List<Delivery> deliveries() {
        return List.copyOf(deliveries);
    }

    synchronized int count() {
        return deliveries.size();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange; InputStream in = exchange.getRequestBody()) {
            String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            String id = exchange.getRequestHeaders().getFirst("X-Patrol-Finding-Id");
            synchronized (this) {
                deliveries.add(new Delivery(id == null ? "" : id, body, Instant.now()));
            }
            exchange.sendResponseHeaders(200, -1);
        }
    }

    @Override
    public void close() {
        stop();
    }
}
