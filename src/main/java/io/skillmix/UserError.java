package io.skillmix;

/**
 * A mistake the user can fix: a missing file, a bad config key, a malformed record.
 *
 * <p>The CLI prints the message as one line (no stack trace unless {@code --debug}) and exits with
 * code 2. The message names the file, line or key and says what to do.
 */
public final class UserError extends RuntimeException {

  public UserError(String message) {
    super(message);
  }

  public UserError(String message, Throwable cause) {
    super(message, cause);
  }
}
