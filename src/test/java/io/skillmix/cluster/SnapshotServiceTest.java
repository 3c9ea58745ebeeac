package io.skillmix.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.skillmix.model.ParameterSnapshot;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Snapshots over their own connection ({@link SnapshotService}): exact in f32, widened from bf16
 * as {@link SnapshotDtype} rounds, and never half-received: a stream cut off half-way or damaged on
 * the way (a proxy between the two spoils the first connections) is tried again and arrives whole,
 * and one that is spoilt every time fails cleanly, naming why.
 */
class SnapshotServiceTest {

  private static final Config PLAIN = ConfigFactory.parseString("cluster.snapshot-chunk-bytes = 4 KiB")
      .withFallback(ConfigFactory.load());
  private static final ActorTestKit sender = ActorTestKit.create("sender", PLAIN);
  private static final ActorTestKit receiver = ActorTestKit.create("receiver", PLAIN);

  @AfterAll
  static void shutdown() {
    sender.shutdownTestKit();
    receiver.shutdownTestKit();
  }

  /** Three tensors, one empty, with values bf16 must round (and a NaN, an infinity, a subnormal). */
  static ParameterSnapshot snapshot(long version) {
    SplittableRandom random = new SplittableRandom(version);
    Map<String, float[]> weights = new LinkedHashMap<>();
    float[] big = new float[40_000];
    for (int i = 0; i < big.length; i++) {
      big[i] = (float) random.nextGaussian();
    }
    big[0] = Float.NaN;
    big[1] = Float.NEGATIVE_INFINITY;
    big[2] = Float.MIN_VALUE;
    weights.put("model.embed_tokens.weight", big);
    weights.put("model.norm.weight", new float[0]);
    weights.put("lm_head.weight", new float[] {1.0f, -2.5f, 3.0000002f});
    return new ParameterSnapshot(version, weights);
  }

  private static SnapshotService service(ActorTestKit kit) {
    return SnapshotService.Id.get(kit.system());
  }

  @Test
  void f32ArrivesBitForBit() {
    ParameterSnapshot sent = snapshot(7);
    SnapshotOffer offer = service(sender).offer(sent, SnapshotDtype.F32);
    assertEquals(sent.floatCount() * 4, offer.wireBytes());
    ParameterSnapshot got = service(receiver).fetch(offer);
    assertEquals(7, got.version());
    assertEquals(sent.weights().keySet(), got.weights().keySet());
    sent.weights().forEach((name, values) -> assertArrayEquals(values, got.weights().get(name), name));
  }

  @Test
  void bf16SendsHalfTheBytesAndWidensAsItRounds() {
    ParameterSnapshot sent = snapshot(8);
    SnapshotOffer offer = service(sender).offer(sent, SnapshotDtype.BF16);
    assertEquals(sent.floatCount() * 2, offer.wireBytes());
    ParameterSnapshot got = service(receiver).fetch(offer);
    sent.weights().forEach((name, values) -> {
      float[] widened = got.weights().get(name);
      for (int i = 0; i < values.length; i++) {
        assertEquals(SnapshotDtype.fromBf16(SnapshotDtype.toBf16(values[i])), widened[i], 0, name + "[" + i + "]");
        if (Float.isFinite(values[i]) && Math.abs(values[i]) >= Float.MIN_NORMAL) {
          // 8 bits of mantissa, rounded to nearest: within 2^-9 of the value, relatively
          assertTrue(Math.abs(widened[i] - values[i]) <= Math.abs(values[i]) * 0x1p-8, name + "[" + i + "]");
        }
      }
    });
    assertTrue(Float.isNaN(got.weights().get("model.embed_tokens.weight")[0]));
    assertEquals(Float.NEGATIVE_INFINITY, got.weights().get("model.embed_tokens.weight")[1]);
  }

  @Test
  void bf16RoundsToNearestEven() {
    assertEquals(1.0f, SnapshotDtype.fromBf16(SnapshotDtype.toBf16(1.0f + 0x1p-8f)), 0); // a tie: to even
    assertEquals(1.0f + 0x1p-7f, SnapshotDtype.fromBf16(SnapshotDtype.toBf16(1.0f + 0x1.8p-8f)), 0);
    assertEquals(1.0f + 0x1p-6f, SnapshotDtype.fromBf16(SnapshotDtype.toBf16(1.0f + 0x1.8p-7f)), 0); // tie: to even
    // A NaN whose payload would carry into the sign or an infinity stays a NaN.
    assertTrue(Float.isNaN(SnapshotDtype.fromBf16(SnapshotDtype.toBf16(Float.intBitsToFloat(0x7fffffff)))));
    assertTrue(Float.isNaN(SnapshotDtype.fromBf16(SnapshotDtype.toBf16(Float.intBitsToFloat(0xffffffff)))));
    assertEquals(Float.POSITIVE_INFINITY, SnapshotDtype.fromBf16(SnapshotDtype.toBf16(Float.MAX_VALUE)), 0);
  }

  @Test
  void aTransferCutOffHalfWayIsTriedAgainAndArrivesWhole() throws Exception {
    ParameterSnapshot sent = snapshot(9);
    SnapshotOffer offer = service(sender).offer(sent, SnapshotDtype.F32);
    try (Proxy proxy = new Proxy(offer.port(), 1, offer.wireBytes() / 2, -1)) {
      ParameterSnapshot got = service(receiver).fetch(proxy.offer(offer));
      assertEquals(2, proxy.connections.get(), "one cut connection, then a whole one");
      sent.weights().forEach((name, values) -> assertArrayEquals(values, got.weights().get(name), name));
    }
  }

  @Test
  void aDamagedTransferIsCaughtByItsChecksumAndTriedAgain() throws Exception {
    ParameterSnapshot sent = snapshot(10);
    SnapshotOffer offer = service(sender).offer(sent, SnapshotDtype.F32);
    try (Proxy proxy = new Proxy(offer.port(), 1, -1, offer.wireBytes() / 3)) {
      ParameterSnapshot got = service(receiver).fetch(proxy.offer(offer));
      assertEquals(2, proxy.connections.get());
      sent.weights().forEach((name, values) -> assertArrayEquals(values, got.weights().get(name), name));
    }
  }

  @Test
  void aTransferCutEveryTimeFailsCleanly() throws Exception {
    SnapshotOffer offer = service(sender).offer(snapshot(11), SnapshotDtype.F32);
    try (Proxy proxy = new Proxy(offer.port(), Integer.MAX_VALUE, offer.wireBytes() / 2, -1)) {
      SnapshotTransferException e = assertThrows(SnapshotTransferException.class,
          () -> service(receiver).fetch(proxy.offer(offer)));
      assertTrue(e.getMessage().contains("snapshot v11") && e.getMessage().contains("(3 tries)"), e.getMessage());
      assertEquals(3, proxy.connections.get(), "cluster.snapshot-retries = 2: three tries in all");
    }
  }

  @Test
  void aWithdrawnOfferFailsAtOnceWithoutRetries() {
    SnapshotOffer offer = service(sender).offer(snapshot(12), SnapshotDtype.F32);
    service(sender).withdraw(offer);
    SnapshotTransferException e = assertThrows(SnapshotTransferException.class, () -> service(receiver).fetch(offer));
    assertTrue(e.getMessage().contains("is no longer offered"), e.getMessage());
    assertFalse(e.retryable());
  }

  /**
   * A TCP proxy on 127.0.0.1 in front of the sender's port that spoils the first {@code spoilt}
   * connections: it cuts the answer after {@code cutAt} bytes, or flips one bit at {@code flipAt}.
   */
  static final class Proxy implements AutoCloseable {
    final AtomicInteger connections = new AtomicInteger();
    private final ServerSocket server;

    Proxy(int target, int spoilt, long cutAt, long flipAt) throws IOException {
      server = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
      Thread accept = new Thread(() -> {
        while (!server.isClosed()) {
          try {
            Socket client = server.accept();
            boolean spoil = connections.incrementAndGet() <= spoilt;
            Socket upstream = new Socket(InetAddress.getLoopbackAddress(), target);
            pump(client.getInputStream(), upstream.getOutputStream(), -1, -1, upstream, client);
            pump(upstream.getInputStream(), client.getOutputStream(), spoil ? cutAt : -1, spoil ? flipAt : -1, client,
                upstream);
          } catch (IOException closed) {
            return;
          }
        }
      }, "test-proxy");
      accept.setDaemon(true);
      accept.start();
    }

    SnapshotOffer offer(SnapshotOffer real) {
      return new SnapshotOffer(real.version(), real.host(), server.getLocalPort(), real.token(), real.values(),
          real.dtype(), real.tls());
    }

    private static void pump(InputStream in, OutputStream out, long cutAt, long flipAt, Socket one, Socket other) {
      Thread thread = new Thread(() -> {
        byte[] buffer = new byte[8192];
        long at = 0;
        try (one; other) {
          for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
            if (flipAt >= at && flipAt < at + n) {
              buffer[(int) (flipAt - at)] ^= 0x10;
            }
            if (cutAt >= 0 && at + n >= cutAt) {
              out.write(buffer, 0, (int) (cutAt - at));
              out.flush();
              return; // closing the socket cuts the transfer here
            }
            out.write(buffer, 0, n);
            at += n;
          }
        } catch (IOException ended) {
          // one side closed: so does the other
        }
      }, "test-proxy-pump");
      thread.setDaemon(true);
      thread.start();
    }

    @Override
    public void close() throws IOException {
      server.close();
    }
  }
}
