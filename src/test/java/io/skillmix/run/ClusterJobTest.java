package io.skillmix.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import io.skillmix.UserError;
import io.skillmix.config.ConfigLoader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One learner per run id (issue 33, A1), with every node an actor system of this JVM on 127.0.0.1:
 * a second {@code node --role learner} of the same {@code cluster.run-id} (its own port and run
 * folder) is refused by the data node that serves the first, in one line naming the first, and the
 * first job goes on as if nothing had happened (a refused learner leaving stops no serving node).
 */
@org.junit.jupiter.api.extension.ExtendWith(org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension.class)
class ClusterJobTest {

  @TempDir
  Path dir;

  private Config node(String role, int port, int seedPort, String runDir, String... more) {
    List<String> overrides = new ArrayList<>(RunFixtures.overrides(dir));
    overrides.addAll(List.of("run.dir=\"" + dir.resolve(runDir) + "\"", "cluster.run-id=one-job", "mix.apply=lagged",
        "train.steps=400", "cluster.role=" + role, "pekko.remote.artery.canonical.port=" + port,
        "pekko.cluster.jmx.multi-mbeans-in-same-jvm=on", "cluster.stop-wait=5s"));
    // As cluster-conf/ does: a node unreachable for long (a loaded machine) is removed, so a leaving
    // learner's removal is not held up and its serving nodes see it go.
    overrides.addAll(ClusterNodes.clusterConfig(seedPort,
        "pekko.cluster.downing-provider-class=\"org.apache.pekko.cluster.sbr.SplitBrainResolverProvider\"",
        "pekko.cluster.split-brain-resolver.active-strategy=keep-majority",
        "pekko.cluster.split-brain-resolver.stable-after=3s"));
    overrides.addAll(List.of(more));
    return ConfigLoader.load((Path) null, overrides);
  }

  /** A serving node in a thread of its own, as `skillmix node --role ROLE` runs it. */
  private static CompletableFuture<Void> serve(Config config) {
    return CompletableFuture.runAsync(() -> io.skillmix.node.ServingNode.serve(config));
  }

  @Test
  void aSecondLearnerOfTheSameRunIsRefusedAndTheFirstGoesOn() throws Exception {
    RunFixtures.write(dir);
    int[] ports = ClusterNodes.freePorts(4);
    CompletableFuture<Void> data = serve(node("data", ports[1], ports[0], "first"));
    CompletableFuture<Void> evaluator = serve(node("evaluator", ports[2], ports[0], "first"));
    TrainingRun.Handle first = TrainingRun.start(node("learner", ports[0], ports[0], "first"), ActorHooks.NONE,
        io.skillmix.node.ClusterPeers.FINDER);
    CompletableFuture<TrainingRun.Outcome> firstOutcome = CompletableFuture.supplyAsync(first::await);
    // The first job trains before the second learner comes.
    ClusterNodes.awaitLines(dir.resolve("first/metrics.jsonl"), lines -> lines.stream().anyMatch(
        line -> line.contains("\"event\":\"train\"")), firstOutcome, () -> "the first learner ended",
        dir.resolve("none.log"), Duration.ofMinutes(5));

    UserError refused = assertThrows(UserError.class, () -> TrainingRun.start(node("learner", ports[3], ports[0],
        "second", "cluster.wait-for-roles=120s"), ActorHooks.NONE, io.skillmix.node.ClusterPeers.FINDER).await());
    assertTrue(refused.getMessage().startsWith("cluster: the node at pekko://skillmix@127.0.0.1:" + ports[1]
        + " already serves a learner of this run (cluster.run-id one-job) at pekko://skillmix@127.0.0.1:" + ports[0]),
        refused.getMessage());
    assertFalse(refused.getMessage().contains("\n"), "one line");

    assertFalse(firstOutcome.isDone(), "the first job still runs after the second learner left");
    first.requestStop();
    TrainingRun.Outcome outcome = firstOutcome.get(5, TimeUnit.MINUTES);
    assertTrue(outcome.stopped());
    assertNotNull(outcome.checkpoint(), "the first job checkpointed as it stopped");
    // Its serving nodes stop once it has left (and not when the refused one did).
    data.get(2, TimeUnit.MINUTES);
    evaluator.get(2, TimeUnit.MINUTES);

    // Its batches were its own: step for step the losses of the same job in one JVM.
    List<String> cluster = losses(dir.resolve("first/metrics.jsonl"));
    TrainingRun.Handle single = TrainingRun.start(node("all", 0, ports[0], "single", "pekko.actor.provider=local"));
    CompletableFuture<TrainingRun.Outcome> singleOutcome = CompletableFuture.supplyAsync(single::await);
    ClusterNodes.awaitLines(dir.resolve("single/metrics.jsonl"), lines -> losses(lines).size() >= cluster.size(),
        singleOutcome, () -> "the one-JVM run ended", dir.resolve("none.log"), Duration.ofMinutes(5));
    single.requestStop();
    singleOutcome.get(5, TimeUnit.MINUTES);
    assertTrue(cluster.size() >= 2, "the first job trained: " + cluster);
    assertEquals(cluster, losses(dir.resolve("single/metrics.jsonl")).subList(0, cluster.size()));
  }

  private static List<String> losses(Path metrics) throws java.io.IOException {
    return losses(java.nio.file.Files.readAllLines(metrics));
  }

  /** The train lines' step and loss, as written. */
  private static List<String> losses(List<String> lines) {
    return lines.stream().filter(line -> line.contains("\"event\":\"train\""))
        .map(line -> line.replaceAll(".*(\"step\":\\d+,\"loss\":[^,]+),.*", "$1")).toList();
  }
}
