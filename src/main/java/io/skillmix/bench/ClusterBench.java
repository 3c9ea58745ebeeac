package io.skillmix.bench;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.skillmix.cluster.ClusterSettings;
import io.skillmix.cluster.SnapshotOffer;
import io.skillmix.cluster.SnapshotTransfer;
import io.skillmix.model.ParameterSnapshot;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * {@code scripts/bench cluster}: parameter-snapshot transfer between two JVMs over Artery on
 * 127.0.0.1, the way a learner node feeds a remote evaluator (a {@link SnapshotOffer} message, then
 * the chunks pulled through its StreamRef, checksummed and reassembled). The receiving JVM is a
 * child process of this one; each transfer is timed from the offer to the receiver's report that
 * the snapshot is whole.
 */
final class ClusterBench {

  /** Parameter counts of the two snapshot sizes the issue names. */
  private static final long[] SIZES = {10_000_000L, 100_000_000L};
  private static final int TENSOR_FLOATS = 4_000_000;

  private ClusterBench() {}

  static String run(BenchOptions options) throws Exception {
    int rounds = options.rounds(3);
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "bench-sender", remote());
    Process receiver = new ProcessBuilder(List.of(
        ProcessHandle.current().info().command().orElse("java"), "-Xmx3g",
        "-cp", System.getProperty("java.class.path"), ClusterBench.class.getName()))
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    StringBuilder table = new StringBuilder(String.format(Locale.ROOT,
        "Snapshot transfer between two JVMs over Artery TCP on 127.0.0.1: one warm-up transfer, then %d"
            + " timed; encoding, SHA-256 and CRC checks and reassembly included.%n%n"
            + "| parameters | MB | chunks × KiB | MB/s (median) | MB/s (min – max) | seconds (median) |%n"
            + "|---:|---:|---:|---:|---:|---:|%n", rounds));
    try (BufferedReader out = new BufferedReader(new InputStreamReader(receiver.getInputStream(),
        StandardCharsets.UTF_8))) {
      String address = awaitLine(out, "ADDRESS ");
      ActorRef<SnapshotOffer> remote = ActorRefResolver.get(system).resolveActorRef(address);
      int chunkBytes = ClusterSettings.from(system.settings().config()).snapshotChunkBytes();
      for (long parameters : SIZES) {
        ParameterSnapshot snapshot = snapshot(parameters);
        double[] mbPerSecond = new double[rounds];
        double[] seconds = new double[rounds];
        SnapshotOffer offer = null;
        for (int round = -1; round < rounds; round++) {
          long start = System.nanoTime();
          offer = SnapshotTransfer.offer(snapshot, chunkBytes, system);
          remote.tell(offer);
          String done = awaitLine(out, "DONE ");
          double s = (System.nanoTime() - start) / 1e9;
          if (!done.equals(offer.version() + " " + parameters)) {
            throw new IllegalStateException("the receiver rebuilt '" + done + "', expected version "
                + offer.version() + " with " + parameters + " floats");
          }
          if (round >= 0) {
            seconds[round] = s;
            mbPerSecond[round] = offer.totalBytes() / 1e6 / s;
            System.out.printf(Locale.ROOT, "  %,d parameters, round %d: %.2f s, %.1f MB/s%n", parameters,
                round + 1, s, mbPerSecond[round]);
          }
        }
        double[] sorted = mbPerSecond.clone();
        Arrays.sort(sorted);
        table.append(String.format(Locale.ROOT, "| %,d | %.0f | %d × %d | %.1f | %.1f – %.1f | %.2f |%n",
            parameters, offer.totalBytes() / 1e6, offer.chunkCount(), chunkBytes / 1024, median(mbPerSecond),
            sorted[0], sorted[sorted.length - 1], median(seconds)));
      }
    } finally {
      receiver.destroy();
      system.terminate();
    }
    return table.append(String.format(Locale.ROOT, "%nThe learner's step time with the evaluator remote"
        + " against local is not measured here yet: compare `scripts/cluster-local` with `scripts/skillmix"
        + " train` on the same settings.%n")).toString();
  }

  /** The receiving JVM: prints its puller's address, then one line per snapshot it rebuilt whole. */
  public static void main(String[] args) throws Exception {
    ActorSystem<Void> system = ActorSystem.create(Behaviors.setup(context -> {
      ActorRef<SnapshotOffer> puller = context.spawn(puller(), "puller");
      report("ADDRESS " + ActorRefResolver.get(context.getSystem()).toSerializationFormat(puller));
      return Behaviors.empty();
    }), "bench-receiver", remote());
    system.getWhenTerminated().toCompletableFuture().get();
  }

  private static Behavior<SnapshotOffer> puller() {
    return Behaviors.receive((context, offer) -> {
      SnapshotTransfer.receive(offer, context.getSystem()).whenComplete((snapshot, error) ->
          report(error != null ? "FAILED " + error : "DONE " + snapshot.version() + " " + snapshot.floatCount()));
      return Behaviors.same();
    });
  }

  private static synchronized void report(String line) {
    System.out.println(line);
    System.out.flush();
  }

  private static Config remote() {
    return ConfigFactory.parseString("""
        pekko.actor.provider = remote
        pekko.remote.artery.canonical.hostname = "127.0.0.1"
        pekko.remote.artery.canonical.port = 0
        pekko.loglevel = WARNING
        """).withFallback(ConfigFactory.load());
  }

  /** Reads the receiver's output up to the next line starting with {@code prefix}; returns the rest of it. */
  private static String awaitLine(BufferedReader out, String prefix) throws IOException {
    for (String line = out.readLine(); line != null; line = out.readLine()) {
      if (line.startsWith(prefix)) {
        return line.substring(prefix.length());
      }
      if (line.startsWith("FAILED ")) {
        throw new IllegalStateException("the receiving JVM could not rebuild the snapshot: " + line.substring(7));
      }
    }
    throw new IllegalStateException("the receiving JVM ended before it printed '" + prefix.strip() + "'");
  }

  /** Random floats in tensors of 4M, named like a model's. */
  private static ParameterSnapshot snapshot(long parameters) {
    SplittableRandom random = new SplittableRandom(parameters);
    Map<String, float[]> weights = new LinkedHashMap<>();
    for (long done = 0; done < parameters; done += TENSOR_FLOATS) {
      float[] values = new float[(int) Math.min(TENSOR_FLOATS, parameters - done)];
      for (int i = 0; i < values.length; i++) {
        values[i] = (float) random.nextGaussian();
      }
      weights.put("model.layers." + weights.size() + ".weight", values);
    }
    return new ParameterSnapshot(parameters / 1_000_000, weights);
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }
}
