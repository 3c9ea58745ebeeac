package io.skillmix.cluster;

/**
 * An exception that happened on another node, carried as text: its class name, message and stack
 * trace. Exceptions themselves are never serialized (their classes need not exist on this node and
 * Java serialization is off); a {@link io.skillmix.UserError} comes back as a {@code UserError}.
 */
public final class RemoteFailure extends RuntimeException {

  private final String remoteClass;
  private final String remoteMessage;
  private final String remoteStackTrace;

  public RemoteFailure(String remoteClass, String remoteMessage, String remoteStackTrace) {
    super(remoteClass + (remoteMessage == null ? "" : ": " + remoteMessage), null, false, false);
    this.remoteClass = remoteClass;
    this.remoteMessage = remoteMessage;
    this.remoteStackTrace = remoteStackTrace;
  }

  /** The class name of the exception on the other node. */
  public String remoteClass() {
    return remoteClass;
  }

  /** Its message, or {@code null} if it had none. */
  public String remoteMessage() {
    return remoteMessage;
  }

  /** Its stack trace with causes, as the other node printed it. */
  public String remoteStackTrace() {
    return remoteStackTrace;
  }
}
