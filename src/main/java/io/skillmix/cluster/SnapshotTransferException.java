package io.skillmix.cluster;

/** A snapshot transfer that cannot be trusted: a chunk missing, repeated, damaged or foreign. */
public final class SnapshotTransferException extends RuntimeException {

  public SnapshotTransferException(String message) {
    super(message);
  }
}
