package io.skillmix.cli;

import picocli.CommandLine.Command;

/** {@code skillmix model}: placeholder until its issue lands. */
@Command(name = "model", description = "(not yet available)")
public final class ModelCommand implements Runnable {
  @Override
  public void run() {
    throw new io.skillmix.UserError("'skillmix model' is not available in this build yet");
  }
}
