package io.skillmix.run;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.io.UncheckedIOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

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
    return node(role, port, config, log, java.util.Map.of());
  }

  /** As above, with {@code env} added to the JVM's environment (a TLS node's keystore). */
  static Process node(String role, int port, List<String> config, Path log, java.util.Map<String, String> env)
      throws IOException {
    List<String> args = new ArrayList<>(List.of("node", "--role", role));
    args.addAll(config);
    args.add("pekko.remote.artery.canonical.port=" + port);
    return skillmix(args, log, env);
  }

  /** {@code skillmix ARGS} in a JVM of its own, as scripts/skillmix starts it; output to {@code log}. */
  static Process skillmix(List<String> args, Path log) throws IOException {
    return skillmix(args, log, java.util.Map.of());
  }

  static Process skillmix(List<String> args, Path log, java.util.Map<String, String> env) throws IOException {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx1g", "-Dai.djl.offline=true", "-Djava.awt.headless=true",
        // The node's own logging (warnings to the console), not the tests' capturing appender.
        "-Dlogback.configurationFile=" + ClassLoader.getSystemResource("logback.xml"),
        "-Dai.djl.pytorch.num_threads=" + System.getProperty("ai.djl.pytorch.num_threads", "1"),
        "-Dai.djl.pytorch.num_interop_threads=1",
        "-cp", classPath(), "io.skillmix.cli.Main"));
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    builder.environment().put("OPT_OUT_TRACKING", "true");
    builder.environment().putAll(env);
    return builder.start();
  }

  /** Lines of {@code file} so far (none while it does not exist). */
  static List<String> lines(Path file) throws IOException {
    return Files.exists(file) ? Files.readAllLines(file) : List.of();
  }

  /**
   * Waits until the lines of {@code file} satisfy {@code ready}, woken by the file system each time
   * the writing process creates or changes a file in that folder (inotify on Linux), not by a
   * sleep. Fails if {@code writer} ends first, or after {@code limit}: a bound for a stuck run, not
   * a measure of speed. A failure shows the end of the writer's {@code log}.
   */
  static void awaitLines(Path file, Predicate<List<String>> ready, Process writer, Path log, Duration limit)
      throws IOException, InterruptedException {
    awaitLines(file, ready, writer.onExit(), () -> "exit " + writer.exitValue(), log, limit);
  }

  /** As above, for a writer in this JVM whose end completes {@code ended}. */
  static void awaitLines(Path file, Predicate<List<String>> ready, java.util.concurrent.CompletableFuture<?> ended,
      java.util.function.Supplier<String> how, Path log, Duration limit) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    try (WatchService watcher = file.getFileSystem().newWatchService()) {
      // The writer ending wakes the wait too: a closed watcher throws out of register and poll.
      ended.whenComplete((done, error) -> closeQuietly(watcher));
      Set<Path> watched = new HashSet<>();
      while (true) {
        // The folder itself, or while it does not exist yet, the nearest folder above it.
        Path folder = file.toAbsolutePath().getParent();
        while (!Files.isDirectory(folder)) {
          folder = folder.getParent();
        }
        if (watched.add(folder)) {
          folder.register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY);
          continue; // look again: it may have changed before the watch began
        }
        List<String> lines = lines(file);
        if (ready.test(lines)) {
          return;
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError(file + " did not get that far within " + limit + ": " + lines
              + "\nits writer's log ends: " + tail(log));
        }
        WatchKey key = watcher.poll(left, TimeUnit.NANOSECONDS);
        if (key != null) {
          key.pollEvents();
          key.reset();
        }
      }
    } catch (ClosedWatchServiceException closed) {
      try {
        ended.get();
      } catch (java.util.concurrent.ExecutionException e) {
        // said below
      }
      if (ready.test(lines(file))) {
        return;
      }
      throw new AssertionError("the writer ended (" + how.get() + ") before " + file
          + " got that far: " + lines(file) + "\nits log ends: " + tail(log));
    }
  }

  static String tail(Path log) throws IOException {
    String text = Files.exists(log) ? Files.readString(log) : "(no log)";
    return text.substring(Math.max(0, text.length() - 3000));
  }

  private static void closeQuietly(WatchService watcher) {
    try {
      watcher.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
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
