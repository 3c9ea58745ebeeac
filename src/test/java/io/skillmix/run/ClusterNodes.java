package io.skillmix.run;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Starts {@code skillmix} JVMs for tests (nodes on 127.0.0.1 with free ports): the test class path, DJL offline. */
final class ClusterNodes {

  private ClusterNodes() {}

  /** The cluster part of every node's config: the learner's port as the seed node. */
  static List<String> clusterConfig(int learnerPort, String... more) {
    List<String> config = new ArrayList<>(List.of("pekko.actor.provider=cluster",
        "pekko.cluster.seed-nodes=[\"pekko://skillmix@127.0.0.1:" + learnerPort + "\"]"));
    config.addAll(List.of(more));
    return config;
  }

  /** A {@code skillmix node} JVM on the test's class path, DJL offline, output to {@code log}. */
  static Process node(String role, int port, List<String> config, Path log) throws IOException {
    List<String> args = new ArrayList<>(List.of("node", "--role", role));
    args.addAll(config);
    args.add("pekko.remote.artery.canonical.port=" + port);
    return skillmix(args, log);
  }

  /** {@code skillmix ARGS} in a JVM of its own, as scripts/skillmix starts it; output to {@code log}. */
  static Process skillmix(List<String> args, Path log) throws IOException {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx1g", "-Dai.djl.offline=true", "-Djava.awt.headless=true",
        "-Dai.djl.pytorch.num_threads=" + System.getProperty("ai.djl.pytorch.num_threads", "1"),
        "-Dai.djl.pytorch.num_interop_threads=1",
        "-cp", classPath(), "io.skillmix.cli.Main"));
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    builder.environment().put("OPT_OUT_TRACKING", "true");
    return builder.start();
  }

  /** Lines of {@code file} so far (none while it does not exist). */
  static List<String> lines(Path file) throws IOException {
    return Files.exists(file) ? Files.readAllLines(file) : List.of();
  }

  /** The test class path; surefire may hide it behind a manifest-only jar. */
  static String classPath() throws IOException {
    return io.skillmix.compare.ChildJvm.classPath();
  }

  static int[] freePorts(int n) throws IOException {
    int[] ports = new int[n];
    List<ServerSocket> sockets = new ArrayList<>();
    try {
      for (int i = 0; i < n; i++) {
        ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
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
