package io.skillmix.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run across three real JVMs on 127.0.0.1 (a data node, an evaluator node and a learner node,
 * each {@code skillmix node}) gives the same mixture probabilities, step for step, as the same run
 * in one JVM: in {@code lagged} mode a run's weights do not depend on where its actors live.
 */
@Tag("slow")
class ClusterRunTest {

  @TempDir
  Path dir;

  @Test
  void threeNodesGiveTheSameProbabilitiesAsOneJvm() throws Exception {
    assertClusterEqualsOneJvm();
  }

  /** With model.lora the snapshots carry the adapters alone, and θ0 (the base) reaches Diff on the evaluator node. */
  @Test
  void aLoraRunOnThreeNodesEqualsTheOneJvmRun() throws Exception {
    assertClusterEqualsOneJvm("model.lora.rank=4", "mix.reward=diff");
    assertArrayEquals(Files.readAllBytes(dir.resolve("single/final/adapter_model.safetensors")),
        Files.readAllBytes(dir.resolve("cluster/final/adapter_model.safetensors")));
  }

  private void assertClusterEqualsOneJvm(String... settings) throws Exception {
    RunFixtures.write(dir);
    List<String> run = new ArrayList<>(RunFixtures.overrides(dir));
    run.addAll(List.of("mix.apply=lagged", "train.steps=16", "seed=7"));
    run.addAll(List.of(settings));

    List<String> single = new ArrayList<>(run);
    single.add("run.dir=\"" + dir.resolve("single") + "\"");
    TrainingRun.Outcome one = TrainingRun.run(io.skillmix.config.ConfigLoader.load((Path) null, single));
    assertEquals(16, one.steps());

    int[] ports = ClusterNodes.freePorts(3);
    List<String> cluster = new ArrayList<>(run);
    cluster.add("run.dir=\"" + dir.resolve("cluster") + "\"");
    cluster.addAll(ClusterNodes.clusterConfig(ports[0]));

    List<Process> serving = new ArrayList<>();
    try {
      serving.add(ClusterNodes.node("data", ports[2], cluster, dir.resolve("data.log")));
      serving.add(ClusterNodes.node("evaluator", ports[1], cluster, dir.resolve("evaluator.log")));
      Process learner = ClusterNodes.node("learner", ports[0], cluster, dir.resolve("learner.log"));
      boolean ended = learner.waitFor(150, TimeUnit.SECONDS);
      if (!ended) {
        learner.destroyForcibly();
      }
      assertTrue(ended, "the learner node did not finish: " + Files.readString(dir.resolve("learner.log")));
      assertEquals(0, learner.exitValue(), "learner node failed: " + Files.readString(dir.resolve("learner.log")));
      // The serving nodes stop by themselves once the learner has left the cluster.
      for (Process node : serving) {
        assertTrue(node.waitFor(60, TimeUnit.SECONDS), "a serving node did not stop after the learner left");
      }
    } finally {
      serving.forEach(Process::destroyForcibly);
    }

    List<String> expected = Files.readAllLines(dir.resolve("single/weights.jsonl"));
    List<String> actual = Files.readAllLines(dir.resolve("cluster/weights.jsonl"));
    assertTrue(expected.size() >= 2, "an update was applied: " + expected);
    assertEquals(expected, actual);
    assertFalse(Files.readString(dir.resolve("learner.log")).contains("Class is not registered"));
  }
}
