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
 * <p>Endpoint behaviour is documented on the endpoint classes; what every request goes through (faults, 404 for
 * another organization, 401, 404/405, {@code api-version}) on the request handler.
 */
public final class AdoSimulator implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AdoSimulator.class);
    /** Enough for a poller, an inventory scan and a test's own calls to overlap. */
    private static final int WORKER_THREADS = 4;
    private static final int BACKLOG = 64;

    private final HttpServer server;
    private final ExecutorService workers;
    private final URI baseUrl;
    private final SimulatedOrg org;
    private final Faults faults;
    private final AtomicBoolean closed = new AtomicBoolean();

    private AdoSimulator(HttpServer server, ExecutorService workers, URI baseUrl, SimulatedOrg org, Faults faults) {
        this.server = server;
        this.workers = workers;
        this.baseUrl = baseUrl;
        this.org = org;
        this.faults = faults;
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
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(loopback(), config.port()), BACKLOG);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on 127.0.0.1:" + config.port() + ": " + e.getMessage(), e);
        }
        URI baseUrl = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
        ExecutorService workers = Executors.newFixedThreadPool(WORKER_THREADS, workerThreads());
        server.createContext("/", new AdoHttpHandler(config, org, faults, baseUrl));
        server.setExecutor(workers);
        server.start();
        LOG.atInfo().addKeyValue("baseUrl", baseUrl).addKeyValue("organization", config.organization())
                .addKeyValue("users", org.users().size()).addKeyValue("tokens", org.tokens().size())
                .addKeyValue("auditEntries", config.auditEntries()).log("ADO simulator started");
        return new AdoSimulator(server, workers, baseUrl, org, faults);
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
