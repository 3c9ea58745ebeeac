package io.skillmix.cluster;

import io.skillmix.model.ParameterSnapshot;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.stream.SourceRef;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.javadsl.StreamRefs;

/**
 * Moves a parameter snapshot between nodes as a stream of chunks with back-pressure (a Pekko
 * {@link SourceRef}), never as one oversized frame: the sender encodes a chunk only when the
 * receiver asks for more, so at most the stream ref's buffer (32 chunks) is in flight.
 */
public final class SnapshotTransfer {

  private SnapshotTransfer() {}

  /**
   * Offers {@code snapshot} for pulling; send the offer to the receiver, which must call
   * {@link #receive} within the stream-ref subscription timeout.
   */
  public static SnapshotOffer offer(ParameterSnapshot snapshot, int chunkBytes, ActorSystem<?> system) {
    SnapshotChunks chunks = SnapshotChunks.of(snapshot, chunkBytes);
    SourceRef<SnapshotChunk> ref = Source.fromIterator(chunks::iterator)
        .runWith(StreamRefs.sourceRef(), system);
    return new SnapshotOffer(chunks.version(), chunks.count(), chunks.chunkBytes(), chunks.totalBytes(),
        chunks.sha256(), ref);
  }

  /**
   * Pulls the offered chunks and rebuilds the snapshot; completes exceptionally with a
   * {@link SnapshotTransferException} if the set is incomplete or damaged, or with the stream's
   * error if the sender went away.
   */
  public static CompletionStage<ParameterSnapshot> receive(SnapshotOffer offer, ActorSystem<?> system) {
    SnapshotAssembler assembler = new SnapshotAssembler(offer);
    return offer.chunks().getSource()
        .runWith(Sink.foreach(assembler::accept), system)
        .thenApply(done -> assembler.assemble());
  }
}
