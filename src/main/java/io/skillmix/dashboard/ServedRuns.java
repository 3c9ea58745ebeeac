package io.skillmix.dashboard;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.skillmix.UserError;
import io.skillmix.output.RunFolder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The run folders a dashboard shows, each read from its files only ({@code metrics.jsonl} as it
 * grows, {@code config.conf}, whether {@code report.md} is there yet), so a run training in this
 * JVM, one training in another process and a finished one are read the same way.
 */
public final class ServedRuns {

  /** Folders below a given one searched for runs: a compare folder's ARM/seed-K is two. */
  private static final int DEPTH = 3;
  /** An experiment whose run folders were archived ({@code skillmix results pack}). */
  private static final String PACKED = "records.zip";

  /** Settings shown in a run's header, as its {@code config.conf} has them. */
  private static final List<String> SHOWN = List.of("seed", "mix.method", "mix.reward", "mix.apply",
      "mix.update-every", "mix.lag-steps", "mix.batch-mixing", "train.steps", "train.batch-size", "model.preset",
      "model.path", "data.prefetch-steps");

  /** One served run: its id in the API, its name on the page, its folder. */
  record Run(String id, String name, Path dir, LogTail metrics) {}

  private final List<Run> runs;
  private final Map<String, Run> byId = new LinkedHashMap<>();

  private ServedRuns(List<Path> dirs, List<String> names) {
    List<Run> out = new ArrayList<>();
    for (int i = 0; i < dirs.size(); i++) {
      Run run = new Run(Integer.toString(i), names.get(i), dirs.get(i), new LogTail(dirs.get(i).resolve(RunFolder.METRICS)));
      out.add(run);
      byId.put(run.id(), run);
    }
    this.runs = List.copyOf(out);
  }

  /** The one run training in {@code runDir} (its files may not all be there yet). */
  public static ServedRuns of(Path runDir) {
    Path dir = runDir.toAbsolutePath().normalize();
    return new ServedRuns(List.of(dir), List.of(String.valueOf(dir.getFileName())));
  }

  /**
   * The runs under the given folders: each is a run folder (it has {@code config.conf}) or holds
   * run folders up to three levels below (a compare folder's {@code ARM/seed-K}, a multi-order
   * run's {@code order-K}), named by their path below it.
   */
  public static ServedRuns find(List<Path> folders) {
    if (folders.isEmpty()) {
      throw new UserError("give at least one run folder (runs/NAME) or a compare folder");
    }
    List<Path> dirs = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (Path given : folders) {
      Path root = given.toAbsolutePath().normalize();
      if (!Files.isDirectory(root)) {
        throw new UserError(given + ": no such folder; give a run folder (runs/NAME) or a compare folder");
      }
      if (RunFolder.isRun(root)) {
        dirs.add(root);
        names.add(String.valueOf(root.getFileName()));
        continue;
      }
      List<Path> below = runsBelow(root);
      if (below.isEmpty() && Files.isRegularFile(root.resolve(PACKED))) {
        throw new UserError(given + ": its runs are packed in " + PACKED + "; unpack them first (skillmix results unpack "
            + given + ", into runs/results/" + root.getFileName() + ") and show that folder");
      }
      if (below.isEmpty()) {
        throw new UserError(given + ": not a run folder (no " + RunFolder.CONFIG + ") and no run folder in it"
            + " up to " + DEPTH + " levels down; give a run folder (runs/NAME) or a compare folder");
      }
      for (Path dir : below) {
        dirs.add(dir);
        names.add(root.getFileName() + "/" + root.relativize(dir).toString().replace('\\', '/'));
      }
    }
    return new ServedRuns(dirs, names);
  }

  private static List<Path> runsBelow(Path root) {
    try (Stream<Path> walk = Files.walk(root, DEPTH)) {
      return walk.filter(p -> !p.equals(root) && Files.isDirectory(p) && RunFolder.isRun(p))
          .filter(p -> !insideAnotherRun(root, p))
          .sorted()
          .toList();
    } catch (IOException | java.io.UncheckedIOException e) {
      throw new UserError(root + ": cannot list its folders (" + e.getMessage() + ")");
    }
  }

  /** A run's own subfolders (checkpoints, final) are never runs of their own. */
  private static boolean insideAnotherRun(Path root, Path dir) {
    for (Path p = dir.getParent(); p != null && !p.equals(root); p = p.getParent()) {
      if (RunFolder.isRun(p)) {
        return true;
      }
    }
    return false;
  }

  List<Run> all() {
    return runs;
  }

  /** How many runs are served. */
  public int size() {
    return runs.size();
  }

  /** The run of this id, or null. */
  Run get(String id) {
    return byId.get(id);
  }

  /** {@code /api/runs}: every run's id, name and folder. */
  JsonObject listing() {
    JsonArray list = new JsonArray();
    for (Run run : runs) {
      list.add(summary(run));
    }
    JsonObject out = new JsonObject();
    out.add("runs", list);
    return out;
  }

  private static JsonObject summary(Run run) {
    JsonObject o = new JsonObject();
    o.addProperty("id", run.id());
    o.addProperty("name", run.name());
    o.addProperty("dir", run.dir().toString());
    return o;
  }

  /**
   * {@code /api/runs/ID}: the run's folder, the settings its header shows, whether it has finished
   * (its report is written) and when its metrics last changed.
   */
  static JsonObject details(Run run) {
    JsonObject o = summary(run);
    o.add("settings", settings(run.dir().resolve(RunFolder.CONFIG), o));
    o.addProperty("finished", Files.exists(run.dir().resolve(RunFolder.REPORT)));
    Path metrics = run.dir().resolve(RunFolder.METRICS);
    try {
      o.addProperty("metrics_modified", Files.getLastModifiedTime(metrics).toInstant().toString());
    } catch (IOException notYet) {
      o.addProperty("metrics_modified", (String) null);
    }
    return o;
  }

  /** The shown settings as written; a config that cannot be read is named in {@code config_problem}. */
  private static JsonObject settings(Path file, JsonObject details) {
    JsonObject out = new JsonObject();
    if (!Files.isRegularFile(file)) {
      return out;
    }
    try {
      Config config = ConfigFactory.parseFile(file.toFile());
      for (String key : SHOWN) {
        if (config.hasPath(key)) {
          out.addProperty(key, String.valueOf(config.getValue(key).unwrapped()));
        }
      }
    } catch (RuntimeException e) {
      details.addProperty("config_problem", file + ": " + e.getMessage());
    }
    return out;
  }
}
