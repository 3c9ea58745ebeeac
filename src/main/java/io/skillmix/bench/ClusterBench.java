package io.skillmix.bench;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.skillmix.cluster.SnapshotDtype;
import io.skillmix.cluster.SnapshotOffer;
import io.skillmix.cluster.SnapshotService;
import io.skillmix.model.ParameterSnapshot;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
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
 * {@code scripts/bench cluster}: parameter-snapshot transfer between two JVMs on 127.0.0.1, the way
 * a learner node feeds an evaluator node (a {@link SnapshotOffer} over Artery, then the values
 * fetched on a connection of their own, CRC32C-checked, into fresh arrays), beside the limit
 * measured in the same run: the same number of bytes between the same two JVMs over a plain TCP
 * socket, written from and read into direct buffers with nothing else done. The receiving JVM is a
 * child of this one; each transfer is timed from the offer (or the connect) to the receiver's line
 * that it has every byte.
 */
final class ClusterBench {

  /** Parameter counts of the two snapshot sizes the issue names. */
  private static final long[] SIZES = {10_000_000L, 100_000_000L};
  private static final int TENSOR_FLOATS = 4_000_000;
  private static final int RAW_BUFFER = 4 << 20;

  private ClusterBench() {}

  static String run(BenchOptions options) throws Exception {
    int rounds = options.rounds(3);
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "bench-sender", remote());
    SnapshotService service = SnapshotService.Id.get(system);
    Process receiver = new ProcessBuilder(List.of(
        ProcessHandle.current().info().command().orElse("java"), "-Xmx3g",
        "-cp", System.getProperty("java.class.path"), ClusterBench.class.getName()))
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    StringBuilder table = new StringBuilder(String.format(Locale.ROOT,
        "Snapshot transfer between two JVMs on 127.0.0.1: the offer over Artery TCP, the values on a connection of"
            + " their own (CRC32C per 1 MiB chunk, decoded into fresh float arrays), against the TCP limit measured in"
            + " the same run (the same bytes over a plain socket between the same two JVMs, direct buffers, nothing"
            + " else done). One warm-up transfer of each kind, then %d timed; medians.%n%n"
            + "| parameters | dtype | wire MB | MB/s (min – max) | TCP limit MB/s | ratio | seconds | parameter MB/s |%n"
            + "|---:|---|---:|---:|---:|---:|---:|---:|%n", rounds));
    try (BufferedReader out = new BufferedReader(new InputStreamReader(receiver.getInputStream(),
        StandardCharsets.UTF_8))) {
      // Printed by two threads of the receiver: in either order.
      String address = null;
      int rawPort = -1;
      while (address == null || rawPort < 0) {
        String line = awaitLine(out, "");
        if (line.startsWith("ADDRESS ")) {
          address = line.substring(8);
        } else if (line.startsWith("RAW ")) {
          rawPort = Integer.parseInt(line.substring(4));
        }
      }
      ActorRef<SnapshotOffer> remote = ActorRefResolver.get(system).resolveActorRef(address);
      for (long parameters : SIZES) {
        ParameterSnapshot snapshot = snapshot(parameters);
        for (SnapshotDtype dtype : SnapshotDtype.values()) {
          long bytes = parameters * dtype.bytes();
          double[] limit = new double[rounds];
          double[] ours = new double[rounds];
          double[] seconds = new double[rounds];
          for (int round = -1; round < rounds; round++) {
            double raw = rawTransfer(rawPort, bytes, out);
            long start = System.nanoTime();
            SnapshotOffer offer = service.offer(snapshot, dtype);
            remote.tell(offer);
            String done = awaitLine(out, "DONE ");
            double s = (System.nanoTime() - start) / 1e9;
            service.withdraw(offer);
            if (!done.equals(offer.version() + " " + parameters)) {
              throw new IllegalStateException("the receiver rebuilt '" + done + "', expected version "
                  + offer.version() + " with " + parameters + " values");
            }
            if (round >= 0) {
              limit[round] = bytes / 1e6 / raw;
              ours[round] = bytes / 1e6 / s;
              seconds[round] = s;
              System.out.printf(Locale.ROOT, "  %,d parameters %s, round %d: %.3f s, %.0f MB/s (TCP limit %.0f MB/s)%n",
                  parameters, dtype.key(), round + 1, s, ours[round], limit[round]);
            }
          }
          double[] sorted = ours.clone();
          Arrays.sort(sorted);
          table.append(String.format(Locale.ROOT, "| %,d | %s | %.0f | %.0f (%.0f – %.0f) | %.0f | %.2f | %.3f | %.0f |%n",
              parameters, dtype.key(), bytes / 1e6, median(ours), sorted[0], sorted[sorted.length - 1], median(limit),
              median(ours) / median(limit), median(seconds), 4 * parameters / 1e6 / median(seconds)));
        }
      }
    } finally {
      receiver.destroy();
      system.terminate();
    }
    return table.append(String.format(Locale.ROOT, "%nratio: snapshot MB/s over the TCP limit's (1.00: as fast as the"
        + " socket). parameter MB/s: the F32 bytes of the parameters moved per second (bf16 sends half of them).%n"))
        .toString();
  }

  /** {@code bytes} over a plain socket to the receiver, as fast as it goes: seconds until it has them all. */
  private static double rawTransfer(int port, long bytes, BufferedReader out) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocateDirect(RAW_BUFFER);
    SplittableRandom random = new SplittableRandom(bytes);
    while (buffer.hasRemaining()) {
      buffer.put((byte) random.nextInt());
    }
    long start = System.nanoTime();
    try (SocketChannel channel = SocketChannel.open(new InetSocketAddress("127.0.0.1", port))) {
      ByteBuffer size = ByteBuffer.allocate(8).putLong(bytes).flip();
      channel.write(size);
      for (long sent = 0; sent < bytes; ) {
        buffer.clear().limit((int) Math.min(RAW_BUFFER, bytes - sent));
        while (buffer.hasRemaining()) {
          sent += channel.write(buffer);
        }
      }
      String done = awaitLine(out, "RAWDONE ");
      if (Long.parseLong(done) != bytes) {
        throw new IllegalStateException("the receiver read " + done + " bytes of " + bytes);
      }
    }
    return (System.nanoTime() - start) / 1e9;
  }

  /**
   * The receiving JVM: prints its puller's address and its raw port, then one line per snapshot it
   * rebuilt whole and per raw transfer it read whole.
   */
  public static void main(String[] args) throws Exception {
    ActorSystem<Void> system = ActorSystem.create(Behaviors.setup(context -> {
      ActorRef<SnapshotOffer> puller = context.spawn(puller(), "puller");
      report("ADDRESS " + ActorRefResolver.get(context.getSystem()).toSerializationFormat(puller));
      return Behaviors.empty();
    }), "bench-receiver", remote());
    try (ServerSocketChannel server = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
      report("RAW " + ((InetSocketAddress) server.getLocalAddress()).getPort());
      ByteBuffer buffer = ByteBuffer.allocateDirect(RAW_BUFFER);
      while (true) {
        try (SocketChannel channel = server.accept()) {
          ByteBuffer size = ByteBuffer.allocate(8);
          while (size.hasRemaining() && channel.read(size) >= 0) {
            // the announced size first
          }
          long expected = size.flip().getLong();
          long read = 0;
          while (read < expected) {
            buffer.clear();
            int n = channel.read(buffer);
            if (n < 0) {
              break;
            }
            read += n;
          }
          report("RAWDONE " + read);
        }
      }
    } finally {
      system.terminate();
    }
  }

  private static Behavior<SnapshotOffer> puller() {
    return Behaviors.setup(context -> {
      SnapshotService service = SnapshotService.Id.get(context.getSystem());
      return Behaviors.receiveMessage(offer -> {
        // Off the actor's thread, as an evaluator node fetches.
        Thread fetch = new Thread(() -> {
          try {
            ParameterSnapshot snapshot = service.fetch(offer);
            report("DONE " + snapshot.version() + " " + snapshot.floatCount());
          } catch (RuntimeException e) {
            report("FAILED " + e.getMessage());
          }
        }, "bench-fetch");
        fetch.start();
        return Behaviors.same();
      });
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
