package io.skillmix.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** A mistake a user can fix ends in one line on stderr and exit code 2, no stack trace. */
class UserErrorsTest {

  private record Result(int code, String err) {}

  private static Result run(String... args) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    CommandLine cl = Main.commandLine();
    cl.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
    cl.setOut(new PrintWriter(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    int code = cl.execute(args);
    return new Result(code, err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void aMissingConfigFileIsOneLine() {
    Result r = run("train", "missing.conf");
    assertEquals(2, r.code());
    assertEquals("skillmix: missing.conf: config file not found; pass an existing .conf, .yaml or .yml file\n", r.err());
  }

  @Test
  void anUnknownKeyNamesTheClosestOne() {
    Result r = run("train", "mix.methd=uni");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("unknown key 'mix.methd'") && r.err().contains("did you mean 'mix.method'"), r.err());
    assertEquals(1, r.err().lines().count(), r.err());
  }

  @Test
  void aBadValueNamesTheKey() {
    Result r = run("train", "mix.apply=sometimes");
    assertEquals(2, r.code());
    assertTrue(r.err().startsWith("skillmix: mix.apply = 'sometimes' is not valid"), r.err());
    Result steps = run("train", "train.steps=-3");
    assertEquals(2, steps.code());
    assertTrue(steps.err().contains("train.steps = -3 must be positive"), steps.err());
    Result type = run("train", "train.steps=many");
    assertEquals(2, type.code());
    assertTrue(type.err().contains("train.steps"), type.err());
  }

  /**
   * Issue 33 E12: a value a config takes from the environment ({@code seed = ${KEYSTORE_PASSWORD}})
   * is masked in the error line the command prints; before, the line quoted it.
   */
  @Test
  void aValueFromTheEnvironmentIsNotPrintedInTheErrorLine() {
    String path = System.getenv("PATH");
    Result r = run("train", "seed=${PATH}");
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().startsWith("skillmix: seed = '***' is not a whole number"), r.err());
    assertFalse(r.err().contains(path), r.err());
  }

  @Test
  void debugAddsTheStackTrace() {
    Result r = run("--debug", "train", "missing.conf");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("at io.skillmix."), r.err());
  }

  @Test
  void anUnknownCommandOrOptionIsAUsageError() {
    assertEquals(2, run("fly").code());
    assertEquals(2, run("model", "info").code());
  }
}
