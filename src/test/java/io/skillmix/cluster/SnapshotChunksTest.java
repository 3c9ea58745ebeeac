package io.skillmix.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.skillmix.UserError;
import io.skillmix.model.ParameterSnapshot;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SnapshotChunksTest {

  /** Odd sizes and names, so chunk edges fall inside names and tensors. */
  static ParameterSnapshot snapshot(long version, int floats, long seed) {
    Random random = new Random(seed);
    Map<String, float[]> weights = new LinkedHashMap<>();
    int[] sizes = {floats / 2, 7, floats - floats / 2 - 7, 0};
    String[] names = {"model.embed_tokens.weight", "model.norm.weight", "lm_head.wéight", "empty"};
    for (int i = 0; i < sizes.length; i++) {
      float[] w = new float[Math.max(0, sizes[i])];
      for (int j = 0; j < w.length; j++) {
        w[j] = (float) random.nextGaussian();
      }
      weights.put(names[i], w);
    }
    return new ParameterSnapshot(version, weights);
  }

  static void assertSameSnapshot(ParameterSnapshot expected, ParameterSnapshot actual) {
    assertEquals(expected.version(), actual.version());
    assertEquals(List.copyOf(expected.weights().keySet()), List.copyOf(actual.weights().keySet()));
    for (String name : expected.weights().keySet()) {
      assertArrayEquals(expected.weights().get(name), actual.weights().get(name), name);
    }
  }

  private static SnapshotAssembler assemblerFor(SnapshotChunks chunks) {
    return new SnapshotAssembler(chunks.version(), chunks.count(), chunks.chunkBytes(), chunks.totalBytes(),
        chunks.sha256());
  }

  @Test
  void chunksInAnyOrderRebuildTheSnapshot() {
    ParameterSnapshot original = snapshot(300, 10_001, 1);
    SnapshotChunks chunks = SnapshotChunks.of(original, 1001); // rounded down to 1000
    assertEquals(1000, chunks.chunkBytes());
    assertEquals((chunks.totalBytes() + 999) / 1000, chunks.count());
    List<SnapshotChunk> shuffled = new ArrayList<>(chunks.toList());
    Collections.shuffle(shuffled, new Random(3));
    SnapshotAssembler assembler = assemblerFor(chunks);
    for (SnapshotChunk chunk : shuffled) {
      assertTrue(chunk.bytes().length <= 1000);
      assembler.accept(chunk);
    }
    assertTrue(assembler.isComplete());
    assertSameSnapshot(original, assembler.assemble());
  }

  @Test
  void theDigestIsOfTheContent() {
    ParameterSnapshot a = snapshot(5, 999, 1);
    assertEquals(SnapshotChunks.of(a, 256).sha256(), SnapshotChunks.of(snapshot(5, 999, 1), 4096).sha256());
    assertNotEquals(SnapshotChunks.of(a, 256).sha256(), SnapshotChunks.of(snapshot(5, 999, 2), 256).sha256());
    assertEquals(64, SnapshotChunks.of(a, 256).sha256().length());
  }

  @Test
  void anEmptySnapshotIsOneChunk() {
    ParameterSnapshot empty = new ParameterSnapshot(0, Map.of());
    SnapshotChunks chunks = SnapshotChunks.of(empty, 4096);
    assertEquals(1, chunks.count());
    SnapshotAssembler assembler = assemblerFor(chunks);
    chunks.forEach(assembler::accept);
    assertSameSnapshot(empty, assembler.assemble());
  }

  @Test
  void aMissingChunkIsRefused() {
    SnapshotChunks chunks = SnapshotChunks.of(snapshot(7, 5000, 1), 512);
    SnapshotAssembler assembler = assemblerFor(chunks);
    List<SnapshotChunk> all = chunks.toList();
    for (int i = 0; i < all.size(); i++) {
      if (i != 4) {
        assembler.accept(all.get(i));
      }
    }
    SnapshotTransferException e = assertThrows(SnapshotTransferException.class, assembler::assemble);
    assertTrue(e.getMessage().contains("incomplete") && e.getMessage().contains("[4]"), e.getMessage());
  }

  @Test
  void aDuplicateChunkIsRefused() {
    SnapshotChunks chunks = SnapshotChunks.of(snapshot(7, 5000, 1), 512);
    SnapshotAssembler assembler = assemblerFor(chunks);
    SnapshotChunk first = chunks.iterator().next();
    assembler.accept(first);
    SnapshotTransferException e = assertThrows(SnapshotTransferException.class, () -> assembler.accept(first));
    assertTrue(e.getMessage().contains("chunk 0 of") && e.getMessage().contains("twice"), e.getMessage());
  }

  @Test
  void aDamagedChunkIsRefusedOnArrival() {
    SnapshotChunks chunks = SnapshotChunks.of(snapshot(7, 5000, 1), 512);
    SnapshotChunk chunk = chunks.toList().get(3);
    byte[] bytes = chunk.bytes().clone();
    bytes[100] ^= 0x10;
    SnapshotChunk damaged = new SnapshotChunk(chunk.version(), chunk.index(), chunk.count(), chunk.crc32(), bytes);
    SnapshotTransferException e = assertThrows(SnapshotTransferException.class,
        () -> assemblerFor(chunks).accept(damaged));
    assertTrue(e.getMessage().contains("chunk 3 of") && e.getMessage().contains("damaged"), e.getMessage());

    SnapshotChunk truncated = new SnapshotChunk(chunk.version(), chunk.index(), chunk.count(),
        SnapshotChunks.crc32(new byte[10]), new byte[10]);
    e = assertThrows(SnapshotTransferException.class, () -> assemblerFor(chunks).accept(truncated));
    assertTrue(e.getMessage().contains("has 10 bytes, expected 512"), e.getMessage());
  }

  @Test
  void aChunkThatPassesItsCrcButChangesTheWholeFailsTheDigest() {
    SnapshotChunks chunks = SnapshotChunks.of(snapshot(7, 5000, 1), 512);
    SnapshotAssembler assembler = assemblerFor(chunks);
    for (SnapshotChunk chunk : chunks) {
      byte[] bytes = chunk.bytes();
      if (chunk.index() == 2) {
        bytes = bytes.clone();
        bytes[8] ^= 0x01; // a float's low bit: a forged chunk with a matching CRC
      }
      assembler.accept(new SnapshotChunk(chunk.version(), chunk.index(), chunk.count(),
          SnapshotChunks.crc32(bytes), bytes));
    }
    SnapshotTransferException e = assertThrows(SnapshotTransferException.class, assembler::assemble);
    assertTrue(e.getMessage().contains("SHA-256"), e.getMessage());
  }

  @Test
  void aChunkOfAnotherSnapshotIsRefused() {
    SnapshotChunks mine = SnapshotChunks.of(snapshot(7, 5000, 1), 512);
    SnapshotChunk foreign = SnapshotChunks.of(snapshot(8, 5000, 1), 512).iterator().next();
    SnapshotTransferException e = assertThrows(SnapshotTransferException.class,
        () -> assemblerFor(mine).accept(foreign));
    assertTrue(e.getMessage().contains("another transfer"), e.getMessage());
  }

  @Test
  void theChunkSizeComesFromTheConfigAndMustFitAFrame() {
    assertEquals(192 * 1024, ClusterSettings.from(ConfigFactory.load()).snapshotChunkBytes());
    UserError e = assertThrows(UserError.class, () -> ClusterSettings.from(
        ConfigFactory.parseString("cluster.snapshot-chunk-bytes = 1 MiB").withFallback(ConfigFactory.load())));
    assertTrue(e.getMessage().startsWith("cluster.snapshot-chunk-bytes"), e.getMessage());
    e = assertThrows(UserError.class, () -> ClusterSettings.from(
        ConfigFactory.parseString("cluster.snapshot-chunk-bytes = lots").withFallback(ConfigFactory.load())));
    assertTrue(e.getMessage().startsWith("cluster.snapshot-chunk-bytes"), e.getMessage());
  }
}
