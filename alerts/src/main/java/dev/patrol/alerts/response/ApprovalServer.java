package dev.patrol.alerts.response;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves approval links (JDK {@code com.sun.net.httpserver}).
 *
 * <ul>
 *   <li>{@code GET <base>/approvals/<id>?exp=..&sig=..} shows the finding with Approve / Deny buttons and changes
 *       nothing: chat and mail scanners fetch links before people do.</li>
 *   <li>{@code POST <base>/approvals/<id>} (form: exp, sig, csrf, decision, name) records the decision. The CSRF token
 *       is an HMAC of the approval id and a nonce held in a SameSite=Strict, HttpOnly cookie set by the GET; a
 *       cross-site {@code Origin} or {@code Sec-Fetch-Site} is refused as well.</li>
 * </ul>
 *
 * <p>A link whose signature does not match is refused with 403, an expired one with 410, each with a page that says so.
 * The approver is the value of the configured proxy header (e.g. {@code X-Forwarded-Email} from an authenticating
 * proxy) or, without one, the name typed into the form, recorded as self-declared. Bodies over
 * {@value #MAX_BODY_BYTES} bytes are refused (413; at once when the declared length says so), and a request that is not
 * complete {@value #MAX_REQUEST_SECONDS} s after its first byte has its connection closed (see {@link #limitRequestTime}).
 * Signatures, CSRF tokens and cookies never reach a log.
 */
final class ApprovalServer implements AutoCloseable {

    static final int MAX_BODY_BYTES = 4096;
    static final int MAX_NAME_LENGTH = 100;
    static final String NONCE_COOKIE = "patrol_approval_nonce";
    static final String MAX_REQUEST_TIME_PROPERTY = "sun.net.httpserver.maxReqTime";
    static final long MAX_REQUEST_SECONDS = 60;

    private static final Logger LOG = LoggerFactory.getLogger(ApprovalServer.class);
    private static final Pattern APPROVAL_PATH = Pattern.compile(
            "(?:/.*)?/approvals/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/?");
    private static final int THREADS = 4;

    private final HttpServer server;
    private final ExecutorService executor;
    private final LinkSigner signer;
    private final ApprovalDesk desk;
    private final Clock clock;
    private final Optional<String> approverHeader;
    private final URI publicBaseUrl;

    private ApprovalServer(HttpServer server, ExecutorService executor, LinkSigner signer, ApprovalDesk desk,
                           Clock clock, Optional<String> approverHeader, URI publicBaseUrl) {
        this.server = server;
        this.executor = executor;
        this.signer = signer;
        this.desk = desk;
        this.clock = clock;
        this.approverHeader = approverHeader;
        this.publicBaseUrl = publicBaseUrl;
    }

    /**
     * Binds and starts serving.
     *
     * @param publicBaseUrl where people reach the server; empty means {@code http://<bindAddress>:<bound port>}
     */
    static ApprovalServer start(String bindAddress, int port, Optional<URI> publicBaseUrl, LinkSigner signer,
                                ApprovalDesk desk, Clock clock, Optional<String> approverHeader) {
        limitRequestTime();
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(bindAddress, port), 32);
        } catch (IOException e) {
            throw new UncheckedIOException("approval page: cannot listen on " + bindAddress + ":" + port + " ("
                    + e.getMessage() + ")", e);
        }
        URI base = publicBaseUrl.orElseGet(() -> URI.create("http://" + hostLiteral(bindAddress) + ":"
                + server.getAddress().getPort()));
        ExecutorService executor = Executors.newFixedThreadPool(THREADS, threads());
        ApprovalServer approvals = new ApprovalServer(server, executor, signer, desk, clock, approverHeader, base);
        server.createContext("/", approvals::handle);
        server.setExecutor(executor);
        server.start();
        if (publicBaseUrl.isEmpty() && (bindAddress.equals("0.0.0.0") || bindAddress.equals("::"))) {
            LOG.warn("approval links point at {}; set response.publicBaseUrl to the address people reach", base);
        }
        return approvals;
    }

    URI publicBaseUrl() {
        return publicBaseUrl;
    }

    /** The port actually bound (useful with port 0). */
    int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getRawPath();
            Matcher matcher = APPROVAL_PATH.matcher(path == null ? "" : path);
            if (!matcher.matches()) {
                drain(exchange);
                send(exchange, 404, ApprovalPage.error("Not found", "There is nothing at this address. Approval links "
                        + "look like /approvals/<id>?exp=...&sig=..."), Optional.empty());
                return;
            }
            String approvalId = matcher.group(1);
            switch (exchange.getRequestMethod()) {
                case "GET" -> get(exchange, approvalId);
                case "POST" -> post(exchange, approvalId);
                default -> {
                    drain(exchange);
                    exchange.getResponseHeaders().set("Allow", "GET, POST");
                    send(exchange, 405, ApprovalPage.error("Method not allowed", "Open the link in a browser."),
                            Optional.empty());
                }
            }
        } catch (RuntimeException e) {
            // Never the request: it carries the signature.
            LOG.error("approval request failed error={}", e.getClass().getSimpleName(), e);
            try {
                send(exchange, 500, ApprovalPage.error("Something went wrong", "PATrol could not handle this request; "
                        + "nothing was decided. Try again in a moment."), Optional.empty());
            } catch (IOException | RuntimeException ignored) {
                // the response was already under way; the client sees a cut connection
            }
        }
    }

    private void get(HttpExchange exchange, String approvalId) throws IOException {
        drain(exchange);
        Map<String, String> query = parseForm(Optional.ofNullable(exchange.getRequestURI().getRawQuery()).orElse(""));
        String expiry = query.get("exp");
        String signature = query.get("sig");
        if (!linkUsable(exchange, approvalId, expiry, signature)) {
            return;
        }
        Optional<ApprovalView> view = desk.view(approvalId);
        if (view.isEmpty()) {
            send(exchange, 404, ApprovalPage.error("Unknown approval", "PATrol has no record of this approval. "
                    + "It may come from another PATrol installation."), Optional.empty());
            return;
        }
        // Reuse the browser's nonce so two open approval pages do not invalidate each other's forms.
        String nonce = cookie(exchange.getRequestHeaders(), NONCE_COOKIE).flatMap(LinkSigner::validNonce)
                .orElseGet(LinkSigner::newNonce);
        ApprovalPage.Form form = new ApprovalPage.Form(formAction(approvalId), expiry, signature,
                signer.csrfToken(approvalId, nonce), approverHeader,
                approverHeader.flatMap(h -> Optional.ofNullable(exchange.getRequestHeaders().getFirst(h))).map(ApprovalServer::clean));
        LOG.debug("approval page shown approvalId={}", approvalId);
        send(exchange, 200, ApprovalPage.approval(view.get(), Optional.of(form), Instant.ofEpochSecond(Long.parseLong(expiry))),
                Optional.of(nonce));
    }

    private void post(HttpExchange exchange, String approvalId) throws IOException {
        Headers headers = exchange.getRequestHeaders();
        String contentType = Optional.ofNullable(headers.getFirst("Content-Type")).orElse("")
                .toLowerCase(Locale.ROOT);
        if (!contentType.startsWith("application/x-www-form-urlencoded")) {
            drain(exchange);
            send(exchange, 415, ApprovalPage.error("Unsupported request", "Decisions are made with the form on the "
                    + "approval page."), Optional.empty());
            return;
        }
        if (crossSite(headers)) {
            drain(exchange);
            send(exchange, 403, ApprovalPage.error("Refused", "The decision did not come from PATrol's approval page. "
                    + "Open the approval link and decide there."), Optional.empty());
            return;
        }
        byte[] body = declaredLength(headers) > MAX_BODY_BYTES ? null : readLimited(exchange.getRequestBody());
        if (body == null) {
            send(exchange, 413, ApprovalPage.error("Request too large", "The form was larger than "
                    + MAX_BODY_BYTES + " bytes; nothing was decided."), Optional.empty());
            return;
        }
        Map<String, String> form = parseForm(new String(body, StandardCharsets.US_ASCII));
        if (!linkUsable(exchange, approvalId, form.get("exp"), form.get("sig"))) {
            return;
        }
        Optional<String> nonce = cookie(headers, NONCE_COOKIE);
        if (!signer.csrfMatches(approvalId, nonce.orElse(null), form.get("csrf"))) {
            send(exchange, 403, ApprovalPage.error("Form expired", "This form was not served to this browser by PATrol, "
                    + "or its cookie is gone. Open the approval link again and decide there."), Optional.empty());
            return;
        }
        String decision = Optional.ofNullable(form.get("decision")).orElse("");
        if (!decision.equals("approve") && !decision.equals("deny")) {
            send(exchange, 400, ApprovalPage.error("No decision", "Choose Approve or Deny."), Optional.empty());
            return;
        }
        Optional<String> approver = approver(exchange, form);
        if (approver.isEmpty()) {
            send(exchange, 400, ApprovalPage.error("Who is deciding?", approverHeader.isPresent()
                    ? "The sign-in header " + approverHeader.get() + " is missing: open the link through the "
                    + "organization's sign-in proxy."
                    : "Type your name (1 to " + MAX_NAME_LENGTH + " characters) before deciding."), Optional.empty());
            return;
        }
        String context = "on the approval page from " + remote(exchange);
        Optional<ApprovalDesk.Decision> decided = desk.decide(approvalId, decision.equals("approve"), approver.get(), context);
        if (decided.isEmpty()) {
            send(exchange, 404, ApprovalPage.error("Unknown approval", "PATrol has no record of this approval; "
                    + "nothing was decided."), Optional.empty());
            return;
        }
        ApprovalDesk.Decision outcome = decided.get();
        LOG.info("approval decision approvalId={} decision={} applied={}", approvalId, decision, outcome.applied());
        // 409: the approval was already decided (or replaced); the page says what happened instead.
        send(exchange, outcome.applied() ? 200 : 409, ApprovalPage.approval(outcome.view(), Optional.empty(),
                Instant.ofEpochSecond(Long.parseLong(form.get("exp")))), Optional.empty());
    }

    /** The path the form posts to: the approval's path under the public base, which may sit behind a proxy prefix. */
    private String formAction(String approvalId) {
        String basePath = Optional.ofNullable(publicBaseUrl.getRawPath()).orElse("");
        while (basePath.endsWith("/")) {
            basePath = basePath.substring(0, basePath.length() - 1);
        }
        return basePath + "/approvals/" + approvalId;
    }

    /** Checks the link; when it is not usable, answers with the refusal page and returns false. */
    private boolean linkUsable(HttpExchange exchange, String approvalId, String expiry, String signature)
            throws IOException {
        switch (signer.check(approvalId, expiry, signature, clock.instant())) {
            case VALID -> {
                return true;
            }
            case EXPIRED -> {
                LOG.info("approval link refused approvalId={} reason=expired", approvalId);
                send(exchange, 410, ApprovalPage.error("Link expired", "This approval link has expired, so it can no "
                        + "longer approve or deny. Nothing was changed. Revoke the token in Azure DevOps by hand if it "
                        + "still needs revoking, or wait for PATrol to propose again."), Optional.empty());
                return false;
            }
            default -> {
                LOG.warn("approval link refused approvalId={} reason=signature", approvalId);
                send(exchange, 403, ApprovalPage.error("Link not valid", "This approval link is incomplete or has been "
                        + "altered, so PATrol does not accept it. Nothing was changed. Use the link exactly as it "
                        + "arrived in the alert."), Optional.empty());
                return false;
            }
        }
    }

    private Optional<String> approver(HttpExchange exchange, Map<String, String> form) {
        if (approverHeader.isPresent()) {
            return Optional.ofNullable(exchange.getRequestHeaders().getFirst(approverHeader.get()))
                    .map(ApprovalServer::clean).filter(v -> !v.isEmpty())
                    .map(v -> v + " (from header " + approverHeader.get() + ")");
        }
        return Optional.ofNullable(form.get("name")).map(ApprovalServer::clean)
                .filter(v -> !v.isEmpty() && v.length() <= MAX_NAME_LENGTH)
                .map(v -> v + " (self-declared)");
    }

    /** A cross-site POST, by the browser's own account: {@code Sec-Fetch-Site} or a foreign {@code Origin}. */
    private boolean crossSite(Headers headers) {
        String fetchSite = headers.getFirst("Sec-Fetch-Site");
        if (fetchSite != null && fetchSite.equalsIgnoreCase("cross-site")) {
            return true;
        }
        String origin = headers.getFirst("Origin");
        // "null" comes from privacy-sensitive contexts; the CSRF token still has to match.
        if (origin == null || origin.equals("null")) {
            return false;
        }
        return !origin.equalsIgnoreCase(origin(publicBaseUrl)) && !sameHost(origin, headers.getFirst("Host"));
    }

    private static boolean sameHost(String origin, String host) {
        if (host == null) {
            return false;
        }
        try {
            URI uri = URI.create(origin);
            String authority = uri.getRawAuthority();
            return authority != null && authority.equalsIgnoreCase(host);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static String origin(URI uri) {
        int port = uri.getPort();
        return uri.getScheme().toLowerCase(Locale.ROOT) + "://" + uri.getHost().toLowerCase(Locale.ROOT)
                + (port < 0 ? "" : ":" + port);
    }

    private void send(HttpExchange exchange, int status, String html, Optional<String> nonce) throws IOException {
        byte[] bytes = html.getBytes(StandardCharsets.UTF_8);
        Headers response = exchange.getResponseHeaders();
        response.set("Content-Type", "text/html; charset=utf-8");
        response.set("Content-Security-Policy", ApprovalPage.CONTENT_SECURITY_POLICY);
        response.set("X-Frame-Options", "DENY");
        response.set("X-Content-Type-Options", "nosniff");
        // same-origin: the signed link never leaves in a Referer, yet the form's own POST still carries its Origin.
        response.set("Referrer-Policy", "same-origin");
        response.set("Cache-Control", "no-store");
        response.set("X-Robots-Tag", "noindex, nofollow");
        nonce.ifPresent(n -> response.add("Set-Cookie", NONCE_COOKIE + "=" + n + "; Path=/; HttpOnly; SameSite=Strict"
                + ("https".equalsIgnoreCase(publicBaseUrl.getScheme()) ? "; Secure" : "")));
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /**
     * The request body, or null when it is larger than {@value #MAX_BODY_BYTES} bytes. The stream is left open: closing
     * it before the response is sent makes the JDK server drop the connection; closing the exchange closes it.
     */
    private static byte[] readLimited(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] chunk = new byte[1024];
        int read;
        while ((read = in.read(chunk)) >= 0) {
            out.write(chunk, 0, read);
            if (out.size() > MAX_BODY_BYTES) {
                return null;
            }
        }
        return out.toByteArray();
    }

    /** The declared {@code Content-Length}, or -1; a body declared too large is refused before a byte is read. */
    private static long declaredLength(Headers headers) {
        try {
            return Long.parseLong(Optional.ofNullable(headers.getFirst("Content-Length")).orElse("-1").strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * Bounds the time from a request's first byte to its last: the JDK server's {@value #MAX_REQUEST_TIME_PROPERTY}
     * (seconds), unset by default, is the only guard against a client that never finishes its headers (no handler
     * runs before they are complete) or trickles its body, each holding one of the {@value #THREADS} threads. It is
     * JVM-wide and read when the first JDK HTTP server of the JVM starts; a value given on the command line wins.
     */
    private static synchronized void limitRequestTime() {
        if (System.getProperty(MAX_REQUEST_TIME_PROPERTY) == null) {
            System.setProperty(MAX_REQUEST_TIME_PROPERTY, Long.toString(MAX_REQUEST_SECONDS));
            LOG.info("approval page set JVM-wide JDK HTTP server property {}={}", MAX_REQUEST_TIME_PROPERTY,
                    MAX_REQUEST_SECONDS);
        }
    }

    /** Reads what a request we do not need the body of sent, within the limit, so the connection can be reused. */
    private static void drain(HttpExchange exchange) throws IOException {
        readLimited(exchange.getRequestBody());
    }

    /** The first value of each name in an {@code application/x-www-form-urlencoded} string. */
    static Map<String, String> parseForm(String encoded) {
        Map<String, String> values = new HashMap<>();
        for (String pair : encoded.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            try {
                String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                values.putIfAbsent(name, value);
            } catch (IllegalArgumentException e) {
                // a malformed %-escape: the field is ignored, and a missing field is refused later
            }
        }
        return values;
    }

    static Optional<String> cookie(Headers headers, String name) {
        for (String header : Objects.requireNonNullElse(headers.get("Cookie"), java.util.List.<String>of())) {
            for (String part : header.split(";")) {
                String trimmed = part.strip();
                if (trimmed.startsWith(name + "=")) {
                    return Optional.of(trimmed.substring(name.length() + 1));
                }
            }
        }
        return Optional.empty();
    }

    /** A person's name or a header value as recorded: single line, no control characters, trimmed. */
    static String clean(String value) {
        StringBuilder out = new StringBuilder();
        value.codePoints().forEach(c -> out.appendCodePoint(Character.isISOControl(c) ? ' ' : c));
        String cleaned = out.toString().strip().replaceAll("\\s+", " ");
        return cleaned.length() > MAX_NAME_LENGTH * 2 ? cleaned.substring(0, MAX_NAME_LENGTH * 2) : cleaned;
    }

    private static String remote(HttpExchange exchange) {
        InetSocketAddress address = exchange.getRemoteAddress();
        return address == null || address.getAddress() == null ? "unknown" : address.getAddress().getHostAddress();
    }

    private static String hostLiteral(String address) {
        return address.contains(":") ? "[" + address + "]" : address;
    }

    private static ThreadFactory threads() {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, "patrol-approval-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
