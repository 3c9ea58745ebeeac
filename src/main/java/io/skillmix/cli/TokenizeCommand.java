package io.skillmix.cli;

import picocli.CommandLine.Command;

/** {@code skillmix tokenize}: placeholder until its issue lands. */
@Command(name = "tokenize", description = "(not yet available)")
public final class TokenizeCommand implements Runnable {
  @Override
  public void run() {
    throw new io.skillmix.UserError("'skillmix tokenize' is not available in this build yet");
  }
}
