package io.skillmix.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.skillmix.UserError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingRunTest {

  @TempDir static Path dir;

  @BeforeAll
  static void fixtures() {
    RunFixtures.write(dir);
  }

  private static List<String> trainLines(Path run) throws IOException {
    return Files.readAllLines(run.resolve("metrics.jsonl")).stream()
        .filter(l -> l.contains("\"event\":\"train\""))
        .map(l -> {
          JsonObject o = JsonParser.parseString(l).getAsJsonObject();
          return o.get("step") + " " + o.get("examples") + " " + o.get("losses") + " " + o.get("loss");
        })
        .collect(Collectors.toList());
  }

  @Test
  void twoLaggedRunsWithTheSameSeedAreIdenticalAndWriteTheRunFolder() throws IOException {
    TrainingRun.Outcome a = TrainingRun.run(RunFixtures.config(dir, "lagged-a"));
    TrainingRun.Outcome b = TrainingRun.run(RunFixtures.config(dir, "lagged-b"));
    assertEquals(24, a.steps());
    Path runA = a.runDir();
    Path runB = b.runDir();
    assertEquals(Files.readAllLines(runA.resolve("weights.jsonl")), Files.readAllLines(runB.resolve("weights.jsonl")));
    assertEquals(trainLines(runA), trainLines(runB));
    assertEquals(24, trainLines(runA).size());
    List<String> weights = Files.readAllLines(runA.resolve("weights.jsonl"));
    // The prior first, then one line per update: snapshots after 8 and 16 steps, lag 4.
    assertEquals(3, weights.size(), String.join("\n", weights));
    assertTrue(weights.get(0).startsWith("{\"step\":0,\"version\":0,\"probs\":{\"add\":"), weights.get(0));
    assertTrue(weights.get(1).startsWith("{\"step\":12,\"version\":8,"), weights.get(1));
    assertTrue(weights.get(2).startsWith("{\"step\":20,\"version\":16,"), weights.get(2));
    for (String file : new String[] {"config.conf", "report.md", "plots/weights.png", "plots/loss.png",
        "final/config.json", "final/model.safetensors", "final/tokenizer.json"}) {
      assertTrue(Files.exists(runA.resolve(file)), file);
    }
    String report = Files.readString(runA.resolve("report.md"));
    assertTrue(report.contains("| talk |"), report);
  }

  @Test
  void packingReadsTheSameTokensWithNoMorePaddingAndTheSameLoss() throws IOException {
    // The fixtures' examples are nearly equal in length (little to save); PackingTest has a mixed batch.
    TrainingRun.Outcome packed = TrainingRun.run(RunFixtures.config(dir, "packed", "train.steps=3", "mix.method=uni",
        "train.packing=true", "train.pack-length=400")); // rows of 400: two examples of ~140 tokens
    TrainingRun.Outcome padded = TrainingRun.run(RunFixtures.config(dir, "padded", "train.steps=3", "mix.method=uni",
        "train.packing=false"));
    List<JsonObject> a = trainRecords(packed.runDir());
    List<JsonObject> b = trainRecords(padded.runDir());
    assertEquals(3, a.size());
    for (int s = 0; s < a.size(); s++) {
      assertEquals(b.get(s).get("dataset"), a.get(s).get("dataset"), "the same draws");
      assertEquals(b.get(s).get("tokens"), a.get(s).get("tokens"), "tokens count real tokens, step " + s);
      assertTrue(a.get(s).get("pad_tokens").getAsInt() <= b.get(s).get("pad_tokens").getAsInt(), "step " + s);
    }
    // The first step starts from the same weights: the same loss to rounding.
    assertEquals(b.get(0).get("loss").getAsDouble(), a.get(0).get("loss").getAsDouble(), 1e-5);
    assertTrue(packed.history().paddingShare() <= padded.history().paddingShare());
    assertTrue(Files.readString(packed.runDir().resolve("report.md")).contains("padding was"));
  }

  private static List<JsonObject> trainRecords(Path run) throws IOException {
    return Files.readAllLines(run.resolve("metrics.jsonl")).stream()
        .map(l -> com.google.gson.JsonParser.parseString(l).getAsJsonObject())
        .filter(o -> o.get("event").getAsString().equals("train"))
        .toList();
  }

  @Test
  void syncEqualsLaggedWithLagZero() throws IOException {
    TrainingRun.Outcome sync = TrainingRun.run(RunFixtures.config(dir, "sync", "mix.apply=sync", "mix.lag-steps=0"));
    TrainingRun.Outcome lag0 = TrainingRun.run(RunFixtures.config(dir, "lag0", "mix.apply=lagged", "mix.lag-steps=0"));
    assertEquals(Files.readAllLines(sync.runDir().resolve("weights.jsonl")),
        Files.readAllLines(lag0.runDir().resolve("weights.jsonl")));
    assertEquals(trainLines(sync.runDir()), trainLines(lag0.runDir()));
    assertTrue(Files.readAllLines(sync.runDir().resolve("weights.jsonl")).get(1).startsWith("{\"step\":8,\"version\":8,"));
  }

  @Test
  void freeModeAndStaticPriorsRunToTheEnd() throws IOException {
    TrainingRun.Outcome free = TrainingRun.run(RunFixtures.config(dir, "free", "mix.apply=free"));
    assertEquals(24, free.steps());
    // Free mode applies an update when it arrives, so how many take effect before the last step
    // depends on the evaluator's speed (LearnerTest drives that exactly). What it guarantees: the
    // prior first, then at most one line per snapshot (8, 16), in order, none before its snapshot;
    // and every snapshot's rewards computed (the final checkpoint waits for them).
    List<JsonObject> applied = Files.readAllLines(free.runDir().resolve("weights.jsonl")).stream()
        .map(l -> JsonParser.parseString(l).getAsJsonObject()).toList();
    assertEquals(0, applied.get(0).get("step").getAsLong());
    assertEquals(0, applied.get(0).get("version").getAsLong());
    long lastVersion = 0;
    for (JsonObject line : applied.subList(1, applied.size())) {
      long version = line.get("version").getAsLong();
      long step = line.get("step").getAsLong();
      assertTrue(version == 8 || version == 16, line.toString());
      assertTrue(version > lastVersion, "one line per snapshot, in order: " + applied);
      assertTrue(step >= version && step < 24, line.toString());
      lastVersion = version;
    }
    List<Long> rewarded = Files.readAllLines(free.runDir().resolve("metrics.jsonl")).stream()
        .filter(l -> l.contains("\"event\":\"rewards\""))
        .map(l -> JsonParser.parseString(l).getAsJsonObject().get("version").getAsLong()).toList();
    assertEquals(List.of(8L, 16L), rewarded);
    TrainingRun.Outcome uni = TrainingRun.run(RunFixtures.config(dir, "uni", "mix.method=uni"));
    List<String> weights = Files.readAllLines(uni.runDir().resolve("weights.jsonl"));
    assertEquals(1, weights.size(), "a static prior never changes");
    assertTrue(weights.get(0).contains("0.3333333333333333"), weights.get(0));
    TrainingRun.Outcome diff = TrainingRun.run(RunFixtures.config(dir, "diff", "mix.reward=diff",
        "mix.specialist=echo", "mix.scorer=mlp"));
    String rewards = Files.readAllLines(diff.runDir().resolve("metrics.jsonl")).stream()
        .filter(l -> l.contains("\"event\":\"rewards\"")).findFirst().orElseThrow();
    assertTrue(rewards.contains("\"version\":8"), rewards);
  }

  @Test
  void theBaselineRewardsRunInTheSameFramework() throws IOException {
    for (String method : new String[] {"multidds", "multiuat"}) {
      TrainingRun.Outcome run = TrainingRun.run(RunFixtures.config(dir, method, "mix.method=" + method,
          "mix.multiuat-passes=3", "mix.multidds-layers=1"));
      List<String> rewards = Files.readAllLines(run.runDir().resolve("metrics.jsonl")).stream()
          .filter(l -> l.contains("\"event\":\"rewards\"")).toList();
      assertEquals(2, rewards.size(), method);
      JsonObject first = JsonParser.parseString(rewards.get(0)).getAsJsonObject();
      assertEquals(first.get("rewards"), first.get("smoothed"), method + " smooths nothing unless mix.ema = true");
      for (String name : new String[] {"add", "echo", "talk"}) {
        double r = first.getAsJsonObject("rewards").get(name).getAsDouble();
        assertTrue(Double.isFinite(r), method + " " + name + " " + r);
        if (method.equals("multiuat")) {
          assertTrue(r > 0 && r <= Math.log(259) + 1e-6, "an entropy: " + r);
        } else {
          assertTrue(r >= -1 && r <= 1, "a mean cosine: " + r);
        }
      }
    }
  }

  @Test
  void malformedRecordsFailTheRunOrAreSkippedAndReported() throws IOException {
    Path bad = dir.resolve("bad.jsonl");
    Files.writeString(bad, "{\"prompt\": \"a\", \"response\": \"b\"}\n{\"prompt\": 3}\n"
        + "{\"prompt\": \"c\", \"response\": \"d\"}\n");
    String datasets = "data.datasets=[{name=add, path=\"" + dir.resolve("add.jsonl") + "\"},"
        + "{name=bad, path=\"" + bad + "\"}]";
    UserError e = assertThrows(UserError.class,
        () -> TrainingRun.run(RunFixtures.config(dir, "onerror-fail", datasets)));
    assertTrue(e.getMessage().contains(bad + ":2:"), e.getMessage());
    TrainingRun.Outcome skipped = TrainingRun.run(RunFixtures.config(dir, "onerror-skip", datasets,
        "data.on-error=skip", "train.steps=4", "mix.method=uni"));
    String report = Files.readString(skipped.runDir().resolve("report.md"));
    assertTrue(report.contains("malformed records skipped: 1"), report);
    assertTrue(report.contains(bad + ":2:"), report);
  }

  @Test
  void aNewRunNeverOverwritesAnExistingRunFolder() throws IOException {
    Path existing = dir.resolve("taken");
    Files.createDirectories(existing);
    Files.writeString(existing.resolve("metrics.jsonl"), "keep me\n");
    UserError e = assertThrows(UserError.class, () -> TrainingRun.run(RunFixtures.config(dir, "taken")));
    assertTrue(e.getMessage().contains("run folder exists"), e.getMessage());
    assertEquals("keep me\n", Files.readString(existing.resolve("metrics.jsonl")));
  }

  @Test
  void badSettingsFailBeforeAnythingStarts() {
    UserError lag = assertThrows(UserError.class,
        () -> TrainingRun.run(RunFixtures.config(dir, "bad1", "mix.lag-steps=9")));
    assertTrue(lag.getMessage().contains("mix.lag-steps"), lag.getMessage());
    UserError specialist = assertThrows(UserError.class,
        () -> TrainingRun.run(RunFixtures.config(dir, "bad2", "mix.specialist=poetry")));
    assertTrue(specialist.getMessage().contains("poetry"), specialist.getMessage());
    UserError tau = assertThrows(UserError.class,
        () -> TrainingRun.run(RunFixtures.config(dir, "bad3", "mix.scorer.prior-temperature=0")));
    assertTrue(tau.getMessage().contains("mix.scorer.prior-temperature"), tau.getMessage());
    for (String packLength : new String[] {"train.pack-length=1", "train.pack-length=-3"}) {
      UserError rows = assertThrows(UserError.class,
          () -> TrainingRun.run(RunFixtures.config(dir, "bad4", packLength)));
      assertTrue(rows.getMessage().contains("train.pack-length"), rows.getMessage());
    }
    assertNotEquals(true, Files.exists(dir.resolve("bad1")));
  }
}
