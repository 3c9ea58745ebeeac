package io.skillmix.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Runs the command line as a user does ({@link Main#execute}), capturing what it prints. */
public final class CliRun {

  private CliRun() {}

  /** Exit code, standard output and standard error of one command. */
  public record Result(int code, String out, String err) {}

  public static Result run(String... args) {
    return withInput("", args);
  }

  /** As {@link #run}, with {@code stdin} as standard input. */
  public static Result withInput(String stdin, String... args) {
    return withStream(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), args);
  }

  /** As {@link #run}, with {@code stdin} as standard input (an endless stream, say). */
  public static synchronized Result withStream(InputStream stdin, String... args) {
    InputStream oldIn = System.in;
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      System.setIn(stdin);
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      int code = Main.execute(args);
      return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setIn(oldIn);
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }
}
