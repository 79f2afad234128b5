package dev.patrol.testkit;

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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A headless Chromium driven over the Chrome DevTools Protocol with the JDK's own WebSocket client: no Selenium, no
 * downloads. Starts the distribution's {@code chromium} on a fresh profile with remote debugging on a free port, attaches
 * to its page, and offers what a test of a page needs: navigate, read, type, a real mouse click, a screenshot, and the
 * errors the page reported (uncaught exceptions, {@code console.error}, browser log errors such as a blocked load).
 * {@link #close()} ends the browser it started (and only that), then deletes the profile.
 *
 * <p>Used by the approval page test (alerts) and the token report test (deploy). Tests skip themselves with
 * {@link #find()} empty: where no Chromium is installed (Debian: {@code apt-get install -y chromium}).
 */
public final class HeadlessChromium implements AutoCloseable {

    /** Where to look when {@code PATROL_CHROMIUM} / {@code -Dpatrol.chromium} does not name the binary. */
    private static final List<String> NAMES = List.of("chromium", "chromium-browser", "google-chrome", "google-chrome-stable");
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final Path profile;
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final List<String> pageErrors = new CopyOnWriteArrayList<>();

    private HeadlessChromium(Process process, Path profile, WebSocket socket) {
        this.process = process;
        this.profile = profile;
        this.socket = socket;
    }

    /** The Chromium binary, if one is installed. */
    public static Optional<Path> find() {
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

    /** Starts the browser on a blank page; its own output goes to {@code log}. */
    public static HeadlessChromium launch(Path binary, Path log) throws Exception {
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
            // Runtime and Log report what a person would see in the console: uncaught errors, console.error, and
            // the browser's own complaints (a load blocked by the page's policy, a failed request).
            self[0].command("Runtime.enable", JSON.createObjectNode());
            self[0].command("Log.enable", JSON.createObjectNode());
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
    public JsonNode command(String method, ObjectNode params) throws Exception {
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

    /** Opens {@code url} (http, or file for a page on disk) and waits until the document has loaded. */
    public void navigate(String url) throws Exception {
        command("Page.navigate", JSON.createObjectNode().put("url", url));
        await().atMost(Duration.ofSeconds(30)).until(() -> "complete".equals(evaluateQuietly("document.readyState")));
    }

    /** Evaluates a JavaScript expression in the page and returns its value as text. */
    public String evaluate(String expression) throws Exception {
        JsonNode result = command("Runtime.evaluate", JSON.createObjectNode().put("expression", expression)
                .put("returnByValue", true));
        if (result.has("exceptionDetails")) {
            throw new IllegalStateException("page script failed: " + result.get("exceptionDetails"));
        }
        return result.path("result").path("value").asText();
    }

    /** Like {@link #evaluate} but empty while the page is between documents (a form post under way). */
    public String evaluateQuietly(String expression) {
        try {
            return evaluate(expression);
        } catch (Exception e) {
            return "";
        }
    }

    /**
     * The errors the pages reported since launch (or {@link #clearPageErrors()}), one line each: uncaught exceptions,
     * {@code console.error} and {@code console.assert} failures, and error-level browser log entries.
     */
    public List<String> pageErrors() {
        return List.copyOf(pageErrors);
    }

    public void clearPageErrors() {
        pageErrors.clear();
    }

    /** Types into a field as a keyboard would, after focusing it. */
    public void type(String selector, String text) throws Exception {
        evaluate("document.querySelector(" + JSON.writeValueAsString(selector) + ").focus()");
        command("Input.insertText", JSON.createObjectNode().put("text", text));
    }

    /**
     * A real left click in the middle of the element: scrolled into view first, as a person would (a mouse event
     * outside the viewport hits nothing), then mouse moved, pressed and released at its coordinates.
     */
    public void click(String selector) throws Exception {
        JsonNode point = JSON.readTree(evaluate("JSON.stringify((() => { const e = document.querySelector("
                + JSON.writeValueAsString(selector) + "); e.scrollIntoView({block: 'center', inline: 'center'}); "
                + "const r = e.getBoundingClientRect(); "
                + "return {x: r.left + r.width / 2, y: r.top + r.height / 2}; })())"));
        for (String type : List.of("mouseMoved", "mousePressed", "mouseReleased")) {
            ObjectNode event = JSON.createObjectNode().put("type", type).put("x", point.get("x").asDouble())
                    .put("y", point.get("y").asDouble()).put("button", type.equals("mouseMoved") ? "none" : "left")
                    .put("clickCount", type.equals("mouseMoved") ? 0 : 1);
            command("Input.dispatchMouseEvent", event);
        }
    }

    public void screenshot(Path file) throws Exception {
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
            pageError(node).ifPresent(pageErrors::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An event that reports an error on the page, as one line; other events are not needed (tests poll the page). */
    private static Optional<String> pageError(JsonNode event) {
        JsonNode params = event.path("params");
        switch (event.path("method").asText()) {
            case "Runtime.exceptionThrown" -> {
                JsonNode details = params.path("exceptionDetails");
                String description = details.path("exception").path("description").asText(details.path("text").asText());
                return Optional.of("uncaught: " + description + " at " + details.path("url").asText() + ":"
                        + (details.path("lineNumber").asInt() + 1));
            }
            case "Runtime.consoleAPICalled" -> {
                String type = params.path("type").asText();
                if (!type.equals("error") && !type.equals("assert")) {
                    return Optional.empty();
                }
                StringBuilder text = new StringBuilder("console." + type + ":");
                for (JsonNode arg : params.path("args")) {
                    text.append(' ').append(arg.has("value") ? arg.get("value").asText() : arg.path("description").asText());
                }
                return Optional.of(text.toString());
            }
            case "Log.entryAdded" -> {
                JsonNode entry = params.path("entry");
                return entry.path("level").asText().equals("error")
                        ? Optional.of("log (" + entry.path("source").asText() + "): " + entry.path("text").asText()
                                + (entry.hasNonNull("url") ? " " + entry.get("url").asText() : ""))
                        : Optional.empty();
            }
            default -> {
                return Optional.empty();
            }
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
