package io.skillmix.cluster;

import io.skillmix.CrossNode;

/**
 * A parameter snapshot that another node may fetch from this one ({@link SnapshotService#fetch}):
 * where its stream is served, the one-time token that names it there, and what the stream must hold.
 * The offer itself is a small Artery message; the values travel on a connection of their own.
 *
 * @param values the number of parameter values (the stream holds {@code values × dtype.bytes()} bytes)
 * @param tls whether the stream is served over TLS (it is when Artery runs {@code tls-tcp})
 */
public record SnapshotOffer(long version, String host, int port, String token, long values, SnapshotDtype dtype,
    boolean tls) implements CrossNode {

  /** Bytes of values on the wire. */
  public long wireBytes() {
    return values * dtype.bytes();
  }
}
