package io.skillmix.run;

/**
 * A run that ended because one of its actors failed or stopped: the message is one line naming the
 * actor, the last complete checkpoint and how to resume. Not the user's mistake (exit 1), but not
 * an internal error either: the command line prints the line without a stack trace.
 */
public final class RunFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public RunFailure(String message) {
    super(message);
  }
}
