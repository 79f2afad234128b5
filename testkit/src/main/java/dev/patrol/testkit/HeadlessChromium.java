package dev.patrol.alerts.response;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A headless Chromium driven over the Chrome DevTools Protocol with the JDK's own WebSocket client: no Selenium, no
 * downloads. Starts the distribution's {@code chromium} on a fresh profile with remote debugging on a free port, attaches
 * to its page, and offers what a test of a form needs: navigate, read, type, a real mouse click, a screenshot.
 * {@link #close()} ends the browser it started (and only that), then deletes the profile.
 */
final class HeadlessChromium implements AutoCloseable {

    /** Where to look when {@code PATROL_CHROMIUM} / {@code -Dpatrol.chromium} does not name the binary. */
    private static final List<String> NAMES = List.of("chromium", "chromium-browser", "google-chrome", "google-chrome-stable");
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final Path profile;
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();

    private HeadlessChromium(Process process, Path profile, WebSocket socket) {
        this.process = process;
        this.profile = profile;
        this.socket = socket;
    }

    /** The Chromium binary, if one is installed. */
    static Optional<Path> find() {
        String configured = Optional.ofNullable(System.getProperty("patrol.chromium")).orElse(System.getenv("PATROL_CHROMIUM"));
        if (configured != null && !configured.isBlank()) {
            Path path = Path.of(configured);
            return Files.isExecutable(path) ? Optional.of(path) : Optional.empty();
        }
        String pathVariable = Optional.ofNullable(System.getenv("PATH")).orElse("");
        for (String name : NAMES) {
            for (String dir : pathVariable.split(java.io.File.pathSeparator)) {
                Path candidate = Path.of(dir, name);
                if (!dir.isBlank() && Files.isExecutable(candidate)) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }

    static HeadlessChromium launch(Path binary, Path log) throws Exception {
        Path profile = Files.createTempDirectory("patrol-chromium-");
        Process process = new ProcessBuilder(binary.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--no-default-browser-check", "--disable-dev-shm-usage", "--no-proxy-server",
                "--remote-debugging-port=0", "--user-data-dir=" + profile, "--window-size=1000,1400", "about:blank")
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        try {
            // Chromium writes the port it picked, and the browser endpoint, to this file once it listens.
            Path activePort = profile.resolve("DevToolsActivePort");
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                    .until(() -> !process.isAlive() || (Files.exists(activePort) && Files.readAllLines(activePort).size() >= 2));
            if (!process.isAlive()) {
                throw new IllegalStateException("chromium exited with " + process.exitValue() + "; see " + log);
            }
            int port = Integer.parseInt(Files.readAllLines(activePort).get(0).strip());
            HttpClient http = HttpClient.newHttpClient();
            URI pageSocket = await().atMost(Duration.ofSeconds(30)).until(() -> pageTarget(http, port), Optional::isPresent)
                    .orElseThrow();
            HeadlessChromium[] self = new HeadlessChromium[1];
            WebSocket socket = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10))
                    .buildAsync(pageSocket, new Listener(message -> {
                        if (self[0] != null) {
                            self[0].dispatch(message);
                        }
                    }))
                    .get(30, TimeUnit.SECONDS);
            self[0] = new HeadlessChromium(process, profile, socket);
            self[0].command("Page.enable", JSON.createObjectNode());
            self[0].command("Emulation.setDeviceMetricsOverride", JSON.createObjectNode().put("width", 1000)
                    .put("height", 1400).put("deviceScaleFactor", 1).put("mobile", false));
            return self[0];
        } catch (Exception | Error e) {
            stop(process);
            deleteTree(profile);
            throw e;
        }
    }

    private static Optional<URI> pageTarget(HttpClient http, int port) throws IOException, InterruptedException {
        HttpResponse<String> list = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list"))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        for (JsonNode target : JSON.readTree(list.body())) {
            if ("page".equals(target.path("type").asText()) && target.has("webSocketDebuggerUrl")) {
                return Optional.of(URI.create(target.get("webSocketDebuggerUrl").asText()));
            }
        }
        return Optional.empty();
    }

    /** Sends one CDP command and waits for its result; a CDP error becomes an exception. */
    JsonNode command(String method, ObjectNode params) throws Exception {
        int id = ids.incrementAndGet();
        CompletableFuture<JsonNode> reply = new CompletableFuture<>();
        pending.put(id, reply);
        ObjectNode message = JSON.createObjectNode().put("id", id).put("method", method);
        message.set("params", params);
        socket.sendText(JSON.writeValueAsString(message), true).get(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        JsonNode response = reply.get(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        if (response.has("error")) {
            throw new IllegalStateException(method + " failed: " + response.get("error"));
        }
        return response.path("result");
    }

    void navigate(String url) throws Exception {
        command("Page.navigate", JSON.createObjectNode().put("url", url));
        await().atMost(Duration.ofSeconds(30)).until(() -> "complete".equals(evaluateQuietly("document.readyState")));
    }

    /** Evaluates a JavaScript expression in the page and returns its value as text. */
    String evaluate(String expression) throws Exception {
        JsonNode result = command("Runtime.evaluate", JSON.createObjectNode().put("expression", expression)
                .put("returnByValue", true));
        if (result.has("exceptionDetails")) {
            throw new IllegalStateException("page script failed: " + result.get("exceptionDetails"));
        }
        return result.path("result").path("value").asText();
    }

    /** Like {@link #evaluate} but empty while the page is between documents (a form post under way). */
    String evaluateQuietly(String expression) {
        try {
            return evaluate(expression);
        } catch (Exception e) {
            return "";
        }
    }

    /** Types into a field as a keyboard would, after focusing it. */
    void type(String selector, String text) throws Exception {
        evaluate("document.querySelector(" + JSON.writeValueAsString(selector) + ").focus()");
        command("Input.insertText", JSON.createObjectNode().put("text", text));
    }

    /** A real left click in the middle of the element: mouse moved, pressed and released at its coordinates. */
    void click(String selector) throws Exception {
        JsonNode point = JSON.readTree(evaluate("JSON.stringify((() => { const r = document.querySelector("
                + JSON.writeValueAsString(selector) + ").getBoundingClientRect(); "
                + "return {x: r.left + r.width / 2, y: r.top + r.height / 2}; })())"));
        for (String type : List.of("mouseMoved", "mousePressed", "mouseReleased")) {
            ObjectNode event = JSON.createObjectNode().put("type", type).put("x", point.get("x").asDouble())
                    .put("y", point.get("y").asDouble()).put("button", type.equals("mouseMoved") ? "none" : "left")
                    .put("clickCount", type.equals("mouseMoved") ? 0 : 1);
            command("Input.dispatchMouseEvent", event);
        }
    }

    void screenshot(Path file) throws Exception {
        JsonNode shot = command("Page.captureScreenshot", JSON.createObjectNode().put("format", "png")
                .put("captureBeyondViewport", true));
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.write(file, Base64.getDecoder().decode(shot.get("data").asText()));
    }

    private void dispatch(String message) {
        try {
            JsonNode node = JSON.readTree(message);
            if (node.has("id")) {
                CompletableFuture<JsonNode> reply = pending.remove(node.get("id").asInt());
                if (reply != null) {
                    reply.complete(node);
                }
            }
            // Events (no id) are not needed: the test polls the page's state instead.
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            command("Browser.close", JSON.createObjectNode());
        } catch (Exception e) {
            // the browser may be gone already; stop() below makes sure
        }
        socket.abort();
        stop(process);
        deleteTree(profile);
    }

    /** Ends the browser this class started: its process and the helpers it spawned, by handle. */
    private static void stop(Process process) {
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                try (Stream<ProcessHandle> children = process.descendants()) {
                    children.forEach(ProcessHandle::destroy);
                }
                process.destroy();
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static void deleteTree(Path dir) {
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                    Files.deleteIfExists(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            // a temp profile left behind is harmless
        }
    }

    /** Reassembles fragmented text frames (screenshots arrive in many) and hands each whole message on. */
    private static final class Listener implements WebSocket.Listener {

        private final java.util.function.Consumer<String> onMessage;
        private final StringBuilder partial = new StringBuilder();

        Listener(java.util.function.Consumer<String> onMessage) {
            this.onMessage = onMessage;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String message = partial.toString();
                partial.setLength(0);
                onMessage.accept(message);
            }
            webSocket.request(1);
            return null;
        }
    }
}
