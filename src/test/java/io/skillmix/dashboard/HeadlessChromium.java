package io.skillmix.dashboard;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Debian's headless Chromium driven through the DevTools protocol over java.net.http's WebSocket
 * client (no WebDriver needed): open a page, evaluate JavaScript in it (awaiting promises), take a
 * screenshot. It reaches nothing but loopback: every host name but 127.0.0.1 fails to resolve and
 * Chromium's background services (updates, safe browsing, metrics, sync) are off.
 */
final class HeadlessChromium implements AutoCloseable {

  /** Where a call waits at most; a guard against a hung browser, never a measured figure. */
  private static final Duration CALL_LIMIT = Duration.ofSeconds(90);

  private static final List<String> OFFLINE = List.of(
      "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
      "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-default-apps",
      "--disable-domain-reliability", "--disable-client-side-phishing-detection", "--metrics-recording-only",
      "--no-pings", "--disable-extensions", "--safebrowsing-disable-auto-update", "--disable-breakpad",
      "--disable-features=Translate,OptimizationHints,MediaRouter,AutofillServerCommunication,CertificateTransparencyComponentUpdater",
      "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
      "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0");

  private final Process process;
  private final Path profile;
  private final WebSocket socket;
  private final AtomicInteger ids = new AtomicInteger();
  private final Map<Integer, CompletableFuture<JsonObject>> pending = new ConcurrentHashMap<>();

  /** The browser binary, or null with the reason printed by the caller. */
  static Path find() {
    String given = System.getenv("SKILLMIX_CHROMIUM");
    List<String> names = given != null ? List.of(given) : List.of("/usr/bin/chromium", "/usr/bin/chromium-browser",
        "/usr/bin/google-chrome");
    for (String name : names) {
      Path p = Path.of(name);
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    return null;
  }

  HeadlessChromium(Path binary, int width, int height) throws Exception {
    profile = Files.createTempDirectory("skillmix-chromium-");
    List<String> command = new ArrayList<>();
    command.add(binary.toString());
    command.addAll(OFFLINE);
    command.add("--user-data-dir=" + profile);
    command.add("--window-size=" + width + "," + height);
    command.add("about:blank");
    process = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    URI browser = devToolsAddress();
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    URI list = URI.create("http://127.0.0.1:" + browser.getPort() + "/json/list");
    String page = null;
    for (JsonElement target : JsonParser.parseString(http.send(HttpRequest.newBuilder(list).build(),
        HttpResponse.BodyHandlers.ofString()).body()).getAsJsonArray()) {
      if (target.getAsJsonObject().get("type").getAsString().equals("page")) {
        page = target.getAsJsonObject().get("webSocketDebuggerUrl").getAsString();
        break;
      }
    }
    if (page == null) {
      throw new IOException("chromium opened no page");
    }
    socket = http.newWebSocketBuilder().buildAsync(URI.create(page), new Listener())
        .get(CALL_LIMIT.toSeconds(), TimeUnit.SECONDS);
    call("Page.enable", new JsonObject());
    call("Runtime.enable", new JsonObject());
  }

  /** Chromium prints its DevTools address on stderr once it listens. */
  private URI devToolsAddress() throws IOException {
    BufferedReader err = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8));
    String line;
    StringBuilder seen = new StringBuilder();
    while ((line = err.readLine()) != null) {
      int at = line.indexOf("ws://");
      if (line.contains("DevTools listening on") && at >= 0) {
        Thread drain = new Thread(() -> err.lines().forEach(l -> { }), "chromium-stderr");
        drain.setDaemon(true);
        drain.start();
        return URI.create(line.substring(at).trim());
      }
      seen.append(line).append('\n');
    }
    throw new IOException("chromium ended before listening:\n" + seen);
  }

  /** Loads {@code url} and waits until its load event. */
  void open(URI url) throws Exception {
    CompletableFuture<JsonObject> loaded = new CompletableFuture<>();
    loadWaiters.add(loaded);
    JsonObject params = new JsonObject();
    params.addProperty("url", url.toString());
    call("Page.navigate", params);
    loaded.get(CALL_LIMIT.toSeconds(), TimeUnit.SECONDS);
  }

  private final List<CompletableFuture<JsonObject>> loadWaiters = new java.util.concurrent.CopyOnWriteArrayList<>();

  /** The value of a JavaScript expression in the page; a promise is awaited. */
  JsonElement evaluate(String expression) throws Exception {
    JsonObject params = new JsonObject();
    params.addProperty("expression", expression);
    params.addProperty("returnByValue", true);
    params.addProperty("awaitPromise", true);
    JsonObject result = call("Runtime.evaluate", params);
    if (result.has("exceptionDetails")) {
      throw new AssertionError("the page threw: " + result.get("exceptionDetails"));
    }
    JsonObject value = result.getAsJsonObject("result");
    return value.has("value") ? value.get("value") : null;
  }

  /** A PNG of the page as it is drawn now. */
  void screenshot(Path file) throws Exception {
    JsonObject params = new JsonObject();
    params.addProperty("format", "png");
    params.addProperty("captureBeyondViewport", true);
    JsonObject shot = call("Page.captureScreenshot", params);
    Files.write(file, Base64.getDecoder().decode(shot.get("data").getAsString()));
  }

  private JsonObject call(String method, JsonObject params) throws Exception {
    int id = ids.incrementAndGet();
    CompletableFuture<JsonObject> answer = new CompletableFuture<>();
    pending.put(id, answer);
    JsonObject message = new JsonObject();
    message.addProperty("id", id);
    message.addProperty("method", method);
    message.add("params", params);
    socket.sendText(message.toString(), true).get(CALL_LIMIT.toSeconds(), TimeUnit.SECONDS);
    JsonObject reply = answer.get(CALL_LIMIT.toSeconds(), TimeUnit.SECONDS);
    if (reply.has("error")) {
      throw new IOException(method + ": " + reply.get("error"));
    }
    return reply.getAsJsonObject("result");
  }

  private final class Listener implements WebSocket.Listener {
    private final StringBuilder partial = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        JsonObject message = JsonParser.parseString(partial.toString()).getAsJsonObject();
        partial.setLength(0);
        if (message.has("id")) {
          CompletableFuture<JsonObject> answer = pending.remove(message.get("id").getAsInt());
          if (answer != null) {
            answer.complete(message);
          }
        } else if ("Page.loadEventFired".equals(message.get("method").getAsString())) {
          loadWaiters.forEach(f -> f.complete(message));
          loadWaiters.clear();
        }
      }
      webSocket.request(1);
      return null;
    }
  }

  @Override
  public void close() throws IOException {
    try {
      socket.sendClose(WebSocket.NORMAL_CLOSURE, "").get(5, TimeUnit.SECONDS);
    } catch (Exception ignored) {
      // the process goes below either way
    }
    // Chromium's helpers (renderer, GPU, crash handler) write into the profile too: end them all, and
    // wait for each, before the profile is removed. Taken before the main process ends, since its
    // children are handed to init once it is gone.
    List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
    all.add(process.toHandle());
    all.forEach(ProcessHandle::destroy);
    for (ProcessHandle p : all) {
      try {
        p.onExit().get(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        p.destroyForcibly();
      } catch (Exception e) {
        p.destroyForcibly();
      }
    }
    try {
      io.skillmix.output.AtomicFiles.deleteTree(profile);
    } catch (IOException e) {
      // a file a helper wrote as it ended: the temporary profile is left, which fails no test
      System.err.println("chromium profile not removed: " + profile + " (" + e.getMessage() + ")");
    }
  }

  /** JSON array of strings, for building expressions. */
  static String quote(String s) {
    JsonArray a = new JsonArray();
    a.add(s);
    String json = a.toString();
    return json.substring(1, json.length() - 1);
  }
}
