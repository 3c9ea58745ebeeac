package io.skillmix.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.typesafe.config.ConfigFactory;
import io.skillmix.UserError;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dashboard's HTTP routes on a real loopback server (port 0), over run folders written here. */
class DashboardServerTest {

  @TempDir Path dir;
  private DashboardServer server;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  private static final String PRIOR = "{\"event\":\"weights\",\"step\":0,\"version\":0,\"probs\":{\"a\":0.5,\"b\":0.5}}";

  private static String train(int step) {
    return "{\"event\":\"train\",\"step\":" + step + ",\"loss\":" + (3.0 - step / 10.0)
        + ",\"losses\":{\"a\":2.5},\"examples\":{\"a\":4},\"tokens\":100,\"seconds\":0.5,\"wait_seconds\":0.0}";
  }

  /** A run folder as a run leaves it: its config and metrics. */
  private static Path run(Path dir, int steps) throws IOException {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("config.conf"), "seed = 7\nmix { method = mos, apply = lagged, update-every = 4 }\n"
        + "train { steps = 40 }\n");
    StringBuilder text = new StringBuilder(PRIOR).append('\n');
    for (int i = 0; i < steps; i++) {
      text.append(train(i)).append('\n');
    }
    Files.writeString(dir.resolve("metrics.jsonl"), text);
    return dir;
  }

  @BeforeEach
  void start() throws IOException {
    run(dir.resolve("cmp").resolve("sync").resolve("seed-0"), 3);
    run(dir.resolve("cmp").resolve("lagged").resolve("seed-0"), 5);
    server = DashboardServer.start(ServedRuns.find(List.of(dir.resolve("cmp"))), 0, "--port 0");
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private HttpResponse<String> send(String method, String path) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(server.address().resolve(path))
        .method(method, HttpRequest.BodyPublishers.noBody());
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(String path) throws Exception {
    return send("GET", path);
  }

  /** A GET with a Host header of our choosing (java.net.http will not send one): the status line. */
  private String statusWithHost(String host) throws IOException {
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", server.address().getPort())) {
      socket.getOutputStream().write(("GET /api/runs HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      return new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
          .readLine();
    }
  }

  private JsonObject json(String path) throws Exception {
    HttpResponse<String> r = get(path);
    assertEquals(200, r.statusCode(), r.body());
    assertEquals("application/json", r.headers().firstValue("Content-Type").orElse(""));
    return JsonParser.parseString(r.body()).getAsJsonObject();
  }

  @Test
  void itListensOnLoopbackOnly() {
    assertEquals("127.0.0.1", server.address().getHost());
    assertTrue(server.address().getPort() > 0);
  }

  @Test
  void aCompareFolderServesEachArmsRunByItsPath() throws Exception {
    JsonArray runs = json("/api/runs").getAsJsonArray("runs");
    assertEquals(2, runs.size());
    assertEquals("cmp/lagged/seed-0", runs.get(0).getAsJsonObject().get("name").getAsString(), "sorted by path");
    assertEquals("cmp/sync/seed-0", runs.get(1).getAsJsonObject().get("name").getAsString());
    JsonObject details = json("/api/runs/0");
    assertEquals(dir.resolve("cmp/lagged/seed-0").toAbsolutePath().toString(), details.get("dir").getAsString());
    assertEquals("lagged", details.getAsJsonObject("settings").get("mix.apply").getAsString());
    assertEquals("40", details.getAsJsonObject("settings").get("train.steps").getAsString());
    assertFalse(details.get("finished").getAsBoolean(), "no report.md yet");
    Files.writeString(dir.resolve("cmp/lagged/seed-0/report.md"), "# done\n");
    assertTrue(json("/api/runs/0").get("finished").getAsBoolean());
  }

  @Test
  void eventsAreTheFilesLinesPagedFromWhereThePageIs() throws Exception {
    JsonObject first = json("/api/runs/0/events?from=0&limit=4");
    assertEquals(0, first.get("from").getAsInt());
    assertEquals(4, first.get("next").getAsInt());
    assertTrue(first.get("more").getAsBoolean());
    JsonArray events = first.getAsJsonArray("events");
    assertEquals(JsonParser.parseString(PRIOR), events.get(0), "the line as written");
    assertEquals(JsonParser.parseString(train(2)), events.get(3));
    JsonObject rest = json("/api/runs/0/events?from=4");
    assertEquals(2, rest.getAsJsonArray("events").size());
    assertEquals(6, rest.get("next").getAsInt());
    assertFalse(rest.get("more").getAsBoolean());
    // The run writes on, the last line half-way: the page gets the whole lines only.
    Path metrics = dir.resolve("cmp/lagged/seed-0/metrics.jsonl");
    Files.writeString(metrics, train(5) + "\n" + train(6).substring(0, 20), StandardOpenOption.APPEND);
    JsonObject grown = json("/api/runs/0/events?from=6&generation=" + rest.get("generation").getAsLong());
    assertEquals(1, grown.getAsJsonArray("events").size());
    assertEquals(JsonParser.parseString(train(5)), grown.getAsJsonArray("events").get(0));
    assertFalse(grown.get("reset").getAsBoolean());
  }

  @Test
  void aPageThatKnewAnEarlierFileGetsAResetAndTheLinesFromTheFirst() throws Exception {
    JsonObject before = json("/api/runs/1/events?from=0");
    assertEquals(4, before.get("next").getAsInt());
    run(dir.resolve("cmp/sync/seed-0"), 1); // a resume cut it back to its checkpoint
    JsonObject after = json("/api/runs/1/events?from=4&generation=" + before.get("generation").getAsLong());
    assertTrue(after.get("reset").getAsBoolean());
    assertEquals(0, after.get("from").getAsInt());
    assertEquals(2, after.getAsJsonArray("events").size());
  }

  @Test
  void thePageAndItsFilesComeFromTheJarAndLoadNothingFromOutside() throws Exception {
    HttpResponse<String> page = get("/");
    assertEquals(200, page.statusCode());
    assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
    assertTrue(page.body().contains("<script src=\"dashboard.js\""), page.body());
    assertFalse(page.body().contains("http://") || page.body().contains("https://"), "no outside resource");
    assertTrue(page.headers().firstValue("Content-Security-Policy").orElse("").startsWith("default-src 'self'"));
    for (String name : List.of("charts.js", "sections.js", "dashboard.js")) {
      assertTrue(page.body().contains("<script src=\"" + name + "\""), name);
      HttpResponse<String> script = get("/" + name);
      assertEquals(200, script.statusCode());
      assertTrue(script.headers().firstValue("Content-Type").orElse("").startsWith("application/javascript"));
      String code = script.body().replace("'http://www.w3.org/2000/svg'", "SVG namespace, a name not a request");
      assertFalse(code.contains("https://") || code.contains("http://"), "no outside resource: " + name);
    }
    assertEquals(200, get("/dashboard.css").statusCode());
  }

  /** One line of text, no trace of the server's insides. */
  private static void assertOneLine(HttpResponse<String> r) {
    String body = r.body().strip();
    assertFalse(body.contains("\n"), body);
    assertFalse(body.contains("Exception") || body.contains("at io.") || body.contains("at org."), body);
  }

  @Test
  void aBadPathIs404ABadMethod405AndNeitherShowsAStackTrace() throws Exception {
    for (String path : List.of("/nope", "/nope.js", "/api", "/api/runs/7", "/api/runs/0/nope", "/api/runs/x/events", "/../etc/passwd")) {
      HttpResponse<String> r = get(path);
      assertEquals(404, r.statusCode(), path + ": " + r.body());
      assertOneLine(r);
    }
    for (String method : List.of("POST", "PUT", "DELETE", "PATCH")) {
      for (String path : List.of("/", "/charts.js", "/api/runs", "/api/runs/0/events")) {
        HttpResponse<String> r = send(method, path);
        assertEquals(405, r.statusCode(), method + " " + path + ": " + r.body());
        assertEquals("GET", r.headers().firstValue("Allow").orElse(""));
        assertOneLine(r);
      }
    }
    HttpResponse<String> badNumber = get("/api/runs/0/events?from=abc");
    assertEquals(400, badNumber.statusCode());
    assertOneLine(badNumber);
  }

  @Test
  void aRequestForAnotherHostIsRefused() throws Exception {
    // A page elsewhere that rebinds its name to 127.0.0.1 still sends its own name.
    int port = server.address().getPort();
    assertEquals("HTTP/1.1 403 Forbidden", statusWithHost("attacker.example:" + port));
    assertEquals("HTTP/1.1 200 OK", statusWithHost("localhost:" + port));
    assertEquals("HTTP/1.1 200 OK", statusWithHost("127.0.0.1:" + port));
  }

  @Test
  void aPortThatIsTakenIsRefusedInOneLineNamingTheSetting() {
    int taken = server.address().getPort();
    UserError e = assertThrows(UserError.class,
        () -> DashboardServer.start(ServedRuns.of(dir.resolve("cmp/sync/seed-0")), taken, "run.dashboard-port = " + taken));
    assertTrue(e.getMessage().startsWith("run.dashboard-port = " + taken + ": the dashboard cannot listen on 127.0.0.1:"
        + taken), e.getMessage());
  }

  @Test
  void withNoPageWatchingItClosesAtOnceWhenTheRunEnds() throws Exception {
    URI address = server.address();
    server.closeOnceRead(Duration.ofMinutes(5)); // would wait minutes if a page were watching
    assertThrows(ConnectException.class, () -> http.send(HttpRequest.newBuilder(address.resolve("/api/runs")).build(),
        HttpResponse.BodyHandlers.ofString()));
  }

  @Test
  void aFolderWithNoRunIsRefusedInOneLine() throws IOException {
    Path empty = Files.createDirectories(dir.resolve("empty"));
    UserError none = assertThrows(UserError.class, () -> ServedRuns.find(List.of(empty)));
    assertTrue(none.getMessage().startsWith(empty + ": not a run folder (no config.conf)"), none.getMessage());
    UserError missing = assertThrows(UserError.class, () -> ServedRuns.find(List.of(dir.resolve("gone"))));
    assertTrue(missing.getMessage().contains("no such folder"), missing.getMessage());
    assertEquals(2, io.skillmix.cli.Main.execute("dashboard", dir.resolve("gone").toString()));
    Files.writeString(empty.resolve("records.zip"), "");
    UserError packed = assertThrows(UserError.class, () -> ServedRuns.find(List.of(empty)));
    assertTrue(packed.getMessage().contains("unpack them first (skillmix results unpack"), packed.getMessage());
  }

  @Test
  void theRunsPortSettingIsAutoOffOrAPort() {
    assertEquals(0, LiveDashboard.port(ConfigFactory.parseString("run.dashboard-port = auto"), true), "a free port");
    assertNull(LiveDashboard.port(ConfigFactory.parseString("run.dashboard-port = auto"), false), "no terminal: none");
    assertNull(LiveDashboard.port(ConfigFactory.parseString("run.dashboard-port = 0"), true));
    assertEquals(8123, LiveDashboard.port(ConfigFactory.parseString("run.dashboard-port = 8123"), false));
    for (String bad : List.of("-1", "70000", "yes")) {
      UserError e = assertThrows(UserError.class,
          () -> LiveDashboard.port(ConfigFactory.parseString("run.dashboard-port = \"" + bad + "\""), true));
      assertTrue(e.getMessage().startsWith("run.dashboard-port = " + bad + ": give auto"), e.getMessage());
    }
  }

  @Test
  void metricsReadAsTheyAreWrittenCarryThroughByteForByte() throws Exception {
    // Non-ASCII text in a note reaches the page as written.
    Files.writeString(dir.resolve("cmp/sync/seed-0/metrics.jsonl"),
        "{\"event\":\"note\",\"step\":1,\"message\":\"θ0 — 3 MB\"}\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    JsonArray events = json("/api/runs/1/events?from=0").getAsJsonArray("events");
    assertEquals("θ0 — 3 MB", events.get(events.size() - 1).getAsJsonObject().get("message").getAsString());
  }
}
