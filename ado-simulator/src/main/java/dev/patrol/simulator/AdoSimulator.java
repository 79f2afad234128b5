package dev.patrol.simulator;

import com.sun.net.httpserver.HttpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP server on 127.0.0.1 that speaks the Azure DevOps endpoints PATrol uses, over a generated
 * organization. One base URL serves what ADO splits over two hosts: {@code {baseUrl}/{org}/_apis/audit/auditlog}
 * (auditservice) and {@code {baseUrl}/{org}/_apis/graph/users} and {@code .../_apis/tokenadmin/...} (vssps).
 *
 * <pre>{@code
 * try (AdoSimulator ado = AdoSimulator.start(SimulatorConfig.defaults())) {
 *     URI auditLog = ado.baseUrl().resolve("/contoso/_apis/audit/auditlog?api-version=7.1-preview.1");
 *     // send Authorization: Basic base64(":" + "sim-pat-not-a-secret")
 * }
 * }</pre>
 *
 * <p>Besides PATs, the server accepts bearer tokens from its own Microsoft Entra token endpoint
 * ({@code POST {baseUrl}/{tenant}/oauth2/v2.0/token}, see {@link EntraApp}), and it reports (optionally enforces)
 * a rate-limit budget ({@link RateLimit}). Endpoint behaviour is documented on the endpoint classes; what every
 * request goes through (faults, the token endpoint, 404 for another organization, 401, rate limit, 404/405,
 * {@code api-version}) on the request handler.
 */
public final class AdoSimulator implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AdoSimulator.class);
    /** Enough for a poller, an inventory scan and a test's own calls to overlap, with some held by slow faults. */
    private static final int WORKER_THREADS = 8;
    private static final int BACKLOG = 64;
    /**
     * The JDK server writes a response's headers and its body in two writes; with Nagle's algorithm on, the body of
     * every small answer waits for the client's delayed ACK of the headers (about 40 ms on Linux), so a client
     * reusing its connection got one answer per ~44 ms whatever it did. JVM-wide, and read when the first JDK HTTP
     * server of the JVM starts.
     */
    static final String JDK_NO_DELAY_PROPERTY = "sun.net.httpserver.nodelay";

    private final HttpServer server;
    private final ExecutorService workers;
    private final URI baseUrl;
    private final SimulatedOrg org;
    private final Faults faults;
    private final EntraTokens entraTokens;
    private final AdoHttpHandler handler;
    private final AtomicBoolean closed = new AtomicBoolean();

    private AdoSimulator(HttpServer server, ExecutorService workers, URI baseUrl, SimulatedOrg org, Faults faults,
                         EntraTokens entraTokens, AdoHttpHandler handler) {
        this.server = server;
        this.workers = workers;
        this.baseUrl = baseUrl;
        this.org = org;
        this.faults = faults;
        this.entraTokens = entraTokens;
        this.handler = handler;
    }

    /**
     * Generates the organization and starts serving it.
     *
     * @throws UncheckedIOException when the port cannot be bound (in use, say)
     */
    public static AdoSimulator start(SimulatorConfig config) {
        Objects.requireNonNull(config, "config");
        SimulatedOrg org = OrgGenerator.generate(config);
        Faults faults = new Faults();
        noDelayUnlessSet();
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(loopback(), config.port()), BACKLOG);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on 127.0.0.1:" + config.port() + ": " + e.getMessage(), e);
        }
        URI baseUrl = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
        ExecutorService workers = Executors.newFixedThreadPool(WORKER_THREADS, workerThreads());
        EntraTokens entraTokens = new EntraTokens();
        AdoHttpHandler handler = new AdoHttpHandler(config, org, faults, entraTokens, baseUrl);
        server.createContext("/", handler);
        server.setExecutor(workers);
        server.start();
        LOG.atInfo().addKeyValue("baseUrl", baseUrl).addKeyValue("organization", config.organization())
                .addKeyValue("users", org.users().size()).addKeyValue("tokens", org.tokens().size())
                .addKeyValue("auditEntries", config.auditEntries()).log("ADO simulator started");
        return new AdoSimulator(server, workers, baseUrl, org, faults, entraTokens, handler);
    }

    /** {@code http://127.0.0.1:<port>}, no trailing slash. */
    public URI baseUrl() {
        return baseUrl;
    }

    public SimulatedOrg org() {
        return org;
    }

    public Faults faults() {
        return faults;
    }

    /**
     * The Microsoft Entra authority the token endpoint answers under: the base URL, so a client configured with
     * authority {@code A} and tenant {@code T} posts to {@code A/T/oauth2/v2.0/token} as it would to
     * {@code https://login.microsoftonline.com}.
     */
    public URI authorityUrl() {
        return baseUrl;
    }

    /** The bearer tokens the token endpoint issued: how many, and a way to make them all stop working. */
    public EntraTokens entraTokens() {
        return entraTokens;
    }

    /** Requests received so far, of every kind and outcome: a cheap measure of a client's progress for tests. */
    public long requestCount() {
        return handler.requests();
    }

    /** Stops at once: open exchanges are cut off rather than waited for. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        server.stop(0);
        workers.shutdownNow();
        try {
            if (!workers.awaitTermination(2, TimeUnit.SECONDS)) {
                LOG.atWarn().addKeyValue("baseUrl", baseUrl).log("simulator workers still busy after stop");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.atInfo().addKeyValue("baseUrl", baseUrl).log("ADO simulator stopped");
    }

    /**
     * Turns Nagle's algorithm off for the JDK HTTP servers of this JVM unless the JVM was started with
     * {@value #JDK_NO_DELAY_PROPERTY} set. Has no effect when another JDK HTTP server started earlier in the JVM:
     * then pass {@code -Dsun.net.httpserver.nodelay=true} on the command line.
     */
    private static synchronized void noDelayUnlessSet() {
        if (System.getProperty(JDK_NO_DELAY_PROPERTY) == null) {
            System.setProperty(JDK_NO_DELAY_PROPERTY, "true");
            LOG.atInfo().addKeyValue("property", JDK_NO_DELAY_PROPERTY).addKeyValue("value", "true")
                    .log("simulator set a JVM-wide JDK HTTP server property");
        }
    }

    /** 127.0.0.1 exactly: {@code getLoopbackAddress()} may answer ::1, and the base URL promises IPv4. */
    private static InetAddress loopback() {
        try {
            return InetAddress.getByAddress("localhost", new byte[] {127, 0, 0, 1});
        } catch (UnknownHostException e) {
            throw new IllegalStateException("a 4-byte address is always valid", e);
        }
    }

    /** Named so a thread dump says whose they are; daemon so they never hold the JVM up on their own. */
    private static ThreadFactory workerThreads() {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, "ado-simulator-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
