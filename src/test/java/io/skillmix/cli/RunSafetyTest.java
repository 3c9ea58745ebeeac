package io.skillmix.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skillmix.output.RunLock;
import io.skillmix.run.RunFixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Run folders are never mixed, damaged or shared: overwrite replaces a run whole, a refused resume
 * changes nothing, a folder in use is locked, a resume cannot change what the run means, and every
 * setting is checked before anything starts. Each case is a command a user typed (issue 23).
 */
class RunSafetyTest {

  @TempDir static Path dir;

  @BeforeAll
  static void fixtures() {
    RunFixtures.write(dir);
  }

  private static CliRun.Result train(Path run, String... overrides) {
    List<String> args = new ArrayList<>(List.of("train", "run.dir=\"" + run + "\""));
    args.addAll(RunFixtures.overrides(dir));
    args.addAll(List.of("train.steps=6", "mix.update-every=4", "mix.lag-steps=2", "train.checkpoint-every=2"));
    args.addAll(List.of(overrides));
    return CliRun.run(args.toArray(String[]::new));
  }

  private static CliRun.Result resume(Path run, String... overrides) {
    List<String> args = new ArrayList<>(List.of("train", "--resume", run.toString()));
    args.addAll(List.of(overrides));
    return CliRun.run(args.toArray(String[]::new));
  }

  private static void assertOneLine(CliRun.Result r, String... mentions) {
    assertEquals(2, r.code(), r.out() + r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    for (String m : mentions) {
      assertTrue(r.err().contains(m), "expected '" + m + "' in: " + r.err());
    }
  }

  private static List<String> names(Path folder) throws IOException {
    try (Stream<Path> list = Files.list(folder)) {
      return list.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  private static long trainLines(Path run) throws IOException {
    return Files.readAllLines(run.resolve("metrics.jsonl")).stream().filter(l -> l.contains("\"event\":\"train\"")).count();
  }

  @Test
  void overwriteReplacesTheOldRunWholeSoTwoRunsNeverMix() throws IOException {
    Path run = dir.resolve("overwritten");
    assertEquals(0, train(run, "train.steps=8").code());
    assertEquals(List.of("step-000006", "step-000008"), names(run.resolve("checkpoints")));
    CliRun.Result second = train(run, "train.steps=5", "seed=7", "run.overwrite=true");
    assertEquals(0, second.code(), second.err());
    assertEquals(List.of("step-000004", "step-000005"), names(run.resolve("checkpoints")));
    assertEquals(5, trainLines(run), "only the new run's steps");
    assertEquals(7, com.typesafe.config.ConfigFactory.parseFile(run.resolve("config.conf").toFile()).getInt("seed"));
  }

  @Test
  void overwriteNeverEmptiesAFolderThatIsNotARun() throws IOException {
    Path folder = Files.createDirectories(dir.resolve("precious"));
    Files.writeString(folder.resolve("thesis.tex"), "do not delete");
    assertOneLine(train(folder, "run.overwrite=true"), "not a skillmix run folder");
    assertEquals(List.of("thesis.tex"), names(folder));
  }

  @Test
  void aRefusedResumeLeavesTheConfigAsItWasAndAPlainResumeStillWorks() throws IOException {
    Path run = dir.resolve("refused-resume");
    assertEquals(0, train(run, "train.steps=4").code());
    byte[] config = Files.readAllBytes(run.resolve("config.conf"));
    byte[] metrics = Files.readAllBytes(run.resolve("metrics.jsonl"));
    assertOneLine(resume(run, "mix.scorer=mlp", "train.steps=6"), "mix.scorer");
    assertOneLine(resume(run, "devices.learner=gpu:0", "train.steps=6"), "devices.learner");
    assertArrayEquals(config, Files.readAllBytes(run.resolve("config.conf")));
    assertArrayEquals(metrics, Files.readAllBytes(run.resolve("metrics.jsonl")));
    CliRun.Result ok = resume(run, "train.steps=6");
    assertEquals(0, ok.code(), ok.err());
    assertTrue(ok.out().contains("resume: from " + run.resolve("checkpoints/step-000004")), ok.out());
    assertTrue(ok.out().contains("taking train.steps=6"), ok.out());
    assertEquals(6, trainLines(run));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "mix.method=multidds | mix.method",
      "mix.reward=diff     | mix.mos.reward",
      "mix.mos.reward=diff | mix.mos.reward",
      "seed=99             | seed",
      "mix.ema=false       | mix.mos.ema",
      "mix.apply=sync      | mix.apply",
      "data.dev-fraction=0.2 | data.dev-fraction",
      "mix.multiuat-variant=vartp | mix.multiuat.variant",
      "mix.multiuat.passes=3 | mix.multiuat.passes",
  })
  void aResumeCannotChangeWhatTheRunMeans(String override, String key) throws IOException {
    Path run = dir.resolve("meaning-" + key);
    if (!Files.exists(run)) {
      assertEquals(0, train(run, "train.steps=4").code());
    }
    byte[] config = Files.readAllBytes(run.resolve("config.conf"));
    assertOneLine(resume(run, override, "train.steps=6"), "resume cannot change " + key);
    assertArrayEquals(config, Files.readAllBytes(run.resolve("config.conf")));
  }

  @Test
  void aResumeRefusesDatasetFilesWhoseContentChangedUnderTheSameName() throws IOException {
    Path data = Files.createDirectories(dir.resolve("swapped"));
    Path add = data.resolve("add.jsonl");
    Files.copy(dir.resolve("add.jsonl"), add);
    Path run = dir.resolve("swapped-run");
    String datasets = "data.datasets=[{name=add, path=\"" + add + "\"}, {name=echo, path=\""
        + dir.resolve("echo.jsonl") + "\"}]";
    assertEquals(0, train(run, datasets, "train.steps=4").code());
    Files.copy(dir.resolve("echo.jsonl"), add, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    assertOneLine(resume(run, "train.steps=6"), "dataset 'add' does not hold the examples");
  }

  /** The carved dev split is part of the data identity: another split is refused like other data. */
  @Test
  void aResumeRefusesAnotherDevSplitOfTheSameFiles() throws IOException {
    Path run = dir.resolve("split-run");
    String carved = "data.datasets=[{name=add, path=\"" + dir.resolve("add.jsonl") + "\"}, {name=echo, path=\""
        + dir.resolve("echo.jsonl") + "\"}]";
    CliRun.Result first = train(run, carved, "train.steps=4");
    assertEquals(0, first.code(), first.err());
    assertTrue(first.out().contains("data: 'add' has no held-out split; 3 of its 60 examples are its dev set"
        + " (carved at data.dev-fraction = 0.05, seeded), 57 train"), first.out());
    assertTrue(Files.readString(run.resolve("report.md")).contains("| carved at data.dev-fraction = 0.05 (seeded) |"));
    String given = carved.replace("add.jsonl\"}", "add.jsonl\", held-out = 0.2}");
    assertOneLine(resume(run, given, "train.steps=6"), "dataset 'add'", "splits them otherwise");
    CliRun.Result same = resume(run, carved, "train.steps=6");
    assertEquals(0, same.code(), same.err());
  }

  @Test
  void aRunFolderInUseIsLockedAgainstASecondProcess() throws IOException {
    Path run = dir.resolve("locked");
    assertEquals(0, train(run, "train.steps=4").code());
    byte[] metrics = Files.readAllBytes(run.resolve("metrics.jsonl"));
    try (RunLock held = RunLock.acquire(run)) {
      assertOneLine(resume(run, "train.steps=6"), "in use by another skillmix run");
      assertOneLine(train(run, "run.overwrite=true"), "in use by another skillmix run");
    }
    assertArrayEquals(metrics, Files.readAllBytes(run.resolve("metrics.jsonl")));
    assertEquals(0, resume(run, "train.steps=6").code(), "free again once the holder is gone");
  }

  @Test
  @org.junit.jupiter.api.Tag("slow")
  void anotherProcessCannotResumeAFolderThisOneTrainsIn() throws Exception {
    Path run = dir.resolve("locked-across-processes");
    assertEquals(0, train(run, "train.steps=4").code());
    byte[] metrics = Files.readAllBytes(run.resolve("metrics.jsonl"));
    try (RunLock held = RunLock.acquire(run)) {
      CliRun.Result r = CliProcess.run(dir, "train", "--resume", run.toString(), "train.steps=6");
      assertEquals(2, r.code(), r.out() + r.err());
      assertTrue(r.err().contains("in use by another skillmix run (pid " + ProcessHandle.current().pid() + ")"),
          r.err());
    }
    assertArrayEquals(metrics, Files.readAllBytes(run.resolve("metrics.jsonl")));
  }

  @Test
  void resumeSaysWhichCheckpointItUsesWhatItSkippedAndWhatItIgnored() throws IOException {
    Path run = dir.resolve("notices");
    assertEquals(0, train(run, "train.steps=4").code());
    Files.delete(run.resolve("checkpoints/step-000004/state.json")); // the newest is damaged
    CliRun.Result r = resume(run, "train.steps=6", "run.dir=/elsewhere");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("resume: skipped " + run.resolve("checkpoints/step-000004")), r.out());
    assertTrue(r.out().contains("resume: from " + run.resolve("checkpoints/step-000002")), r.out());
    assertTrue(r.out().contains("ignored run.dir=/elsewhere"), r.out());
    assertFalse(Files.exists(Path.of("/elsewhere")));
  }

  @Test
  void aResumedRunsMetricsNameTheCheckpointItContinuedFrom() throws IOException {
    Path run = dir.resolve("resumed-events");
    assertEquals(0, train(run, "train.steps=4").code());
    assertEquals(0, resume(run, "train.steps=6").code());
    List<String> lines = Files.readAllLines(run.resolve("metrics.jsonl"));
    String from = run.resolve("checkpoints/step-000004").toString();
    assertTrue(lines.stream().anyMatch(l -> l.contains("\"event\":\"checkpoint\"") && l.contains("\"step\":4")
        && l.contains(from)), String.join("\n", lines));
    assertTrue(lines.stream().anyMatch(l -> l.contains("\"event\":\"resumed\"") && l.contains(from)));
  }

  @Test
  void aDeletedLogDoesNotMakeARunUnresumable() throws IOException {
    Path run = dir.resolve("lost-logs");
    assertEquals(0, train(run, "train.steps=4").code());
    Files.delete(run.resolve("metrics.jsonl"));
    Files.delete(run.resolve("weights.jsonl"));
    CliRun.Result r = resume(run, "train.steps=6");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("metrics.jsonl was missing; it starts again at step 4"), r.out());
    assertEquals(2, trainLines(run), "steps 4 and 5");
    assertTrue(Files.exists(run.resolve("report.md")));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "devices.learner=gpu:7             | devices.learner",
      "devices.learner=cuda              | devices.learner",
      "devices.learner=gpu:-1            | devices.learner",
      "devices.evaluator=gpu:7           | devices.evaluator",
      "train.steps=2.5                   | train.steps",
      "mix.update-timeout=0s             | mix.update-timeout",
      "mix.reward-batch-size=-1          | mix.cossim.batch-size = -1",
      "mix.cossim.batch-size=0           | mix.cossim.batch-size = 0",
      "mix.scorer.update=greedy          | mix.scorer.update = 'greedy'",
      "mix.method=zipf                   | mix.method = 'zipf' is not one of",
      "mix.min-probability=0.5           | mix.min-probability adds up to",
      "cluster.snapshot-chunk-bytes=0    | cluster.snapshot-chunk-bytes",
      "cluster.snapshot-dtype=f16        | cluster.snapshot-dtype = 'f16'",
      "cluster.snapshot-port=70000       | cluster.snapshot-port",
      "cluster.snapshot-retries=-1       | cluster.snapshot-retries",
      "cluster.stop-wait=soon            | cluster.stop-wait",
      "Train.steps=3                     | did you mean 'train.steps'",
      "foo=bar                           | unknown key 'foo'",
      "data.overlength=skip              | data.overlength = skip leaves none",
      "data.dev-fraction=0               | data.dev-fraction",
      "mix.mos.reward=multiuat;mix.multiuat.variant=entropy | mix.multiuat.variant = 'entropy' is not one of enttp",
      "mix.method=fixed;mix.fixed.weights={add=-1,echo=1,talk=1} | mix.fixed.weights.add = -1.0 is not a weight",
      "mix.method=fixed;mix.fixed.weights={add=1,echo=1,talk=1,chat=1} | mix.fixed.weights.chat: the mix has no dataset",
      "mix.method=fixed;mix.fixed.weights={add=1,echo=1} | mix.fixed.weights.talk is missing",
      "mix.method=fixed;mix.fixed.weights={add=0,echo=0,talk=0} | mix.fixed.weights are all 0",
      "mix.method=fixed                  | mix.fixed.weights is missing",
      "mix.method=fixed;mix.weights={add=lots,echo=1,talk=1} | mix.fixed.weights.add = \"lots\" is not a number",
  })
  void everySettingIsCheckedBeforeAnythingStarts(String override, String mention) {
    Path run = dir.resolve("checked-" + Math.abs(override.hashCode()));
    String[] extra = override.startsWith("data.overlength")
        ? new String[] {override, "data.max-length=8"} : override.split(";");
    assertOneLine(train(run, extra), mention);
    assertFalse(Files.exists(run), "a refused run leaves no folder behind");
  }

  @Test
  void aFixedMixtureOfWeightsNearTheLargestDoubleTrains() throws IOException {
    Path run = dir.resolve("fixed-1e308");
    CliRun.Result r = train(run, "mix.method=fixed", "mix.fixed.weights={add=1e308,echo=1e308,talk=0}");
    assertEquals(0, r.code(), r.err());
    assertTrue(Files.readAllLines(run.resolve("weights.jsonl")).get(0)
        .contains("\"probs\":{\"add\":0.5,\"echo\":0.5,\"talk\":0.0}"), "normalised without overflow");
  }

  @Test
  void aSpecialistNeedsALearnedMixture() {
    Path run = dir.resolve("specialist-prop");
    assertOneLine(train(run, "mix.method=prop", "mix.specialist=add"), "mix.mos.specialist", "data.only");
  }

  @Test
  void unknownKeysInAConfigFileOrADatasetEntryAreRefusedByName() throws IOException {
    Path file = dir.resolve("training.conf");
    Files.writeString(file, "training { steps = 2 }\n");
    CliRun.Result r = CliRun.run("train", file.toString(), "run.dir=\"" + dir.resolve("never") + "\"");
    assertOneLine(r, "unknown key 'training.steps'", "did you mean 'train.steps'");
    assertOneLine(train(dir.resolve("never"), "data.datasets=[{name=add, path=\"" + dir.resolve("add.jsonl")
        + "\", weight=3}]"), "data.datasets[0]", "'weight'");
    assertOneLine(train(dir.resolve("never"), "data.datasets=[{name=add, path=\"" + dir.resolve("add.jsonl")
        + "\"}, {name=echo}]"), "data.datasets[1]", "has no path");
    assertOneLine(CliRun.run("train", dir.toString()), "is a folder, not a config file");
  }
}
