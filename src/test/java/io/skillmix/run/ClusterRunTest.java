package io.skillmix.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run across three real JVMs on 127.0.0.1 (a data node, an evaluator node and a learner node,
 * each {@code skillmix node}) gives the same mixture probabilities, step for step, as the same run
 * in one JVM: in {@code lagged} mode a run's weights do not depend on where its actors live.
 */
class ClusterRunTest {

  @TempDir
  Path dir;

  @Test
  void threeNodesGiveTheSameProbabilitiesAsOneJvm() throws Exception {
    RunFixtures.write(dir);
    List<String> run = new ArrayList<>(RunFixtures.overrides(dir));
    run.addAll(List.of("mix.apply=lagged", "train.steps=16", "seed=7"));

    List<String> single = new ArrayList<>(run);
    single.add("run.dir=\"" + dir.resolve("single") + "\"");
    TrainingRun.Outcome one = TrainingRun.run(io.skillmix.config.ConfigLoader.load((Path) null, single));
    assertEquals(16, one.steps());

    int[] ports = freePorts(3);
    String seed = "pekko.cluster.seed-nodes=[\"pekko://skillmix@127.0.0.1:" + ports[0] + "\"]";
    List<String> cluster = new ArrayList<>(run);
    cluster.add("run.dir=\"" + dir.resolve("cluster") + "\"");
    cluster.addAll(List.of("pekko.actor.provider=cluster", seed, "cluster.wait-for-roles=60s"));

    List<Process> serving = new ArrayList<>();
    try {
      serving.add(node("data", ports[2], cluster, dir.resolve("data.log")));
      serving.add(node("evaluator", ports[1], cluster, dir.resolve("evaluator.log")));
      Process learner = node("learner", ports[0], cluster, dir.resolve("learner.log"));
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

  /** A {@code skillmix node} JVM on the test's class path, DJL offline, output to {@code log}. */
  private static Process node(String role, int port, List<String> config, Path log) throws IOException {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx1g", "-Dai.djl.offline=true", "-Djava.awt.headless=true",
        "-Dai.djl.pytorch.num_threads=" + System.getProperty("ai.djl.pytorch.num_threads", "1"),
        "-Dai.djl.pytorch.num_interop_threads=1",
        "-cp", classPath(), "io.skillmix.cli.Main", "node", "--role", role));
    command.addAll(config);
    command.add("pekko.remote.artery.canonical.port=" + port);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    builder.environment().put("OPT_OUT_TRACKING", "true");
    return builder.start();
  }

  /** The test class path; surefire may hide it behind a manifest-only jar. */
  private static String classPath() throws IOException {
    String path = System.getProperty("java.class.path");
    String[] entries = path.split(File.pathSeparator);
    if (entries.length == 1 && entries[0].endsWith(".jar")) {
      try (JarFile jar = new JarFile(entries[0])) {
        String manifest = jar.getManifest() == null ? null
            : jar.getManifest().getMainAttributes().getValue("Class-Path");
        if (manifest != null) {
          List<String> expanded = new ArrayList<>();
          for (String url : manifest.trim().split("\\s+")) {
            // Entries are URIs, absolute or relative to the jar's folder.
            java.net.URI base = Path.of(entries[0]).toAbsolutePath().getParent().toUri();
            expanded.add(Path.of(base.resolve(url)).toString());
          }
          return String.join(File.pathSeparator, expanded);
        }
      }
    }
    return path;
  }

  private static int[] freePorts(int n) throws IOException {
    int[] ports = new int[n];
    List<ServerSocket> sockets = new ArrayList<>();
    try {
      for (int i = 0; i < n; i++) {
        ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
        sockets.add(socket);
        ports[i] = socket.getLocalPort();
      }
    } finally {
      for (ServerSocket socket : sockets) {
        socket.close();
      }
    }
    return ports;
  }
}
