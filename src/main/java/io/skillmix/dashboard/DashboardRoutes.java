package io.skillmix.dashboard;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.ExceptionHandler;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.RejectionHandler;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.StringUnmarshallers;

/**
 * The dashboard's HTTP surface, read-only: the page and its two static files, and three JSON
 * endpoints (docs in README.md, "Watching a run"):
 *
 * <ul>
 *   <li>{@code GET /api/runs}: {@code {"runs":[{"id","name","dir"}]}}
 *   <li>{@code GET /api/runs/ID}: a run's folder, settings, {@code finished}, {@code metrics_modified}
 *   <li>{@code GET /api/runs/ID/events?from=N&generation=G&limit=L}: lines N.. of its
 *       {@code metrics.jsonl}, as written ({@code {"generation","reset","from","next","more",
 *       "unreadable","events":[...]}})
 * </ul>
 *
 * Anything else is a 404, another method a 405, and a request naming another host than this
 * machine's loopback a 403 (a page elsewhere cannot read the runs through DNS rebinding). Errors are
 * one line of text, never a stack trace.
 */
final class DashboardRoutes extends AllDirectives {

  /** Events per answer unless the page asks for fewer. */
  static final int DEFAULT_LIMIT = 5000;
  private static final int MAX_LIMIT = 20000;
  private static final List<String> LOOPBACK = List.of("127.0.0.1", "localhost");
  private static final ContentType.WithCharset JAVASCRIPT =
      MediaTypes.APPLICATION_JAVASCRIPT.toContentType(org.apache.pekko.http.javadsl.model.HttpCharsets.UTF_8);
  private static final ContentType.WithCharset CSS =
      MediaTypes.TEXT_CSS.toContentType(org.apache.pekko.http.javadsl.model.HttpCharsets.UTF_8);
  /** The page loads nothing but its own files, and nothing may frame it. */
  private static final List<HttpHeader> PAGE_HEADERS = List.of(
      RawHeader.create("Content-Security-Policy",
          "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"),
      RawHeader.create("X-Content-Type-Options", "nosniff"),
      RawHeader.create("Cache-Control", "no-store"));

  private final ServedRuns runs;
  private final Executor blocking;
  /** Per run: the lines pages have been sent up to, and its line count then (for a run's end). */
  private final java.util.Map<String, int[]> served = new java.util.HashMap<>();
  /** Answers given so far, and the number of the last answer about a run's details. */
  private long answers;
  private long lastDetails;
  private final String html = resource("dashboard.html");
  private final String style = resource("dashboard.css");
  /** The page's scripts, in the order it loads them: drawing, what is drawn, the page. */
  private static final List<String> SCRIPTS = List.of("charts.js", "sections.js", "dashboard.js");
  private final java.util.Map<String, String> scripts = new java.util.LinkedHashMap<>();

  /** @param blocking where files are read (never the server's own threads) */
  DashboardRoutes(ServedRuns runs, Executor blocking) {
    this.runs = runs;
    this.blocking = blocking;
    SCRIPTS.forEach(name -> scripts.put(name, resource(name)));
  }

  Route route() {
    return handleExceptions(oneLineErrors(), () -> handleRejections(oneLineRejections(), () -> extractHost(host -> LOOPBACK.contains(host.toLowerCase(java.util.Locale.ROOT))
        ? respondWithHeaders(PAGE_HEADERS, this::routes)
        : complete(StatusCodes.FORBIDDEN, "this dashboard answers to 127.0.0.1 or localhost only\n"))));
  }

  private Route routes() {
    return concat(
        pathEndOrSingleSlash(() -> get(() -> complete(HttpEntities.create(ContentTypes.TEXT_HTML_UTF8, html)))),
        path(PathMatchers.segment(), name -> scripts.containsKey(name)
            ? get(() -> complete(HttpEntities.create(JAVASCRIPT, scripts.get(name))))
            : reject()),
        path("dashboard.css", () -> get(() -> complete(HttpEntities.create(CSS, style)))),
        path(PathMatchers.segment("api").slash("runs"), () -> get(() -> json(runs::listing))),
        path(PathMatchers.segment("api").slash("runs").slash(PathMatchers.segment()),
            id -> get(() -> withRun(id, run -> json(() -> detailsOf(run))))),
        path(PathMatchers.segment("api").slash("runs").slash(PathMatchers.segment()).slash("events"),
            id -> get(() -> withRun(id, this::events))));
  }

  private Route withRun(String id, java.util.function.Function<ServedRuns.Run, Route> inner) {
    ServedRuns.Run run = runs.get(id);
    return run == null ? complete(StatusCodes.NOT_FOUND, "no run " + id + " here; /api/runs lists them\n") : inner.apply(run);
  }

  private Route events(ServedRuns.Run run) {
    return parameterOptional(StringUnmarshallers.INTEGER, "from", from ->
        parameterOptional(StringUnmarshallers.LONG, "generation", generation ->
            parameterOptional(StringUnmarshallers.INTEGER, "limit", limit -> {
              int asked = Math.max(0, from.orElse(0));
              int most = Math.min(MAX_LIMIT, Math.max(1, limit.orElse(DEFAULT_LIMIT)));
              return completeWithFuture(CompletableFuture.supplyAsync(() -> eventsAnswer(run, asked, generation, most),
                  blocking));
            })));
  }

  /**
   * Lines from {@code from} on; a page that knew another generation of the file (the run was
   * resumed from a checkpoint and its file cut back, or the folder was taken by a new run) gets
   * {@code reset} and the lines from the first.
   */
  private HttpResponse eventsAnswer(ServedRuns.Run run, int from, Optional<Long> knownGeneration, int limit) {
    try {
      LogTail.Slice slice = run.metrics().since(from, limit);
      boolean reset = knownGeneration.isPresent() && knownGeneration.get() != slice.generation();
      if (reset && from > 0) {
        slice = run.metrics().since(0, limit);
      }
      served(run, slice);
      StringBuilder out = new StringBuilder(64 + slice.lines().stream().mapToInt(String::length).sum());
      out.append("{\"generation\":").append(slice.generation())
          .append(",\"reset\":").append(reset)
          .append(",\"from\":").append(slice.from())
          .append(",\"next\":").append(slice.next())
          .append(",\"more\":").append(slice.next() < slice.total())
          .append(",\"unreadable\":").append(slice.unreadable())
          .append(",\"events\":[").append(String.join(",", slice.lines())).append("]}");
      return jsonResponse(StatusCodes.OK, out.toString());
    } catch (IOException e) {
      return text(StatusCodes.INTERNAL_SERVER_ERROR, "cannot read " + run.dir() + "/metrics.jsonl: " + e.getMessage());
    }
  }

  private JsonObject detailsOf(ServedRuns.Run run) {
    JsonObject details = ServedRuns.details(run);
    synchronized (this) {
      lastDetails = ++answers;
      notifyAll();
    }
    return details;
  }

  /** A mark in the answers: {@link #awaitRead} waits for a page's look at the details after it. */
  synchronized long mark() {
    return answers;
  }

  private synchronized void served(ServedRuns.Run run, LogTail.Slice slice) {
    answers++;
    served.merge(run.id(), new int[] {slice.next(), slice.total()},
        (was, now) -> now[0] >= was[0] || now[1] < was[1] ? now : new int[] {was[0], now[1]});
    notifyAll();
  }

  /** Whether any page has asked for a run's lines. */
  synchronized boolean watched() {
    return !served.isEmpty();
  }

  /**
   * Waits until pages have been sent every run's metrics up to the line count it has now and a
   * page has asked for a run's details since {@code mark} (whether it finished), or {@code millis}
   * have passed; true when they have. A run's last lines and its report are written as it ends:
   * the run keeps its server until a page watching it has seen them.
   */
  synchronized boolean awaitRead(long mark, long millis) throws InterruptedException, IOException {
    long deadline = System.nanoTime() + millis * 1_000_000;
    for (;;) {
      boolean all = true;
      for (ServedRuns.Run run : runs.all()) {
        int total = run.metrics().since(Integer.MAX_VALUE, 0).total();
        int[] sent = served.get(run.id());
        all &= sent != null && sent[0] >= total;
      }
      all &= lastDetails > mark;
      long left = (deadline - System.nanoTime()) / 1_000_000;
      if (all || left <= 0) {
        return all;
      }
      wait(Math.min(left, 250)); // woken by each answer; the timeout rereads the files
    }
  }

  private Route json(Supplier<JsonObject> body) {
    return completeWithFuture(CompletableFuture.supplyAsync(() -> jsonResponse(StatusCodes.OK, body.get().toString()),
        blocking));
  }

  private static HttpResponse jsonResponse(StatusCode status, String body) {
    return HttpResponse.create().withStatus(status).withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, body));
  }

  private static HttpResponse text(StatusCode status, String line) {
    return HttpResponse.create().withStatus(status)
        .withEntity(HttpEntities.create(ContentTypes.TEXT_PLAIN_UTF8, line.replace('\n', ' ').strip() + "\n"));
  }

  /** Pekko's own answers (404, 405 with its Allow header, 400 for a malformed number) as one line. */
  private static RejectionHandler oneLineRejections() {
    return RejectionHandler.defaultHandler().mapRejectionResponse(response ->
        response.entity() instanceof HttpEntity.Strict strict
            ? response.withEntity(HttpEntities.create(ContentTypes.TEXT_PLAIN_UTF8,
                strict.getData().utf8String().replaceAll("\\s*\\n\\s*", " ").strip() + "\n"))
            : response);
  }

  /** Whatever goes wrong inside answers one line, no stack trace. */
  private ExceptionHandler oneLineErrors() {
    return ExceptionHandler.newBuilder()
        .match(Throwable.class, e -> complete(text(StatusCodes.INTERNAL_SERVER_ERROR,
            "dashboard error: " + (e.getCause() != null && e instanceof java.util.concurrent.CompletionException
                ? e.getCause() : e))))
        .build();
  }

  private static String resource(String name) {
    try (InputStream in = DashboardRoutes.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("dashboard resource missing from the jar: " + name);
      }
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
