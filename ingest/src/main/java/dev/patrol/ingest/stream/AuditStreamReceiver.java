package dev.patrol.ingest.stream;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.patrol.ingest.stream.StreamDelivery.Target;
import dev.patrol.model.Secret;
import dev.patrol.model.config.PatrolConfig.AuditStreamSettings;
import dev.patrol.model.json.Json;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.RejectedExecutionHandler;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Receives ADO audit streams pushed over HTTP (ado-api.md §7) and hands each accepted body to a
 * {@link StreamedEntrySink}, answering only after the sink returned, so nothing acknowledged is lost.
 *
 * <table>
 *   <caption>Endpoints</caption>
 *   <tr><th>path</th><th>method</th><th>what</th></tr>
 *   <tr><td>{@code /services/collector}, {@code /services/collector/event}, {@code /services/collector/event/1.0}</td>
 *       <td>POST</td><td>Splunk HTTP Event Collector, for ADO's Splunk stream; needs the HEC token</td></tr>
 *   <tr><td>{@code /services/collector/health}, {@code /services/collector/health/1.0}</td><td>GET</td>
 *       <td>HEC health probe, no auth</td></tr>
 *   <tr><td>{@code /eventgrid}</td><td>POST</td><td>Event Grid webhook (Event Grid schema), for ADO's Event Grid
 *       stream; needs the Event Grid key</td></tr>
 * </table>
 *
 * <p>An endpoint whose secret is not configured answers 404, as if it did not exist: with nothing to check a
 * caller against, it could only refuse everyone, and a 404 tells an operator the feature is off rather than that
 * the caller's secret is wrong. Bodies are limited to {@code maxBodyBytes}, on the wire and after gzip
 * decompression; a body that is not complete within {@link #DEFAULT_BODY_READ_TIMEOUT} has its connection closed.
 * Logs name the target, counts and status, never a token, a key, a query string or a payload.
 *
 * <p>Plain HTTP only: ADO and Event Grid deliver to HTTPS URLs, so put a TLS-terminating proxy in front.
 */
public final class AuditStreamReceiver implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AuditStreamReceiver.class);

    static final Set<String> HEC_INGEST_PATHS =
            Set.of("/services/collector", "/services/collector/event", "/services/collector/event/1.0");
    static final Set<String> HEC_HEALTH_PATHS = Set.of("/services/collector/health", "/services/collector/health/1.0");
    static final String EVENT_GRID_PATH = "/eventgrid";

    /** How long a client may take to send its body once its headers arrived. */
    public static final Duration DEFAULT_BODY_READ_TIMEOUT = Duration.ofSeconds(30);

    /**
     * The JDK server's own limit on the time from the first byte of a request to its last, which also covers slow
     * headers (before any handler runs). Read once, when the first JDK HTTP server of the JVM starts.
     */
    static final String JDK_MAX_REQUEST_TIME_PROPERTY = "sun.net.httpserver.maxReqTime";
    static final long JDK_MAX_REQUEST_SECONDS = 60;
    static final String JDK_NO_DELAY_PROPERTY = "sun.net.httpserver.nodelay";

    /** Requests read and parsed at once; the sink itself is called by one thread at a time. */
    private static final int HANDLER_THREADS = 4;
    /** Connections waiting for a handler thread; beyond this the JDK server drops new connections (senders retry). */
    private static final int WAITING_REQUESTS = 32;
    private static final Duration FINISH_IN_FLIGHT_ON_CLOSE = Duration.ofSeconds(2);
    private static final Duration OVERLOAD_WARNING_INTERVAL = Duration.ofMinutes(1);

    private static final byte[] HEC_SUCCESS = hec("Success", 0);
    private static final byte[] HEC_TOKEN_REQUIRED = hec("Token is required", 2);
    private static final byte[] HEC_INVALID_AUTHORIZATION = hec("Invalid authorization", 3);
    private static final byte[] HEC_INVALID_TOKEN = hec("Invalid token", 4);
    private static final byte[] HEC_NO_DATA = hec("No data", 5);
    private static final byte[] HEC_INVALID_DATA_FORMAT = hec("Invalid data format", 6);
    private static final byte[] HEC_INTERNAL_ERROR = hec("Internal server error", 8);
    private static final byte[] HEC_SERVER_BUSY = hec("Server is busy", 9);
    private static final byte[] HEC_QUERY_STRING_AUTH_DISABLED = hec("Query string authorization is not enabled", 16);
    private static final byte[] HEC_HEALTHY = hec("HEC is healthy", 17);

    private final HttpServer server;
    private final ThreadPoolExecutor handlers;
    private final ScheduledExecutorService bodyDeadlines;
    private final StreamedEntrySink sink;
    private final Lock sinkLock = new ReentrantLock();
    private final Optional<Secret> hecToken;
    private final Optional<Secret> eventGridKey;
    private final int maxBodyBytes;
    private final Duration bodyReadTimeout;
    private final Clock clock;
    private final URI baseUrl;
    private final AtomicBoolean closed = new AtomicBoolean();

    private AuditStreamReceiver(HttpServer server, ThreadPoolExecutor handlers, ScheduledExecutorService bodyDeadlines,
                                AuditStreamSettings settings, StreamedEntrySink sink, Clock clock,
                                Duration bodyReadTimeout) {
        this.server = server;
        this.handlers = handlers;
        this.bodyDeadlines = bodyDeadlines;
        this.sink = sink;
        this.hecToken = settings.hecToken();
        this.eventGridKey = settings.eventGridKey();
        this.maxBodyBytes = settings.maxBodyBytes();
        this.bodyReadTimeout = bodyReadTimeout;
        this.clock = clock;
        this.baseUrl = baseUrlOf(server.getAddress());
    }

    /** Starts a receiver on {@code settings.bindAddress():settings.port()} (port 0: any free port). */
    public static AuditStreamReceiver start(AuditStreamSettings settings, StreamedEntrySink sink) throws IOException {
        return start(settings, sink, Clock.systemUTC());
    }

    /**
     * Starts a receiver whose deliveries are stamped by {@code clock}.
     *
     * @throws IllegalArgumentException if the settings say the receiver is off, or configure neither secret
     * @throws IOException              if the address cannot be bound
     */
    public static AuditStreamReceiver start(AuditStreamSettings settings, StreamedEntrySink sink, Clock clock)
            throws IOException {
        return start(settings, sink, clock, DEFAULT_BODY_READ_TIMEOUT);
    }

    static AuditStreamReceiver start(AuditStreamSettings settings, StreamedEntrySink sink, Clock clock,
                                     Duration bodyReadTimeout) throws IOException {
        Objects.requireNonNull(sink, "sink");
        Objects.requireNonNull(clock, "clock");
        if (!settings.enabled()) {
            throw new IllegalArgumentException("auditStream.enabled is false: do not start the audit stream receiver");
        }
        if (settings.hecToken().isEmpty() && settings.eventGridKey().isEmpty()) {
            throw new IllegalArgumentException("auditStream is enabled but has no secret to check senders against: set"
                    + " ADO_STREAM_HEC_TOKEN (Splunk stream) and/or ADO_STREAM_EVENTGRID_KEY (Event Grid stream)");
        }
        if (settings.maxBodyBytes() < 1) {
            throw new IllegalArgumentException("auditStream.maxBodyBytes must be positive, was " + settings.maxBodyBytes());
        }
        applyJdkServerDefaults();

        InetSocketAddress address = new InetSocketAddress(InetAddress.getByName(settings.bindAddress()), settings.port());
        HttpServer server = HttpServer.create(address, WAITING_REQUESTS);
        ThreadPoolExecutor handlers = new ThreadPoolExecutor(HANDLER_THREADS, HANDLER_THREADS, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(WAITING_REQUESTS), daemonThreads("patrol-audit-stream-"), new OverloadWarning());
        ScheduledThreadPoolExecutor bodyDeadlines = new ScheduledThreadPoolExecutor(1,
                daemonThreads("patrol-audit-stream-deadline-"));
        bodyDeadlines.setRemoveOnCancelPolicy(true);

        AuditStreamReceiver receiver = new AuditStreamReceiver(server, handlers, bodyDeadlines, settings, sink, clock,
                bodyReadTimeout);
        server.setExecutor(handlers);
        server.createContext("/", receiver::handle);
        server.start();
        LOG.info("audit stream receiver listening address={} splunkHec={} eventGrid={} maxBodyBytes={}",
                server.getAddress(), settings.hecToken().isPresent() ? "on" : "off",
                settings.eventGridKey().isPresent() ? "on" : "off", settings.maxBodyBytes());
        return receiver;
    }

    /** Where a local client reaches the receiver, e.g. {@code http://127.0.0.1:8088/}; a wildcard bind gives loopback. */
    public URI baseUrl() {
        return baseUrl;
    }

    /**
     * Stops the receiver: new connections are dropped at once, requests already being handled get up to
     * two seconds to finish (so a sink call in progress can answer its sender), then
     * every connection is closed. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        handlers.shutdown(); // from here the JDK server closes new connections (it catches the rejection)
        awaitTermination(handlers, FINISH_IN_FLIGHT_ON_CLOSE);
        server.stop(0);
        handlers.shutdownNow(); // only a request stuck in a slow client's read is left; closing its socket freed it
        awaitTermination(handlers, Duration.ofSeconds(1));
        bodyDeadlines.shutdownNow();
        LOG.info("audit stream receiver stopped");
    }

    // ---------------------------------------------------------------------------------------------- routing

    private void handle(HttpExchange exchange) throws IOException {
        String path = pathOf(exchange);
        try {
            if (HEC_INGEST_PATHS.contains(path)) {
                handleHecIngest(exchange);
            } else if (HEC_HEALTH_PATHS.contains(path)) {
                handleHecHealth(exchange);
            } else if (EVENT_GRID_PATH.equals(path)) {
                handleEventGrid(exchange);
            } else {
                respond(exchange, 404, error("not found"));
            }
        } catch (BodyReadTimeoutException e) {
            LOG.warn("audit stream request dropped: body not received in time timeoutMs={}", bodyReadTimeout.toMillis());
            throw e; // the JDK server then forgets the connection the deadline already closed
        } catch (RuntimeException e) {
            LOG.error("audit stream request failed unexpectedly error={}", e.getClass().getName());
            respondIfStillPossible(exchange, 500, path.startsWith("/services/collector")
                    ? HEC_INTERNAL_ERROR : error("internal error"));
        } finally {
            exchange.close();
        }
    }

    private void handleHecHealth(HttpExchange exchange) throws IOException {
        if (hecToken.isEmpty()) {
            respond(exchange, 404, error("not found: the Splunk HEC endpoint is off (no HEC token configured)"));
        } else if (!"GET".equals(exchange.getRequestMethod())) {
            methodNotAllowed(exchange, "GET");
        } else {
            respond(exchange, 200, HEC_HEALTHY);
        }
    }

    private void handleHecIngest(HttpExchange exchange) throws IOException {
        if (hecToken.isEmpty()) {
            respond(exchange, 404, error("not found: the Splunk HEC endpoint is off (no HEC token configured)"));
            return;
        }
        if (!"POST".equals(exchange.getRequestMethod())) {
            methodNotAllowed(exchange, "POST");
            return;
        }
        StreamAuth.Verdict verdict = StreamAuth.checkHec(exchange.getRequestHeaders(),
                exchange.getRequestURI().getRawQuery(), hecToken.get());
        switch (verdict) {
            case ACCEPTED -> {
            }
            case MISSING -> {
                exchange.getResponseHeaders().set("WWW-Authenticate", "Splunk");
                refuse(exchange, Target.SPLUNK_HEC, 401, HEC_TOKEN_REQUIRED, verdict);
                return;
            }
            case MALFORMED -> {
                exchange.getResponseHeaders().set("WWW-Authenticate", "Splunk");
                refuse(exchange, Target.SPLUNK_HEC, 401, HEC_INVALID_AUTHORIZATION, verdict);
                return;
            }
            case QUERY_STRING -> {
                refuse(exchange, Target.SPLUNK_HEC, 400, HEC_QUERY_STRING_AUTH_DISABLED, verdict);
                return;
            }
            case WRONG -> {
                refuse(exchange, Target.SPLUNK_HEC, 403, HEC_INVALID_TOKEN, verdict);
                return;
            }
        }
        Optional<byte[]> body = readBody(exchange, Target.SPLUNK_HEC);
        if (body.isEmpty()) {
            return;
        }
        Instant receivedAt = clock.instant();
        HecBatch.Outcome outcome = HecBatch.parse(body.get());
        if (outcome instanceof HecBatch.NoData) {
            answer(exchange, Target.SPLUNK_HEC, 400, HEC_NO_DATA);
        } else if (outcome instanceof HecBatch.InvalidFormat) {
            answer(exchange, Target.SPLUNK_HEC, 400, HEC_INVALID_DATA_FORMAT);
        } else if (outcome instanceof HecBatch.Parsed parsed) {
            boolean stored = parsed.entries().isEmpty() && parsed.rejected().isEmpty() // e.g. an empty array
                    || deliver(new StreamDelivery(Target.SPLUNK_HEC, parsed.entries(), parsed.rejected(), receivedAt));
            answer(exchange, Target.SPLUNK_HEC, stored ? 200 : 503, stored ? HEC_SUCCESS : HEC_SERVER_BUSY);
        }
    }

    private void handleEventGrid(HttpExchange exchange) throws IOException {
        if (eventGridKey.isEmpty()) {
            respond(exchange, 404, error("not found: the Event Grid endpoint is off (no Event Grid key configured)"));
            return;
        }
        if (!"POST".equals(exchange.getRequestMethod())) {
            methodNotAllowed(exchange, "POST");
            return;
        }
        Headers headers = exchange.getRequestHeaders();
        StreamAuth.Verdict verdict = StreamAuth.checkEventGrid(headers, exchange.getRequestURI().getRawQuery(),
                eventGridKey.get());
        if (verdict == StreamAuth.Verdict.MISSING) {
            refuse(exchange, Target.EVENT_GRID, 401, error("key required: put it in the subscription URL as ?code=..."
                    + " or send it in the " + StreamAuth.EVENT_GRID_KEY_HEADER + " header"), verdict);
            return;
        }
        if (verdict != StreamAuth.Verdict.ACCEPTED) {
            refuse(exchange, Target.EVENT_GRID, 403, error("invalid key"), verdict);
            return;
        }
        if (isCloudEvents(headers)) {
            answer(exchange, Target.EVENT_GRID, 400, error(EventGridBatch.CLOUD_EVENTS_REFUSED));
            return;
        }
        Optional<byte[]> body = readBody(exchange, Target.EVENT_GRID);
        if (body.isEmpty()) {
            return;
        }
        Instant receivedAt = clock.instant();
        boolean validationHeader = "SubscriptionValidation".equalsIgnoreCase(headers.getFirst("aeg-event-type"));
        EventGridBatch.Outcome outcome = EventGridBatch.parse(body.get(), validationHeader);
        if (outcome instanceof EventGridBatch.Validation validation) {
            ObjectNode response = Json.mapper().createObjectNode().put("validationResponse", validation.validationCode());
            LOG.info("audit stream Event Grid subscription validation answered");
            respond(exchange, 200, Json.mapper().writeValueAsBytes(response));
        } else if (outcome instanceof EventGridBatch.Invalid invalid) {
            answer(exchange, Target.EVENT_GRID, 400, error(invalid.message()));
        } else if (outcome instanceof EventGridBatch.Notifications notifications) {
            if (notifications.skippedSystemEvents() > 0) {
                LOG.info("audit stream Event Grid system events skipped count={}", notifications.skippedSystemEvents());
            }
            boolean stored = notifications.entries().isEmpty() && notifications.rejected().isEmpty()
                    || deliver(new StreamDelivery(Target.EVENT_GRID, notifications.entries(), notifications.rejected(),
                    receivedAt));
            answer(exchange, Target.EVENT_GRID, stored ? 200 : 503, stored ? new byte[0] : error("try again later"));
        }
    }

    private static boolean isCloudEvents(Headers headers) {
        String contentType = headers.getFirst("Content-Type");
        return headers.containsKey("ce-specversion")
                || contentType != null && contentType.strip().toLowerCase(Locale.ROOT).startsWith("application/cloudevents");
    }

    // ---------------------------------------------------------------------------------------------- sink

    /** Hands a delivery to the sink, one at a time; false if it failed (the sender is then told to retry). */
    private boolean deliver(StreamDelivery delivery) {
        try {
            sinkLock.lockInterruptibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        try {
            sink.accept(delivery);
            LOG.debug("audit stream delivery stored target={} entries={} rejected={}", delivery.target(),
                    delivery.entries().size(), delivery.rejected().size());
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.warn("audit stream delivery not stored, interrupted target={}", delivery.target());
            return false;
        } catch (Exception e) {
            LOG.warn("audit stream delivery not stored, answering 503 target={} entries={} rejected={} error={}",
                    delivery.target(), delivery.entries().size(), delivery.rejected().size(), e.getClass().getName());
            return false;
        } finally {
            sinkLock.unlock();
        }
    }

    // ---------------------------------------------------------------------------------------------- body

    /** Reads the body, or answers 413/415/400 itself and returns empty. */
    private Optional<byte[]> readBody(HttpExchange exchange, Target target) throws IOException {
        OptionalLong declared = contentLength(exchange.getRequestHeaders());
        if (declared.isPresent() && declared.getAsLong() > maxBodyBytes) {
            answer(exchange, target, 413, tooLarge(target));
            return Optional.empty();
        }
        // HttpServer has no per-request read timeout of its own that is sure to apply (see applyJdkServerDefaults),
        // and a blocked read cannot be interrupted: closing the connection is what unblocks it.
        AtomicBoolean settled = new AtomicBoolean();
        ScheduledFuture<?> deadline = bodyDeadlines.schedule(() -> {
            if (settled.compareAndSet(false, true)) {
                exchange.close(); // no response sent yet, so this closes the connection
            }
        }, bodyReadTimeout.toMillis(), TimeUnit.MILLISECONDS);
        try {
            byte[] body = RequestBodies.read(exchange.getRequestBody(),
                    exchange.getRequestHeaders().getFirst("Content-Encoding"), maxBodyBytes);
            settleBeforeDeadline(settled);
            return Optional.of(body);
        } catch (RequestBodies.TooLargeException e) {
            settleBeforeDeadline(settled);
            answer(exchange, target, 413, tooLarge(target));
        } catch (RequestBodies.UnsupportedEncodingException e) {
            settleBeforeDeadline(settled);
            answer(exchange, target, 415, error(e.getMessage()));
        } catch (RequestBodies.MalformedEncodingException e) {
            settleBeforeDeadline(settled);
            answer(exchange, target, 400, target == Target.SPLUNK_HEC ? HEC_INVALID_DATA_FORMAT : error(e.getMessage()));
        } catch (IOException e) {
            settleBeforeDeadline(settled); // a read failing because the deadline closed the socket is a timeout
            throw e;
        } finally {
            deadline.cancel(false);
        }
        return Optional.empty();
    }

    private static void settleBeforeDeadline(AtomicBoolean settled) throws BodyReadTimeoutException {
        if (!settled.compareAndSet(false, true)) {
            throw new BodyReadTimeoutException();
        }
    }

    /** The connection was closed because the body did not arrive in time. */
    private static final class BodyReadTimeoutException extends IOException {
        private static final long serialVersionUID = 1L;

        BodyReadTimeoutException() {
            super("request body not received in time");
        }
    }

    private static OptionalLong contentLength(Headers headers) {
        String value = headers.getFirst("Content-Length");
        if (value == null) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(value.strip()));
        } catch (NumberFormatException e) {
            return OptionalLong.empty(); // the JDK server already refuses such requests
        }
    }

    private byte[] tooLarge(Target target) {
        String text = "request body exceeds " + maxBodyBytes + " bytes";
        if (target == Target.SPLUNK_HEC) {
            return Json.mapper().createObjectNode().put("text", text).toString().getBytes(StandardCharsets.UTF_8);
        }
        return error(text);
    }

    // ---------------------------------------------------------------------------------------------- answers

    private void refuse(HttpExchange exchange, Target target, int status, byte[] body, StreamAuth.Verdict verdict)
            throws IOException {
        LOG.warn("audit stream request refused target={} status={} credential={}", target, status,
                verdict.name().toLowerCase(Locale.ROOT));
        respond(exchange, status, body);
    }

    private static void answer(HttpExchange exchange, Target target, int status, byte[] body) throws IOException {
        if (status >= 400) {
            LOG.info("audit stream request answered target={} status={}", target, status);
        }
        respond(exchange, status, body);
    }

    private static void methodNotAllowed(HttpExchange exchange, String allowed) throws IOException {
        exchange.getResponseHeaders().set("Allow", allowed);
        respond(exchange, 405, error("method not allowed: use " + allowed));
    }

    private static void respond(HttpExchange exchange, int status, byte[] body) throws IOException {
        if (body.length > 0) {
            exchange.getResponseHeaders().set("Content-Type", "application/json");
        }
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            exchange.getResponseBody().write(body);
        }
    }

    private static void respondIfStillPossible(HttpExchange exchange, int status, byte[] body) {
        try {
            respond(exchange, status, body);
        } catch (IOException | RuntimeException e) {
            // headers already sent or connection gone: closing the exchange is all that is left
        }
    }

    private static byte[] hec(String text, int code) {
        return Json.mapper().createObjectNode().put("text", text).put("code", code).toString()
                .getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] error(String message) {
        return Json.mapper().createObjectNode().put("error", message).toString().getBytes(StandardCharsets.UTF_8);
    }

    // ---------------------------------------------------------------------------------------------- plumbing

    private static String pathOf(HttpExchange exchange) {
        String path = exchange.getRequestURI().getPath();
        if (path == null || path.isEmpty()) {
            return "/";
        }
        return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    private static URI baseUrlOf(InetSocketAddress bound) {
        InetAddress host = bound.getAddress().isAnyLocalAddress() ? InetAddress.getLoopbackAddress() : bound.getAddress();
        String literal = host.getHostAddress();
        if (host instanceof Inet6Address) {
            int zone = literal.indexOf('%');
            literal = "[" + (zone < 0 ? literal : literal.substring(0, zone)) + "]";
        }
        return URI.create("http://" + literal + ":" + bound.getPort() + "/");
    }

    /**
     * Sets two JDK server properties unless the JVM was started with them:
     * <ul>
     *   <li>{@value #JDK_MAX_REQUEST_TIME_PROPERTY}: the only guard against a client that sends its headers slowly,
     *       since no handler runs before the headers are complete (checked on JDK 17: the connection is closed);</li>
     *   <li>{@value #JDK_NO_DELAY_PROPERTY}: the server writes response headers and body separately, and with
     *       Nagle's algorithm on, each answer waits out the client's delayed ACK (about 40 ms).</li>
     * </ul>
     * Both are JVM-wide and read when the first JDK HTTP server of the JVM starts: if another one started earlier,
     * this has no effect and they must be given on the command line instead.
     */
    private static synchronized void applyJdkServerDefaults() {
        setIfUnset(JDK_MAX_REQUEST_TIME_PROPERTY, Long.toString(JDK_MAX_REQUEST_SECONDS));
        setIfUnset(JDK_NO_DELAY_PROPERTY, "true");
    }

    private static void setIfUnset(String property, String value) {
        if (System.getProperty(property) == null) {
            System.setProperty(property, value);
            LOG.info("audit stream receiver set JVM-wide JDK HTTP server property {}={}", property, value);
        }
    }

    private static void awaitTermination(ExecutorService executor, Duration timeout) {
        try {
            executor.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger number = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + number.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /**
     * Refuses work beyond the queue (the JDK server then closes that connection and the sender retries) and says
     * so at most once a minute, so a flood does not become a flood of log lines.
     */
    private static final class OverloadWarning implements RejectedExecutionHandler {

        private final AtomicLong refusedSinceWarning = new AtomicLong();
        private final AtomicLong lastWarningNanos = new AtomicLong(System.nanoTime() - OVERLOAD_WARNING_INTERVAL.toNanos());

        @Override
        public void rejectedExecution(Runnable task, ThreadPoolExecutor executor) {
            long refused = refusedSinceWarning.incrementAndGet();
            long last = lastWarningNanos.get();
            long now = System.nanoTime();
            if (!executor.isShutdown() && now - last >= OVERLOAD_WARNING_INTERVAL.toNanos()
                    && lastWarningNanos.compareAndSet(last, now)) {
                refusedSinceWarning.addAndGet(-refused);
                LOG.warn("audit stream receiver overloaded, connections dropped refused={} threads={} queue={}",
                        refused, HANDLER_THREADS, WAITING_REQUESTS);
            }
            throw new RejectedExecutionException("audit stream receiver is overloaded");
        }
    }
}
