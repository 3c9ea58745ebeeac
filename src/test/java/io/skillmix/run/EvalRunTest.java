package io.skillmix.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skillmix.cli.Main;
import io.skillmix.eval.EvalReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code eval --run RUN_DIR} and a config file for eval (issue 34). */
class EvalRunTest {

  @TempDir Path dir;

  private static List<String> heldOutTasks(EvalReport report) {
    return report.rows().stream().map(EvalReport.Row::task).filter(t -> t.startsWith("heldout/")).distinct().toList();
  }

  @Test
  void aRunIsEvaluatedOnItsOwnDatasetsAsItCarvedThem() throws Exception {
    RunFixtures.write(dir);
    TrainingRun.run(RunFixtures.config(dir, "run", "train.steps=2", "eval.every=0", "mix.method=uni"));
    Path out = dir.resolve("run-eval.json");
    assertEquals(0, Main.execute("eval", "--no-progress", "--run", dir.resolve("run").toString(), "--out", out.toString(),
        "--limit", "4"));
    EvalReport byRun = EvalReport.readJson(out);
    assertEquals(List.of("heldout/add", "heldout/echo", "heldout/talk"), heldOutTasks(byRun));

    // The same numbers as the final model evaluated with the run's data settings given by hand.
    Path config = dir.resolve("mix.yaml");
    Files.writeString(config, "data:\n  max-length: 160\n  datasets:\n"
        + "    - {name: add, path: \"" + dir.resolve("add.jsonl") + "\"}\n"
        + "    - {name: echo, path: \"" + dir.resolve("echo.jsonl") + "\"}\n"
        + "    - {name: talk, path: \"" + dir.resolve("talk.jsonl") + "\", held-out: 0.1}\n");
    Path byHand = dir.resolve("hand-eval.json");
    assertEquals(0, Main.execute("eval", "--no-progress", "--model", dir.resolve("run").resolve("final").toString(),
        "--out", byHand.toString(), "--limit", "4", config.toString()));
    EvalReport hand = EvalReport.readJson(byHand);
    for (String task : heldOutTasks(byRun)) {
      assertEquals(hand.value(task, "loss"), byRun.value(task, "loss"), 1e-9, task);
    }
  }

  @Test
  void aRunWithoutAFinalModelIsOneLine() throws Exception {
    Path run = Files.createDirectories(dir.resolve("unfinished"));
    Files.writeString(run.resolve("config.conf"), "seed = 1\n");
    assertEquals(2, Main.execute("eval", "--run", run.toString()));
    assertEquals(2, Main.execute("eval", "--run", dir.resolve("nowhere").toString()));
  }
}
