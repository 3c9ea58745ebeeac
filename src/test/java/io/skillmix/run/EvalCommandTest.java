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

class EvalCommandTest {

  @TempDir Path dir;

  @Test
  void evaluatesHeldOutDataAndBenchmarkFilesIntoATableAndJson() throws Exception {
    RunFixtures.write(dir);
    Path gsm8k = dir.resolve("gsm8k.jsonl");
    Files.write(gsm8k, List.of(
        "{\"question\": \"What is 2 + 2?\", \"answer\": \"2 + 2 = 4\\n#### 4\"}",
        "{\"question\": \"What is 3 + 5?\", \"answer\": \"#### 8\"}"));
    Path mmlu = Files.createDirectories(dir.resolve("mmlu"));
    Files.write(mmlu.resolve("arithmetic_test.csv"), List.of(
        "\"What is 1 + 1?\",1,2,3,4,B",
        "What is 2 + 1?,1,2,3,4,C"));
    Path out = dir.resolve("eval.json");
    int code = Main.execute("eval", "--no-progress", "--model", dir.resolve("model").toString(), "--out", out.toString(),
        "--limit", "3", "--max-new-tokens", "8", "--gsm8k", gsm8k.toString(), "--mmlu", mmlu.toString(),
        "data.datasets=[{name=talk, path=\"" + dir.resolve("talk.jsonl") + "\", held-out=0.1}]",
        "data.max-length=160");
    assertEquals(0, code);
    EvalReport report = EvalReport.readJson(out);
    double loss = report.value("heldout/talk", "loss");
    assertTrue(loss > 0 && loss < 10, "loss " + loss);
    assertEquals(Math.exp(loss), report.value("heldout/talk", "perplexity"), 1e-6 * Math.exp(loss));
    double em = report.value("gsm8k", "exact_match");
    assertTrue(em >= 0 && em <= 1, "exact match " + em);
    double accuracy = report.value("mmlu", "accuracy");
    assertTrue(accuracy == 0 || accuracy == 0.5 || accuracy == 1, "accuracy over two questions " + accuracy);
  }

  @Test
  void aMissingModelIsAUserError() {
    assertEquals(2, Main.execute("eval", "--model", dir.resolve("nothing").toString()));
  }

  /** A dataset without a held-out share is scored on the dev split a run carves from it, never on nothing. */
  @Test
  void aDatasetWithoutAHeldOutShareIsScoredOnItsCarvedDevSet() {
    RunFixtures.write(dir);
    Path out = dir.resolve("carved.json");
    assertEquals(0, Main.execute("eval", "--no-progress", "--model", dir.resolve("model").toString(), "--out",
        out.toString(), "data.datasets=[{name=talk, path=\"" + dir.resolve("talk.jsonl") + "\"}]",
        "data.max-length=160"));
    double loss = EvalReport.readJson(out).value("heldout/talk", "loss");
    assertTrue(loss > 0 && Double.isFinite(loss), "loss " + loss);
  }
}
