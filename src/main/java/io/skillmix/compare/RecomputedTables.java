package io.skillmix.compare;

import io.skillmix.UserError;
import io.skillmix.output.RunFolder;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Writes an archived experiment's tables again from its raw records and says whether they agree
 * with the tables kept beside them. The records (unpacked into {@code scratch}) are a finished
 * comparison: every cell has its {@code eval.json}, so {@link Comparison} trains nothing and only
 * writes its tables. The comparison is rebuilt from the folder alone: the config text and overrides
 * from {@code compare.conf}, each arm's overrides from its {@code arm.conf}, the arms and seeds of
 * each kept table from its rows. Columns added to the tables since the records were made are not
 * compared; every kept cell is.
 */
public final class RecomputedTables {

  /** One kept table compared with the same table written again. */
  public record Check(String file, int cells, List<String> differences) {}

  private RecomputedTables() {}

  /**
   * @param experiment the archived experiment: {@code compare.conf}, its tables, {@code records.zip}
   * @param scratch an empty or absent folder to unpack and rewrite into
   */
  public static List<Check> run(Path experiment, Path scratch) {
    Path archive = experiment.resolve(RecordsArchive.FILE);
    if (!Files.exists(archive)) {
      throw new UserError(experiment + " has no " + RecordsArchive.FILE + " to recompute its tables from");
    }
    RecordsArchive.unpack(archive, scratch);
    StartedWith started = StartedWith.read(experiment.resolve("compare.conf"), scratch.resolve("config"));
    List<Check> checks = new ArrayList<>();
    for (Path kept : keptTables(experiment)) {
      MarkdownTable table = MarkdownTable.parse(read(kept));
      List<Arm> arms = new ArrayList<>();
      for (String name : table.arms()) {
        arms.add(arm(scratch, name, table.specialist()));
      }
      checkFinished(scratch, arms, table.seeds());
      Comparison.Plan plan = new Comparison.Plan(started.configFile(), started.overrides(), arms, table.seeds(),
          table.specialist(), scratch, List.of("cpu"), false);
      new Comparison(plan, new PrintStream(OutputStream.nullOutputStream())).run();
      String written = table.specialist() == null ? "table.md" : "table-" + table.specialist() + ".md";
      checks.add(compare(kept.getFileName().toString(), table, MarkdownTable.parse(read(scratch.resolve(written)))));
    }
    return checks;
  }

  /** The experiment's markdown files that hold a results table, sorted by name. */
  static List<Path> keptTables(Path experiment) {
    try (Stream<Path> files = Files.list(experiment)) {
      return files.filter(f -> f.getFileName().toString().endsWith(".md"))
          .filter(f -> MarkdownTable.parse(read(f)) != null).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Check compare(String name, MarkdownTable kept, MarkdownTable again) {
    List<String> differences = new ArrayList<>();
    int cells = 0;
    for (Map.Entry<String, Map<String, String>> row : kept.rows().entrySet()) {
      Map<String, String> other = again.rows().get(row.getKey());
      if (other == null) {
        differences.add(row.getKey() + ": no such row written again");
        continue;
      }
      for (Map.Entry<String, String> cell : row.getValue().entrySet()) {
        String value = other.get(cell.getKey());
        if (value == null) {
          continue; // a column the code no longer writes is not a cell it can check
        }
        cells++;
        if (!value.equals(cell.getValue())) {
          differences.add(row.getKey() + " / " + cell.getKey() + ": kept " + cell.getValue() + ", again " + value);
        }
      }
    }
    return new Check(name, cells, differences);
  }

  /** The arm as its {@code arm.conf} records it; records from before arm files name a built-in arm. */
  private static Arm arm(Path scratch, String name, String specialist) {
    Path file = scratch.resolve(name).resolve("arm.conf");
    if (!Files.exists(file)) {
      try {
        return Arm.parse(name, specialist);
      } catch (UserError e) {
        throw new UserError(file + " is missing and '" + name + "' is no built-in arm: the records do not say"
            + " what the arm set");
      }
    }
    return new Arm(name, read(file).lines().filter(l -> !l.isBlank() && !l.startsWith("#")).toList());
  }

  /** A cell without its evaluation would be trained again: refuse rather than train. */
  private static void checkFinished(Path scratch, List<Arm> arms, int seeds) {
    for (Arm arm : arms) {
      for (int k = 1; k <= seeds; k++) {
        Path eval = scratch.resolve(arm.name()).resolve("seed-" + k).resolve(RunFolder.EVAL);
        if (!Files.exists(eval)) {
          throw new UserError("the records have no " + eval + "; a recomputation trains nothing, so this table"
              + " cannot be written again");
        }
      }
    }
  }

  static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * What a comparison was started with, as its {@code compare.conf} records it: the config file's
   * text (written again under {@code configDir} by its own name) and the overrides.
   */
  record StartedWith(Path configFile, List<String> overrides) {

    private static final String CONFIG = "# config file: ";
    private static final String OVERRIDES = "# overrides";

    static StartedWith read(Path compareConf, Path configDir) {
      if (!Files.exists(compareConf)) {
        throw new UserError(compareConf + " is missing: without it the comparison's settings are unknown");
      }
      List<String> lines = RecomputedTables.read(compareConf).lines().toList();
      int overridesAt = lines.lastIndexOf(OVERRIDES);
      if (lines.size() < 2 || !lines.get(1).startsWith(CONFIG) || overridesAt < 2) {
        throw new UserError(compareConf + " is not a comparison's compare.conf (no '" + CONFIG + "' or '"
            + OVERRIDES + "' line)");
      }
      List<String> overrides = lines.subList(overridesAt + 1, lines.size()).stream()
          .filter(l -> !l.isBlank()).toList();
      String name = lines.get(1).substring(CONFIG.length()).trim();
      if (name.equals("(none)")) {
        return new StartedWith(null, overrides);
      }
      // The config's text, then each included file's after its line; Comparison writes each text
      // and then a newline: take that newline off again.
      List<Integer> starts = new ArrayList<>();
      for (int i = 2; i < overridesAt; i++) {
        if (lines.get(i).startsWith(Comparison.INCLUDED)) {
          starts.add(i);
        }
      }
      starts.add(overridesAt);
      // An include may climb out of the config's folder (../base.conf): the config goes as many
      // folders below configDir as the deepest climb, so every file lands inside configDir.
      List<String> includedNames = new ArrayList<>();
      int climb = 0;
      for (int k = 0; k + 1 < starts.size(); k++) {
        includedNames.add(lines.get(starts.get(k)).substring(Comparison.INCLUDED.length()).trim());
        Path included = Path.of(includedNames.get(k)).normalize();
        int up = 0;
        while (up < included.getNameCount() && included.getName(up).toString().equals("..")) {
          up++;
        }
        climb = Math.max(climb, up);
      }
      Path home = configDir;
      for (int i = 0; i < climb; i++) {
        home = home.resolve("in");
      }
      Path file = home.resolve(Path.of(name).getFileName());
      write(file, lines.subList(2, starts.get(0)));
      for (int k = 0; k + 1 < starts.size(); k++) {
        String included = includedNames.get(k);
        Path target = home.resolve(included).normalize();
        if (!target.startsWith(configDir.normalize()) || target.equals(file.normalize())) {
          throw new UserError(compareConf + ": included file '" + included + "' lies outside the comparison's"
              + " config folder; its compare.conf is damaged");
        }
        write(target, lines.subList(starts.get(k) + 1, starts.get(k + 1)));
      }
      return new StartedWith(file, overrides);
    }

    private static void write(Path file, List<String> lines) {
      try {
        Files.createDirectories(file.getParent());
        Files.writeString(file, String.join("\n", lines));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
