package io.skillmix.cluster;

import io.skillmix.CrossNode;
import org.apache.pekko.stream.SourceRef;

/**
 * A parameter snapshot ready to be pulled from another node: its size and digest, and a stream
 * of its chunks. The receiver pulls them at its own pace ({@link SnapshotTransfer#receive}); the
 * stream must be pulled within Pekko's stream-ref subscription timeout (30 s by default).
 */
public record SnapshotOffer(long version, int chunkCount, int chunkBytes, long totalBytes,
    String sha256, SourceRef<SnapshotChunk> chunks) implements CrossNode {}
