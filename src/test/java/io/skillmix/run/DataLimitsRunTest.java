package io.skillmix.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skillmix.cli.CliRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 28 #1, #3, #4 through a whole run: a GSM8K-layout file trains with one columns line and a
 * max-samples sample, a repeated file keeps its share for training, train.epochs sizes the run,
 * a small set gets its repeat warning once, and the start of the run and report.md say all of it.
 */
class DataLimitsRunTest {

  @TempDir static Path dir;

  @BeforeAll
  static void fixtures() {
    RunFixtures.write(dir);
  }

  /** GSM8K's layout: question, and an answer whose last line is "#### N". */
  private static Path gsm8k(Path file, int distinct, int lines) throws IOException {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < lines; i++) {
      int k = i % distinct;
      out.add("{\"question\": \"Tom has " + k + " apples and buys 2 more. How many now?\", \"answer\": \"" + k
          + " + 2 = <<" + k + "+2=" + (k + 2) + ">>" + (k + 2) + "\\n#### " + (k + 2) + "\"}");
    }
    return Files.write(file, out);
  }

  @Test
  void aGsm8kFileTrainsWithColumnsSamplesEpochsAndRepeatWarningsAllSaidOnce() throws IOException {
    Path gsm = gsm8k(dir.resolve("gsm8k.jsonl"), 50, 400); // 50 distinct problems, 8 copies each
    Path tiny = gsm8k(dir.resolve("tiny.jsonl"), 9, 9);
    Path run = dir.resolve("limits");
    CliRun.Result r = CliRun.run("train", "run.dir=\"" + run + "\"", "run.progress=false",
        "model.path=\"" + dir.resolve("model") + "\"", "model.chat-template=chatml", "eval.every=0",
        "data.datasets=[{name=gsm8k, path=\"" + gsm + "\", columns = {prompt = question, response = answer},"
            + " max-samples = 200}, {name=tiny, path=\"" + tiny + "\", columns {prompt = question, response = answer}}]",
        "mix.method=uni", "train.epochs=0.1", "train.batch-size=4", "train.micro-batch-size=4",
        "data.max-length=96", "mix.update-every=2");
    assertEquals(0, r.code(), r.err());
    List<String> out = r.out().lines().toList();
    List<String> data = out.stream().filter(l -> l.startsWith("data: ") || l.startsWith("train: ")).toList();
    // 200 sampled of 400 lines; 10 of them carved (copies counted), 190 train; tiny: 1 dev, 8 train.
    // 0.1 × (190 + 8) / 4 = 4.95, rounded up: 5 steps; tiny is drawn 5 × 4 × 0.5 = 10 times from 8: 1.25 passes.
    assertEquals("data: 'gsm8k': max-samples = 200 keeps a seeded sample of 200 of its 400 examples; 200 are left"
        + " out of this run", data.get(0));
    assertTrue(data.get(1).startsWith("data: 'gsm8k' has no held-out split; 10 ("), data.get(1));
    assertTrue(data.get(1).contains("of its 200 examples are its dev set (carved at data.dev-fraction = 0.05,"
        + " seeded), 190 ("), data.get(1));
    assertEquals("train: train.epochs = 0.1 gives 5 steps (0.1 × 198 training examples / train.batch-size 4,"
        + " rounded up); train.steps is not used", data.get(3));
    assertEquals(4, data.size(), "no repeat warning at 1.25 passes: " + data);
    List<String> metrics = Files.readAllLines(run.resolve("metrics.jsonl"));
    assertEquals(5, metrics.stream().filter(l -> l.contains("\"event\":\"train\"")).count());
    String report = Files.readString(run.resolve("report.md"));
    assertTrue(report.contains("| gsm8k | 190 ("), report);
    assertTrue(report.contains("- train: train.epochs = 0.1 gives 5 steps"), report);
    assertTrue(report.contains("- data: 'gsm8k': max-samples = 200 keeps"), report);
  }

  private static String refusal(String... overrides) {
    return org.junit.jupiter.api.Assertions.assertThrows(io.skillmix.UserError.class, () -> RunSettings.from(
        io.skillmix.config.ConfigLoader.load(null, List.of(overrides)))).getMessage();
  }

  @Test
  void columnsTagsAndEpochsAreCheckedByKeyBeforeAnythingStarts() {
    assertEquals("data.datasets[0] ('q'): columns has an unknown key 'answer'; it takes prompt, query, response,"
        + " system, history, messages",
        refusal("data.datasets=[{name=q, path=q.jsonl, columns {prompt = question, answer = answer}}]"));
    assertEquals("data.datasets[0] ('q'): format = alpaca and columns both say how to read the records; columns"
        + " replaces the format, so leave format out",
        refusal("data.datasets=[{name=q, path=q.jsonl, format=alpaca, columns {prompt = a, response = b}}]"));
    assertEquals("data.datasets[0]: columns.prompt = 3 must be the name of a field (a string)",
        refusal("data.datasets=[{name=q, path=q.jsonl, columns {prompt = 3, response = b}}]"));
    assertTrue(refusal("data.datasets=[{name=q, path=q.jsonl, colums {prompt = a}}]")
        .contains("unknown key 'colums'; did you mean 'columns'?"));
    assertTrue(refusal("train.epochs=-1").startsWith("train.epochs = -1 must be 0"));
    assertTrue(refusal("data.max-repeats-warning=0").startsWith("data.max-repeats-warning = 0 must be"));
  }

  @Test
  void aDatasetRepeatedBeyondTheLimitGetsOneWarningAtTheStartAndInTheReport() throws IOException {
    Path tiny = gsm8k(dir.resolve("nine.jsonl"), 9, 9);
    Path run = dir.resolve("repeats");
    CliRun.Result r = CliRun.run("train", "run.dir=\"" + run + "\"", "run.progress=false",
        "model.path=\"" + dir.resolve("model") + "\"", "model.chat-template=chatml", "eval.every=0",
        "data.datasets=[{name=add, path=\"" + dir.resolve("add.jsonl") + "\"},"
            + " {name=tiny, path=\"" + tiny + "\", columns {prompt = question, response = answer}}]",
        "mix.method=uni", "train.steps=12", "train.batch-size=4", "train.micro-batch-size=4", "data.max-length=96",
        "mix.update-every=4");
    assertEquals(0, r.code(), r.err());
    // tiny: 8 training examples drawn 12 × 4 × 0.5 = 24 times: 3 passes, under 4; at 2 it warns.
    assertTrue(r.out().lines().noneMatch(l -> l.contains("warning")), r.out());
    Path again = dir.resolve("repeats-2");
    CliRun.Result warned = CliRun.run("train", "run.dir=\"" + again + "\"", "run.progress=false",
        "model.path=\"" + dir.resolve("model") + "\"", "model.chat-template=chatml", "eval.every=0",
        "data.datasets=[{name=add, path=\"" + dir.resolve("add.jsonl") + "\"},"
            + " {name=tiny, path=\"" + tiny + "\", columns {prompt = question, response = answer}}]",
        "mix.method=uni", "train.steps=12", "train.batch-size=4", "train.micro-batch-size=4", "data.max-length=96",
        "mix.update-every=4", "data.max-repeats-warning=2");
    assertEquals(0, warned.code(), warned.err());
    String line = "data: warning: 'tiny' will be repeated about 3 times (12 steps × batch 4 × its starting probability"
        + " 0.500 = 24 draws from 8 training examples), more than data.max-repeats-warning = 2; add examples, lower"
        + " its weight, or train fewer steps";
    assertEquals(1, warned.out().lines().filter(line::equals).count(), warned.out());
    assertTrue(Files.readString(again.resolve("report.md")).contains("- " + line));
  }
}
