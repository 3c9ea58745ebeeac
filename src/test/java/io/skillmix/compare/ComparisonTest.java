package io.skillmix.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skillmix.UserError;
import io.skillmix.cli.Main;
import io.skillmix.config.ConfigLoader;
import io.skillmix.metrics.MetricsLog;
import io.skillmix.metrics.SystemFigures;
import io.skillmix.mix.ApplyMode;
import io.skillmix.run.RunSettings;
import io.skillmix.run.RunFixtures;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ComparisonTest {

  @TempDir
  Path dir;

  private List<String> overrides(String... more) {
    List<String> o = new ArrayList<>(RunFixtures.overrides(RunFixtures.write(dir)));
    o.addAll(List.of("train.steps=8", "mix.update-every=4", "mix.lag-steps=2", "eval.every=4",
        "data.datasets=[{name=add, path=\"" + dir.resolve("add.jsonl") + "\", held-out=0.2},"
            + "{name=echo, path=\"" + dir.resolve("echo.jsonl") + "\", held-out=0.2},"
            + "{name=talk, path=\"" + dir.resolve("talk.jsonl") + "\", held-out=0.2}]"));
    o.addAll(List.of(more));
    return o;
  }

  private Comparison.Result compare(List<String> overrides, ByteArrayOutputStream log) {
    List<Arm> arms = List.of(Arm.parse("uni", null), Arm.parse("mos-cossim-ema", null));
    return new Comparison(new Comparison.Plan(null, overrides, arms, 2, null, dir.resolve("cmp"),
        List.of("cpu"), false), new PrintStream(log, true, StandardCharsets.UTF_8)).run();
  }

  @Test
  void everyArmAndSeedIsTrainedEvaluatedTabledAndNotRunAgain() throws Exception {
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    Comparison.Result first = compare(overrides(), log);
    Path cmp = dir.resolve("cmp");
    long base = io.skillmix.config.ConfigLoader.load(null, List.of()).getLong("seed");
    for (String arm : List.of("uni", "mos-cossim-ema")) {
      for (int k = 1; k <= 2; k++) {
        Path run = cmp.resolve(arm).resolve("seed-" + k);
        assertTrue(Files.exists(run.resolve("eval.json")), run.toString());
        assertTrue(Files.exists(run.resolve("final").resolve("config.json")));
        // seeds are seed, seed + 1, as written into each run's resolved config
        assertTrue(Files.readString(run.resolve("config.conf")).matches("(?s).*\\bseed\\s*[=:]\\s*" + (base + k - 1) + "\\b.*"),
            run.toString());
      }
      assertTrue(Files.exists(cmp.resolve("plots").resolve("weights-" + arm + ".png")));
      assertEquals(2, first.table().cell(arm, 0).n(), arm);
      assertTrue(Double.isFinite(first.table().cell(arm, 0).mean()), arm);
    }
    assertTrue(Files.exists(cmp.resolve("plots").resolve("curves.png")));
    // Evaluations at 0, 4 and 8 (eval.every): uni, the one static arm, reaches its own final score by 8.
    assertTrue(first.table().text(Convergence.LABEL, "uni").matches("0|4|8"), first.table().markdown());
    assertTrue(first.table().text(Convergence.LABEL, "mos-cossim-ema").matches("0|4|8|not reached"));
    assertTrue(Files.exists(cmp.resolve("plots").resolve("rewards-mos-cossim-ema.png")));
    assertFalse(Files.exists(cmp.resolve("plots").resolve("rewards-uni.png")));
    String md = Files.readString(cmp.resolve("table.md"));
    assertTrue(md.contains("| mos-cossim-ema | 2 |"));
    // A user's mix: the mean held-out loss is tested against uni, the one static arm (so no sensitivity line).
    assertTrue(md.contains("| mean held-out loss | p vs best static (mean held-out loss) |"), md);
    assertTrue(md.contains("- mean held-out loss: best static: uni ("), md);
    assertTrue(md.matches("(?s).*\\| uni \\| 2 \\|.* — \\|.*") && !md.contains("mixture sensitivity"), md);
    int loss = 3; // add, echo, talk ppl, then the mean held-out loss
    assertEquals("uni", first.table().test(loss).best());
    assertEquals(2, first.table().seedValues("mos-cossim-ema", loss).length);
    assertTrue(Files.readString(cmp.resolve("table.csv")).startsWith("arm,column,mean,std,seeds"));

    // A second start finds every cell evaluated and only rewrites the table.
    Path eval = cmp.resolve("uni").resolve("seed-1").resolve("eval.json");
    FileTime before = Files.getLastModifiedTime(eval);
    ByteArrayOutputStream again = new ByteArrayOutputStream();
    Comparison.Result second = compare(overrides(), again);
    assertEquals(before, Files.getLastModifiedTime(eval));
    String text = again.toString(StandardCharsets.UTF_8);
    assertEquals(4, text.split("done before, kept", -1).length - 1, text);
    assertEquals(first.table().markdown(), second.table().markdown());

    // A run that was trained but not evaluated (stopped in between) is evaluated, not retrained.
    Path run = cmp.resolve("uni").resolve("seed-2");
    Files.delete(run.resolve("eval.json"));
    FileTime trained = Files.getLastModifiedTime(run.resolve("report.md"));
    compare(overrides(), new ByteArrayOutputStream());
    assertTrue(Files.exists(run.resolve("eval.json")));
    assertEquals(trained, Files.getLastModifiedTime(run.resolve("report.md")));
  }

  @Test
  void aFolderIsOnlyContinuedWithItsOwnSettings() {
    compareOneCell(overrides());
    UserError e = assertThrows(UserError.class, () -> compareOneCell(overrides("train.lr=5e-3")));
    assertTrue(e.getMessage().contains("compare.conf") && e.getMessage().contains("other settings"), e.getMessage());
  }

  private void compareOneCell(List<String> overrides) {
    new Comparison(new Comparison.Plan(null, overrides, List.of(Arm.parse("uni", null)), 1, null,
        dir.resolve("one"), List.of("cpu"), false), new PrintStream(new ByteArrayOutputStream())).run();
  }

  @Test
  void aSpecialistComparisonSharesTheGeneralistRunsOfItsFolder() throws Exception {
    compareOneCell(overrides());
    Path uni = dir.resolve("one").resolve("uni").resolve("seed-1").resolve("eval.json");
    FileTime before = Files.getLastModifiedTime(uni);
    new Comparison(new Comparison.Plan(null, overrides(), List.of(Arm.parse("uni", "add"), Arm.parse("only", "add")),
        1, "add", dir.resolve("one"), List.of("cpu"), false), new PrintStream(new ByteArrayOutputStream())).run();
    assertEquals(before, Files.getLastModifiedTime(uni), "the generalist run is reused");
    String weights = Files.readString(dir.resolve("one").resolve("only").resolve("seed-1").resolve("weights.jsonl"));
    assertTrue(weights.contains("\"add\"") && !weights.contains("\"echo\""), "the only arm trains on the target alone");
    assertTrue(Files.readString(dir.resolve("one").resolve("table-add.md")).startsWith("Target skill: add"));
    assertTrue(Files.exists(dir.resolve("one").resolve("table.md")), "the generalist table stays");
  }

  @Test
  void anUnknownSpecialistIsRefusedBeforeAnyTraining() {
    UserError e = assertThrows(UserError.class, () -> new Comparison(new Comparison.Plan(null, overrides(),
        List.of(Arm.parse("only", "poetry")), 1, "poetry", dir.resolve("s"), List.of("cpu"), false),
        new PrintStream(new ByteArrayOutputStream())));
    assertTrue(e.getMessage().contains("--specialist poetry"), e.getMessage());
  }

  /**
   * An arm of the config file and one of --arm, through the command: each run has its arm's
   * overrides, its staleness is the arm's lag, and table.md says what each arm set beside the
   * system figures.
   */
  @Test
  void armsFromAConfigFileAndFromTheCommandLineRunWithTheirOverrides() throws Exception {
    Path file = dir.resolve("ablation.conf");
    Files.writeString(file, "compare.arms {\n  lag-1 = [\"mix.apply=lagged\", \"mix.lag-steps=1\"]\n}\n");
    Path cmp = dir.resolve("arms");
    List<String> args = new ArrayList<>(List.of("compare", file.toString()));
    args.addAll(overrides());
    args.addAll(List.of("--arm", "in-sync=mix.apply=sync", "--seeds", "1", "--out", cmp.toString(), "--no-progress"));
    assertEquals(0, Main.execute(args.toArray(String[]::new)));
    for (String arm : List.of("in-sync", "lag-1")) {
      Path run = cmp.resolve(arm).resolve("seed-1");
      RunSettings s = RunSettings.from(ConfigLoader.load(run.resolve("config.conf"), List.of()));
      assertEquals(arm.equals("lag-1") ? ApplyMode.LAGGED : ApplyMode.SYNC, s.mix().apply(), arm);
      SystemFigures f = MetricsLog.system(run.resolve("metrics.jsonl"));
      assertEquals(1, f.updatesApplied(), arm + ": the snapshot after 4 of 8 steps");
      assertEquals(arm.equals("lag-1") ? 1 : 0, f.stalenessMax(), arm);
      assertTrue(Files.exists(run.resolve("eval.json")));
    }
    String table = Files.readString(cmp.resolve("table.md"));
    assertTrue(table.indexOf("| in-sync | 1 |") < table.indexOf("| lag-1 | 1 |"), "--arm first, then compare.arms: " + table);
    assertTrue(table.contains("- **in-sync**: `mix.apply=sync`\n"), table);
    assertTrue(table.contains("- **lag-1**: `mix.apply=lagged`, `mix.lag-steps=1`\n"), table);
    assertTrue(table.contains("## System figures") && table.contains("staleness mean"), table);
    assertTrue(Files.readString(cmp.resolve("system.csv")).contains("lag-1,staleness max,1.00000,"));
    assertTrue(Files.exists(cmp.resolve("plots").resolve("time.png")));
    assertTrue(Files.readString(cmp.resolve("lag-1").resolve("arm.conf")).contains("mix.lag-steps=1"));

    // The same folder with the same arm name but other overrides is refused before anything runs.
    List<String> changed = new ArrayList<>(List.of("compare", file.toString()));
    changed.addAll(overrides());
    changed.addAll(List.of("--arm", "in-sync=mix.apply=free", "--seeds", "1", "--out", cmp.toString(), "--no-progress"));
    assertEquals(Main.USER_ERROR, Main.execute(changed.toArray(String[]::new)));
  }

  /**
   * DJL allows one open gradient collector per JVM, so two trainings at once each get a JVM of
   * their own; they must give what one at a time in this JVM gives, to the bit.
   */
  @Test
  @Tag("slow")
  void twoTrainingsAtOnceGiveWhatOneAtATimeGives() throws Exception {
    List<Arm> arms = List.of(Arm.parse("uni", null), Arm.parse("mos-cossim-ema", null));
    new Comparison(new Comparison.Plan(null, overrides(), arms, 1, null, dir.resolve("serial"), List.of("cpu"), false),
        new PrintStream(new ByteArrayOutputStream())).run();
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    new Comparison(new Comparison.Plan(null, overrides(), arms, 1, null, dir.resolve("parallel"),
        List.of("cpu", "cpu"), false), new PrintStream(log, true, StandardCharsets.UTF_8)).run();
    String text = log.toString(StandardCharsets.UTF_8);
    assertEquals(2, text.split("in a JVM of its own", -1).length - 1, text);
    for (Arm arm : arms) {
      Path serial = dir.resolve("serial").resolve(arm.name()).resolve("seed-1");
      Path parallel = dir.resolve("parallel").resolve(arm.name()).resolve("seed-1");
      assertTrue(Files.exists(parallel.resolveSibling("seed-1.log")), "the child's output");
      assertEquals(Files.readString(serial.resolve("weights.jsonl")), Files.readString(parallel.resolve("weights.jsonl")),
          arm.name() + ": the probabilities, step by step to the final ones");
      assertEquals(-1, Files.mismatch(serial.resolve("final").resolve("model.safetensors"),
          parallel.resolve("final").resolve("model.safetensors")), arm.name() + ": the final weights");
      assertEquals(Files.readString(serial.resolve("eval.json")).replace(serial.toString(), parallel.toString()),
          Files.readString(parallel.resolve("eval.json")), arm.name() + ": the evaluation (of its own folder)");
    }
  }

  @Test
  @Tag("slow")
  void aUserMistakeInATrainingOfItsOwnJvmIsOneLine() {
    // The comparison reads dataset names, not files: the missing file is found by each training.
    String missing = "data.datasets=[{name=add, path=\"" + dir.resolve("missing.jsonl") + "\"}]";
    UserError e = assertThrows(UserError.class, () -> new Comparison(new Comparison.Plan(null,
        overrides(missing), List.of(Arm.parse("uni", null), Arm.parse("prop", null)), 1, null,
        dir.resolve("bad"), List.of("cpu", "cpu"), false), new PrintStream(new ByteArrayOutputStream())).run());
    assertTrue(e.getMessage().matches("(uni|prop) seed 1: .*missing\\.jsonl.*") && !e.getMessage().contains("\n"),
        e.getMessage());
  }
}
