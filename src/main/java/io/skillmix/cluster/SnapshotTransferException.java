package io.skillmix.cluster;

/**
 * A snapshot transfer that did not deliver a snapshot that can be trusted: cut off, damaged,
 * foreign, or no longer offered. The receiver builds no replica from it.
 */
public final class SnapshotTransferException extends RuntimeException {

  private final boolean retryable;

  public SnapshotTransferException(String message) {
    this(message, true, null);
  }

  public SnapshotTransferException(String message, boolean retryable, Throwable cause) {
    super(message, cause);
    this.retryable = retryable;
  }

  /** Whether another try may succeed (a cut or damaged stream); not for an offer that is gone. */
  public boolean retryable() {
    return retryable;
  }
}
