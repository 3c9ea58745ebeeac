package io.skillmix.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pool of two evaluator nodes (issue 32, point 3), four real JVMs on 127.0.0.1: both share each
 * update (the datasets divided between them), and the run's probabilities and losses are those of
 * the same run in one JVM with one evaluator. Then one member freezes (SIGSTOP) with a share in hand:
 * the pool sees it unreachable, the other member redoes its share (a warning says so), and no update
 * is lost: the run still equals the one-JVM run, step for step.
 */
@Tag("slow")
class EvaluatorPoolTest {

  @TempDir
  Path dir;

  @Test
  void twoEvaluatorsShareEachUpdateAndAFrozenOnesShareIsRedone() throws Exception {
    RunFixtures.write(dir);
    List<String> run = new ArrayList<>(RunFixtures.overrides(dir));
    // Ten updates: the frozen member surely gets a share of one of those after the freeze.
    run.addAll(List.of("mix.apply=lagged", "train.steps=80", "seed=9", "mix.update-timeout=5m"));

    int[] ports = ClusterNodes.freePorts(4);
    List<String> cluster = new ArrayList<>(run);
    cluster.add("run.dir=\"" + dir.resolve("cluster") + "\"");
    cluster.addAll(ClusterNodes.clusterConfig(ports[0],
        "pekko.cluster.downing-provider-class=\"org.apache.pekko.cluster.sbr.SplitBrainResolverProvider\"",
        "pekko.cluster.split-brain-resolver.active-strategy=keep-majority",
        "pekko.cluster.split-brain-resolver.stable-after=3s",
        // Seen unreachable only after 10 s of silence: the frozen member surely gets a share first.
        "pekko.cluster.failure-detector.acceptable-heartbeat-pause=10s"));
    Path log = dir.resolve("learner.log");
    List<Process> nodes = new ArrayList<>();
    try {
      nodes.add(ClusterNodes.node("data", ports[3], cluster, dir.resolve("data.log")));
      Process first = ClusterNodes.node("evaluator", ports[1], cluster, dir.resolve("evaluator-1.log"));
      Process second = ClusterNodes.node("evaluator", ports[2], cluster, dir.resolve("evaluator-2.log"));
      nodes.add(first);
      nodes.add(second);
      Process learner = ClusterNodes.node("learner", ports[0], cluster, log);
      nodes.add(learner);
      // Both members in the pool, and an update computed by the two of them since.
      ClusterNodes.awaitLines(log, lines -> lines.stream().filter(l -> l.contains("joined the pool")
          && (l.contains(":" + ports[1]) || l.contains(":" + ports[2]))).count() >= 2, learner, log, Duration.ofMinutes(5));
      int weightsThen = ClusterNodes.lines(dir.resolve("cluster/weights.jsonl")).size();
      ClusterNodes.awaitLines(dir.resolve("cluster/weights.jsonl"), lines -> lines.size() >= weightsThen + 1, learner,
          log, Duration.ofMinutes(5));
      new ProcessBuilder("kill", "-STOP", Long.toString(second.pid())).start().waitFor();

      assertTrue(learner.waitFor(5, TimeUnit.MINUTES), "the learner did not finish: " + ClusterNodes.tail(log));
      String output = Files.readString(log);
      assertEquals(0, learner.exitValue(), output);
      assertTrue(output.contains("done: 80 steps"), output);
      assertTrue(output.contains("is redone by pekko://skillmix@127.0.0.1:" + ports[1]), output);
      assertFalse(Files.readString(dir.resolve("cluster/metrics.jsonl")).contains("skipped_update"),
          "no update was lost");
    } finally {
      nodes.forEach(Process::destroyForcibly);
    }

    List<String> single = new ArrayList<>(run);
    single.add("run.dir=\"" + dir.resolve("single") + "\"");
    TrainingRun.run(io.skillmix.config.ConfigLoader.load((Path) null, single));
    assertEquals(Files.readAllLines(dir.resolve("single/weights.jsonl")),
        Files.readAllLines(dir.resolve("cluster/weights.jsonl")));
    assertEquals(losses(dir.resolve("single/metrics.jsonl")), losses(dir.resolve("cluster/metrics.jsonl")));
  }

  private static List<String> losses(Path metrics) throws java.io.IOException {
    return Files.readAllLines(metrics).stream().filter(line -> line.contains("\"event\":\"train\""))
        .map(line -> line.replaceAll(".*(\"step\":\\d+,\"loss\":[^,]+,\"losses\":\\{[^}]*\\}).*", "$1")).toList();
  }
}
