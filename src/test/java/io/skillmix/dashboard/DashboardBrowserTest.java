package io.skillmix.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.skillmix.data.DatasetActor;
import io.skillmix.run.ActorHooks;
import io.skillmix.run.RunFixtures;
import io.skillmix.run.TrainingRun;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.BehaviorInterceptor;
import org.apache.pekko.actor.typed.TypedActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The live dashboard in a real browser (Debian's headless Chromium over the DevTools protocol): a
 * tiny run serves its own page; the page loads, its charts hold the run's numbers as metrics.jsonl
 * has them (read back from the page), and new points appear while the run trains. The run is held
 * step by step (a gate on the dataset actors' training batches), so the page is seen at a known
 * point of the run and the test waits on the page's own update events, never on the clock.
 */
@Timeout(value = 180, unit = java.util.concurrent.TimeUnit.SECONDS)
class DashboardBrowserTest {

  @TempDir static Path dir;

  private static final int STEPS = 24;
  private static final int FIRST = 12;

  /** Every training batch of every dataset waits for a permit: one permit, one step (one dataset a step). */
  private static ActorHooks gated(Semaphore permits) {
    return new ActorHooks() {
      @Override
      @SuppressWarnings("unchecked")
      public <T> Behavior<T> around(String actor, Behavior<T> behavior) {
        if (!actor.startsWith("dataset:")) {
          return behavior;
        }
        Class<T> all = (Class<T>) (Class<?>) Object.class;
        return Behaviors.intercept(() -> new BehaviorInterceptor<T, T>(all) {
          @Override
          public Behavior<T> aroundReceive(TypedActorContext<T> context, T message, ReceiveTarget<T> target) {
            if (message instanceof DatasetActor.RequestBatch r && r.stream() == DatasetActor.StreamKind.TRAIN) {
              permits.acquireUninterruptibly(); // holds this dataset's thread: the test's own run, nothing else
            }
            return target.apply(context, message);
          }
        }, behavior);
      }
    };
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** Waits (on the page's own update events) until {@code condition} holds in the page; a dump of its state if never. */
  private static void awaitPage(HeadlessChromium browser, String condition) throws Exception {
    String js = "new Promise((resolve) => { const d = window.dashboard; const check = () => { if (d && (" + condition
        + ")) { window.removeEventListener('dashboard:update', check); resolve(true); } };"
        + " window.addEventListener('dashboard:update', check); check(); })";
    try {
      browser.evaluate(js);
    } catch (TimeoutException e) {
      throw new AssertionError("the page never showed " + condition + "; it holds "
          + browser.evaluate("JSON.stringify(window.dashboard.runs.map(r => ({train: r.train.length, weights:"
          + " r.weights.length, finished: r.finished})))"), e);
    }
  }

  private static int pageCount(HeadlessChromium browser, String what) throws Exception {
    return browser.evaluate("window.dashboard.runs[0]." + what + ".length").getAsInt();
  }

  /** The points a chart draws for one series, as the page holds them in its SVG. */
  private static JsonArray drawn(HeadlessChromium browser, String chart, String series, String kind) throws Exception {
    JsonElement xy = browser.evaluate("(() => { const g = document.querySelector('svg[data-chart=\"" + chart
        + "\"] g[data-series=\"" + series + "\"][data-kind=\"" + kind + "\"]'); return g ? g.getAttribute('data-xy') : null; })()");
    assertNotNull(xy, "no " + kind + " series " + series + " in the " + chart + " chart");
    return JsonParser.parseString(xy.getAsString()).getAsJsonArray();
  }

  private static List<JsonObject> lines(Path run, Predicate<JsonObject> which) throws IOException {
    List<JsonObject> out = new ArrayList<>();
    for (String line : Files.readAllLines(run.resolve("metrics.jsonl"))) {
      JsonObject o = JsonParser.parseString(line).getAsJsonObject();
      if (which.test(o)) {
        out.add(o);
      }
    }
    return out;
  }

  private static Predicate<JsonObject> event(String name) {
    return o -> o.get("event").getAsString().equals(name);
  }

  /** The file's points of one dataset: x and y as the file has them, the first {@code n} (all when -1). */
  private static void assertSameAsFile(JsonArray page, List<double[]> file, String what) {
    assertTrue(page.size() > 0, what + ": the page draws no point");
    assertTrue(page.size() <= file.size(), what + ": the page has " + page.size() + " points, the file " + file.size());
    for (int i = 0; i < page.size(); i++) {
      JsonArray p = page.get(i).getAsJsonArray();
      assertEquals(file.get(i)[0], p.get(0).getAsDouble(), 0, what + " point " + i + " x");
      assertEquals(file.get(i)[1], p.get(1).getAsDouble(), 0, what + " point " + i + " y");
    }
  }

  private static List<double[]> points(List<JsonObject> rows, String x, String map, String dataset) {
    List<double[]> out = new ArrayList<>();
    for (JsonObject o : rows) {
      JsonObject byName = o.getAsJsonObject(map);
      if (byName != null && byName.has(dataset) && !byName.get(dataset).isJsonNull()) {
        out.add(new double[] {o.get(x).getAsDouble(), byName.get(dataset).getAsDouble()});
      }
    }
    return out;
  }

  /** The page's charts against the file, for every dataset; the page may be behind the file, never ahead or off. */
  private static void assertChartsHoldTheFile(HeadlessChromium browser, Path run) throws Exception {
    for (String d : List.of("add", "echo", "talk")) {
      assertSameAsFile(drawn(browser, "probabilities", d, "value"), points(lines(run, event("weights")), "step", "probs", d),
          "probabilities of " + d);
      List<double[]> losses = points(lines(run, event("train")), "step", "losses", d);
      if (!losses.isEmpty()) {
        assertSameAsFile(drawn(browser, "loss", d, "raw"), losses, "loss of " + d);
      }
    }
  }

  @Test
  void aTakenPortRefusesTheRunBeforeItStartsAndLeavesItsFolderFree() throws Exception {
    RunFixtures.write(dir);
    try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      int port = taken.getLocalPort();
      io.skillmix.UserError e = org.junit.jupiter.api.Assertions.assertThrows(io.skillmix.UserError.class,
          () -> TrainingRun.start(RunFixtures.config(dir, "taken", "run.dashboard-port=" + port)));
      assertTrue(e.getMessage().startsWith("run.dashboard-port = " + port + ": the dashboard cannot listen on 127.0.0.1:"
          + port), e.getMessage());
    }
    try (io.skillmix.output.RunLock lock = io.skillmix.output.RunLock.acquire(dir.resolve("taken"))) {
      assertNotNull(lock, "the refused run let go of its folder");
    }
    assertTrue(!Files.exists(dir.resolve("taken").resolve("metrics.jsonl")), "nothing ran");
  }

  @Test
  void thePageShowsTheRunsNumbersAndNewPointsWhileItTrains() throws Exception {
    Path chromium = HeadlessChromium.find();
    if (chromium == null) {
      String why = "DashboardBrowserTest skipped: no Chromium (/usr/bin/chromium; apt-get install -y chromium,"
          + " or SKILLMIX_CHROMIUM=PATH)";
      System.out.println(why);
      Assumptions.abort(why);
    }
    RunFixtures.write(dir);
    Semaphore permits = new Semaphore(0);
    TrainingRun.Handle run = TrainingRun.start(RunFixtures.config(dir, "live", "run.dashboard-port=" + freePort(),
        "train.steps=" + STEPS, "mix.batch-mixing=batch", "mix.update-every=4", "mix.lag-steps=2", "eval.every=8"),
        gated(permits));
    Path runDir = dir.resolve("live");
    try (HeadlessChromium browser = new HeadlessChromium(chromium, 1400, 1000)) {
      assertNotNull(run.dashboard(), "run.dashboard-port set: the run serves its page");
      assertTrue(run.notices().contains("dashboard: " + run.dashboard() + " (live, read-only, this machine only)"),
          run.notices().toString());
      browser.open(run.dashboard());

      // Before the first step: the run is listed, its prior drawn, no loss yet.
      awaitPage(browser, "d.runs.length === 1 && d.runs[0].weights.length >= 1 && d.updates >= 1");
      assertEquals("live", browser.evaluate("document.querySelector('#runs tbody td.name').firstChild.textContent")
          .getAsString());
      assertEquals(0, pageCount(browser, "train"), "the run is held before its first step");
      assertChartsHoldTheFile(browser, runDir);

      // FIRST steps: the learner applies the update of snapshot 8 at step 10, which writes lines 0-9 out.
      permits.release(FIRST);
      awaitPage(browser, "d.runs[0].train.length >= 10 && d.runs[0].weights.some(w => w.version === 8)");
      int midway = pageCount(browser, "train");
      assertTrue(midway >= 10 && midway <= FIRST, "held after " + FIRST + " steps: " + midway);
      assertChartsHoldTheFile(browser, runDir);
      assertEquals("2 / 0", browser.evaluate("document.querySelector('td[data-figure=updates]').textContent")
          .getAsString(), "updates of snapshots 4 and 8 took effect, none skipped");

      // The rest: the page follows to the end, the report included, before the run's server goes.
      permits.release(1000);
      awaitPage(browser, "d.runs[0].train.length === " + STEPS + " && d.runs[0].finished && d.runs[0].system");
      assertTrue(pageCount(browser, "train") > midway, "new points appeared while the run trained");
      assertChartsHoldTheFile(browser, runDir);
      List<JsonObject> updates = lines(runDir, event("weights")).stream().filter(w -> w.get("version").getAsLong() > 0)
          .toList();
      assertEquals(updates.size() + " / 0", browser.evaluate("document.querySelector('td[data-figure=updates]').textContent")
          .getAsString());
      assertEquals(STEPS + " / " + STEPS, browser.evaluate("document.querySelector('td[data-figure=steps]').textContent")
          .getAsString());
      List<double[]> staleness = new ArrayList<>();
      updates.forEach(w -> staleness.add(new double[] {w.get("step").getAsDouble(), w.get("staleness").getAsDouble()}));
      assertSameAsFile(drawn(browser, "staleness", "staleness", "value"), staleness, "staleness");
      assertEquals(staleness.size(), drawn(browser, "staleness", "staleness", "value").size());
      assertSameAsFile(drawn(browser, "rewards", "talk", "raw"), points(lines(runDir, event("rewards")), "version",
          "rewards", "talk"), "raw rewards of talk");
      assertSameAsFile(drawn(browser, "rewards", "talk", "smoothed"), points(lines(runDir, event("rewards")), "version",
          "smoothed", "talk"), "smoothed rewards of talk");
      assertSameAsFile(drawn(browser, "heldout", "talk", "value"), points(lines(runDir, event("eval")), "step",
          "heldout_loss", "talk"), "held-out loss of talk");
      List<double[]> prefetch = points(lines(runDir, event("train")), "step", "prefetch", "add");
      assertSameAsFile(drawn(browser, "prefetch", "add", "raw"), prefetch, "prefetch of add");
      assertEquals(prefetch.size(), drawn(browser, "prefetch", "add", "raw").size());
      List<double[]> latency = new ArrayList<>();
      lines(runDir, event("snapshot_answered")).forEach(a -> latency.add(new double[] {a.get("version").getAsDouble(),
          a.get("latency_seconds").getAsDouble()}));
      assertSameAsFile(drawn(browser, "evaluator", "reward latency", "value"), latency, "reward latency");
      Files.createDirectories(Path.of("target"));
      browser.screenshot(Path.of("target", "dashboard-browser-test.png"));
    } finally {
      permits.release(1000);
      TrainingRun.Outcome outcome = run.await();
      assertEquals(STEPS, outcome.steps());
    }
  }
}
