package io.skillmix.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.skillmix.model.ParameterSnapshot;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two actor systems in one JVM, talking Artery over 127.0.0.1: a ~20 MB snapshot is offered on
 * one, the offer crosses as a Kryo message, and the other pulls the chunks through the SourceRef.
 */
@ExtendWith(LogCapturingExtension.class)
class ClusterSnapshotTransferTest {

  private static final Config REMOTE = ConfigFactory.parseString("""
      pekko.actor.provider = remote
      pekko.remote.artery.canonical.hostname = "127.0.0.1"
      pekko.remote.artery.canonical.port = 0
      """).withFallback(ConfigFactory.load());

  private static final ActorTestKit sender = ActorTestKit.create("sender", REMOTE);
  private static final ActorTestKit receiver = ActorTestKit.create("receiver", REMOTE);

  @AfterAll
  static void shutdown() {
    sender.shutdownTestKit();
    receiver.shutdownTestKit();
  }

  /** On the receiving node: pulls each offered snapshot and hands the result to the test. */
  private static Behavior<SnapshotOffer> puller(CompletableFuture<ParameterSnapshot> result,
      CompletableFuture<SnapshotOffer> offers) {
    return Behaviors.receive((context, offer) -> {
      offers.complete(offer);
      SnapshotTransfer.receive(offer, context.getSystem()).whenComplete((snapshot, error) -> {
        if (error != null) {
          result.completeExceptionally(error);
        } else {
          result.complete(snapshot);
        }
      });
      return Behaviors.same();
    });
  }

  @Test
  void aTwentyMegabyteSnapshotCrossesNodesThroughASourceRef() throws Exception {
    ParameterSnapshot snapshot = SnapshotChunksTest.snapshot(1200, 5_000_000, 11); // 20 MB of floats
    int chunkBytes = ClusterSettings.from(sender.system().settings().config()).snapshotChunkBytes();
    // Twice: the first transfer also opens the Artery connection and warms the JIT.
    for (int round = 1; round <= 2; round++) {
      CompletableFuture<ParameterSnapshot> result = new CompletableFuture<>();
      CompletableFuture<SnapshotOffer> arrived = new CompletableFuture<>();
      ActorRef<SnapshotOffer> local = receiver.spawn(puller(result, arrived), "puller-" + round);
      // The sender knows the puller only by its address, as another node would.
      String address = ActorRefResolver.get(receiver.system()).toSerializationFormat(local);
      assertTrue(address.contains("@127.0.0.1:"), address);
      ActorRef<SnapshotOffer> remote = ActorRefResolver.get(sender.system()).resolveActorRef(address);

      long start = System.nanoTime();
      SnapshotOffer offer = SnapshotTransfer.offer(snapshot, chunkBytes, sender.system());
      remote.tell(offer);
      ParameterSnapshot received = result.get(20, TimeUnit.SECONDS);
      double seconds = (System.nanoTime() - start) / 1e9;

      SnapshotOffer seen = arrived.get();
      assertTrue(seen != offer, "the offer went through serialization");
      assertEquals(offer.sha256(), seen.sha256());
      assertTrue(offer.chunkCount() > 100, "chunked: " + offer.chunkCount());
      SnapshotChunksTest.assertSameSnapshot(snapshot, received);
      assertEquals(offer.sha256(), SnapshotChunks.of(received, chunkBytes).sha256());
      System.out.printf("snapshot transfer %d over Artery on 127.0.0.1: %.1f MB in %d chunks of %d KiB,"
          + " %.2f s, %.1f MB/s (digest, encoding and decoding included)%n", round, offer.totalBytes() / 1e6,
          offer.chunkCount(), chunkBytes / 1024, seconds, offer.totalBytes() / 1e6 / seconds);
    }
  }
}
