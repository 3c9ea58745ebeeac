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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stopping a cluster run (issue 33, A2 and E2), three real JVMs on 127.0.0.1: SIGTERM to the learner
 * node alone, or to every node at once (as Ctrl-C to a process group or a service manager sends it),
 * checkpoints and exits 0 with the command that resumes, as a one-JVM stop does; the serving nodes
 * go after the learner. {@code node --resume} on every node then finishes the run, and (stopped at
 * the learner) loss for loss and weight for weight as the same run straight through in one JVM.
 */
@Tag("slow")
class ClusterStopTest {

  private static final Pattern STOPPED = Pattern.compile(
      "stopped at step (\\d+); resume with: scripts/cluster-local --resume (\\S+)");

  @TempDir
  Path dir;

  private List<String> run() {
    RunFixtures.write(dir);
    List<String> run = new ArrayList<>(RunFixtures.overrides(dir));
    run.addAll(List.of("mix.apply=lagged", "train.steps=48", "seed=5"));
    return run;
  }

  private List<String> cluster(int learnerPort) {
    List<String> config = new ArrayList<>(run());
    config.add("run.dir=\"" + dir.resolve("cluster") + "\"");
    config.addAll(ClusterNodes.clusterConfig(learnerPort));
    return config;
  }

  private static String log(Path file) throws java.io.IOException {
    return Files.exists(file) ? Files.readString(file) : "";
  }

  /** Starts data, evaluator and learner nodes with {@code args} first; returns them in that order. */
  private List<Process> nodes(int[] ports, List<String> args, List<String> config, String tag) throws Exception {
    List<Process> nodes = new ArrayList<>();
    String[] roles = {"data", "evaluator", "learner"};
    int[] at = {ports[2], ports[1], ports[0]};
    for (int i = 0; i < 3; i++) {
      List<String> all = new ArrayList<>(args);
      all.addAll(config);
      nodes.add(ClusterNodes.node(roles[i], at[i], all, dir.resolve(roles[i] + "-" + tag + ".log")));
    }
    return nodes;
  }

  @Test
  void aSignalledLearnerCheckpointsItsNodesFollowAndNodeResumeFinishesTheRunExactly() throws Exception {
    int[] ports = ClusterNodes.freePorts(3);
    List<String> config = cluster(ports[0]);
    List<Process> nodes = nodes(ports, List.of(), config, "first");
    Process learner = nodes.get(2);
    Path log = dir.resolve("learner-first.log");
    try {
      ClusterNodes.awaitLines(dir.resolve("cluster/metrics.jsonl"), lines -> lines.stream()
          .filter(line -> line.contains("\"event\":\"train\"")).count() >= 12, learner, log, Duration.ofMinutes(5));
      learner.destroy(); // SIGTERM to the learner node alone
      assertTrue(learner.waitFor(3, TimeUnit.MINUTES), "the learner did not stop: " + log(log));
      String output = log(log);
      assertEquals(0, learner.exitValue(), output);
      assertFalse(output.contains("error while stopping"), output);
      Matcher stopped = STOPPED.matcher(output);
      assertTrue(stopped.find(), output);
      int step = Integer.parseInt(stopped.group(1));
      assertTrue(step >= 12 && step < 48, output);
      assertTrue(Files.isDirectory(dir.resolve("cluster/checkpoints").resolve(String.format("step-%06d", step))),
          "the checkpoint of step " + step);
      for (Process node : nodes.subList(0, 2)) {
        assertTrue(node.waitFor(2, TimeUnit.MINUTES), "a serving node did not stop after the learner left");
        assertEquals(0, node.exitValue());
      }
    } finally {
      nodes.forEach(Process::destroyForcibly);
    }

    // Every node resumes from the run folder (the learner's run config is its config.conf).
    List<String> resume = new ArrayList<>(List.of("--resume", dir.resolve("cluster").toString()));
    List<Process> again = nodes(ports, resume, ClusterNodes.clusterConfig(ports[0]), "resumed");
    try {
      Process resumed = again.get(2);
      assertTrue(resumed.waitFor(5, TimeUnit.MINUTES), "the resumed run did not finish");
      String output = log(dir.resolve("learner-resumed.log"));
      assertEquals(0, resumed.exitValue(), output);
      assertTrue(output.contains("done: 48 steps"), output);
    } finally {
      again.forEach(Process::destroyForcibly);
    }

    List<String> single = new ArrayList<>(run());
    single.add("run.dir=\"" + dir.resolve("single") + "\"");
    TrainingRun.run(io.skillmix.config.ConfigLoader.load((Path) null, single));
    assertEquals(Files.readAllLines(dir.resolve("single/weights.jsonl")),
        Files.readAllLines(dir.resolve("cluster/weights.jsonl")));
    assertEquals(losses(dir.resolve("single/metrics.jsonl")), losses(dir.resolve("cluster/metrics.jsonl")));
  }

  @Test
  void everyNodeSignalledAtOnceStillCheckpointsFirst() throws Exception {
    int[] ports = ClusterNodes.freePorts(3);
    List<Process> nodes = nodes(ports, List.of(), cluster(ports[0]), "all");
    Path log = dir.resolve("learner-all.log");
    try {
      ClusterNodes.awaitLines(dir.resolve("cluster/metrics.jsonl"), lines -> lines.stream()
          .filter(line -> line.contains("\"event\":\"train\"")).count() >= 6, nodes.get(2), log, Duration.ofMinutes(5));
      nodes.forEach(Process::destroy); // SIGTERM to the three at once
      String[] logs = {"data-all.log", "evaluator-all.log", "learner-all.log"};
      for (int i = 0; i < 3; i++) {
        Process node = nodes.get(i);
        assertTrue(node.waitFor(3, TimeUnit.MINUTES), "a node did not stop: " + log(dir.resolve(logs[i])));
        assertEquals(0, node.exitValue(), logs[i] + ": " + log(dir.resolve(logs[i])));
      }
      String output = log(log);
      assertFalse(output.contains("error while stopping"), output);
      Matcher stopped = STOPPED.matcher(output);
      assertTrue(stopped.find(), output);
      assertTrue(Files.isDirectory(dir.resolve("cluster/checkpoints")
          .resolve(String.format("step-%06d", Integer.parseInt(stopped.group(1))))));
    } finally {
      nodes.forEach(Process::destroyForcibly);
    }
  }

  /** The train lines' step and losses, as written (the timings left out). */
  private static List<String> losses(Path metrics) throws java.io.IOException {
    return Files.readAllLines(metrics).stream().filter(line -> line.contains("\"event\":\"train\""))
        .map(line -> line.replaceAll(".*(\"step\":\\d+,\"loss\":[^,]+,\"losses\":\\{[^}]*\\}).*", "$1")).toList();
  }
}
