package io.skillmix.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.typesafe.config.Config;
import io.skillmix.UserError;
import io.skillmix.config.ConfigLoader;
import io.skillmix.learn.Trainer;
import io.skillmix.model.LanguageModel;
import io.skillmix.model.ModelConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MultiOrderRunTest {

  @TempDir Path dir;

  /** A four-step run of the tiny preset from scratch (random init from `seed`) on the fixture data. */
  private Config config(String run, String... more) {
    RunFixtures.write(dir);
    List<String> overrides = new ArrayList<>(List.of("model.path=\"\"", "model.preset=tiny", "train.steps=4",
        "mix.method=uni", "data.max-length=96"));
    overrides.addAll(List.of(more));
    return RunFixtures.config(dir, run, overrides.toArray(String[]::new));
  }

  /** Datasets and losses of every step, in order: what a data order changes. */
  private static List<String> steps(Path run) throws IOException {
    return Files.readAllLines(run.resolve("metrics.jsonl")).stream()
        .filter(l -> l.contains("\"event\":\"train\""))
        .map(l -> {
          JsonObject o = JsonParser.parseString(l).getAsJsonObject();
          return o.get("step") + " " + o.get("examples") + " " + o.get("losses") + " " + o.get("loss");
        })
        .toList();
  }

  private static List<float[]> initialWeights(Path orderDir) {
    RunSettings settings = RunSettings.from(ConfigLoader.load(orderDir.resolve("config.conf"), List.of()));
    try (Trainer trainer = Trainer.create(settings.train(), ModelConfig.preset("tiny"), settings.modelPath(), settings.seed(), new Trainer.Placement(settings.learnerDevice(), settings.learnerThreads()), 0)) {
      return trainer.model().parameters().stream().map(p -> p.array().toFloatArray()).toList();
    }
  }

  @Test
  void twoOrdersShareTheInitialModelButNotTheDataOrder() throws IOException {
    MultiOrderRun.Outcome outcome = MultiOrderRun.run(config("orders"), 2);
    Path root = dir.resolve("orders");
    assertEquals(2, outcome.orders().size());
    Path one = root.resolve("order-1");
    Path two = root.resolve("order-2");
    for (Path order : List.of(one, two)) {
      assertTrue(Files.exists(order.resolve("final/model.safetensors")), order.toString());
      assertTrue(Files.exists(order.resolve("report.md")), order.toString());
    }
    assertEquals(42, outcome.orders().get(0).orderSeed());
    assertEquals(43, outcome.orders().get(1).orderSeed());

    // The same start: each order's own resolved config builds the same initial weights.
    List<float[]> first = initialWeights(one);
    List<float[]> second = initialWeights(two);
    assertEquals(first.size(), second.size());
    for (int i = 0; i < first.size(); i++) {
      assertArrayEquals(first.get(i), second.get(i), "parameter " + i);
    }
    try (LanguageModel other = LanguageModel.random(ModelConfig.preset("tiny"), ai.djl.Device.cpu(), 7)) {
      assertFalse(java.util.Arrays.equals(first.get(0), other.parameters().get(0).array().toFloatArray()),
          "the comparison can tell models apart");
    }

    // Different orders: other datasets drawn or other batches, so other losses.
    assertEquals(4, steps(one).size());
    assertNotEquals(steps(one), steps(two));

    // Order 2 is exactly a plain run with data.order-seed = 43: the order seed is all that differs.
    TrainingRun.Outcome alone = TrainingRun.run(config("alone", "data.order-seed=43"));
    assertEquals(steps(two), steps(alone.runDir()));

    String summary = Files.readString(root.resolve("orders.md"));
    assertTrue(summary.contains("| 1 | `order-1/final` | 42 | 4 |"), summary);
    assertTrue(summary.contains("| 2 | `order-2/final` | 43 | 4 |"), summary);
    assertTrue(summary.contains("held-out loss talk"), summary);
    double loss = outcome.orders().get(0).heldOutLoss().get("talk");
    assertTrue(loss > 0 && Double.isFinite(loss), "held-out loss " + loss);
  }

  @Test
  void theDefaultOrderSeedIsTheSeedAndBadRequestsAreRefused() {
    assertEquals(42, RunSettings.from(config("x")).orderSeed());
    assertEquals(5, RunSettings.from(config("x", "data.order-seed=5")).orderSeed());
    assertThrows(UserError.class, () -> RunSettings.from(config("x", "data.order-seed=abc")));
    UserError zero = assertThrows(UserError.class, () -> MultiOrderRun.run(config("zero"), 0));
    assertTrue(zero.getMessage().contains("--orders"), zero.getMessage());
    assertEquals(2, io.skillmix.cli.Main.execute("train", "--orders", "0", "run.progress=false"));
    UserError sentinel = assertThrows(UserError.class, () -> MultiOrderRun.run(config("s", "seed=-2"), 2));
    assertTrue(sentinel.getMessage().contains("data.order-seed"), sentinel.getMessage());
  }
}
