package io.skillmix.cli;

import picocli.CommandLine.Command;

/** {@code skillmix data}: placeholder until its issue lands. */
@Command(name = "data", description = "(not yet available)")
public final class DataCommand implements Runnable {
  @Override
  public void run() {
    throw new io.skillmix.UserError("'skillmix data' is not available in this build yet");
  }
}
