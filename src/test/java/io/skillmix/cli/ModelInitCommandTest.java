package io.skillmix.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skillmix.cli.CliRun.Result;
import io.skillmix.output.TreeHash;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code model init --out}: {@code --overwrite} replaces only an earlier init (issue 23 #5, #25, #26). */
class ModelInitCommandTest {

  @TempDir Path dir;

  private static void assertRefused(Result r, String expected) {
    assertEquals(2, r.code(), r.out() + r.err());
    assertTrue(r.err().contains(expected), r.err());
  }

  @Test
  void overwriteReplacesAnEarlierInitAndForceIsItsDeprecatedAlias() throws IOException {
    Path out = dir.resolve("tiny");
    Result first = CliRun.run("model", "init", "--out", out.toString(), "--seed", "1");
    assertEquals(0, first.code(), first.err());
    assertEquals("", first.err(), "no deprecation note without --force");
    assertEquals("skillmix model init\n", Files.readString(out.resolve(".skillmix-output")));
    byte[] weights = Files.readAllBytes(out.resolve("model.safetensors"));
    String before = TreeHash.of(dir);
    assertRefused(CliRun.run("model", "init", "--out", out.toString(), "--seed", "2"), "pass --overwrite");
    assertEquals(before, TreeHash.of(dir));

    Result again = CliRun.run("model", "init", "--out", out.toString(), "--seed", "2", "--overwrite");
    assertEquals(0, again.code(), again.err());
    byte[] second = Files.readAllBytes(out.resolve("model.safetensors"));
    assertNotEquals(TreeHash.of(dir), before);
    assertFalse(java.util.Arrays.equals(weights, second));

    Result forced = CliRun.run("model", "init", "--out", out.toString(), "--seed", "3", "--force");
    assertEquals(0, forced.code(), forced.err());
    assertTrue(forced.err().contains("--force is deprecated; use --overwrite"), forced.err());
  }

  @Test
  void overwriteLeavesAFolderInitDidNotWrite() throws IOException {
    Path mine = Files.createDirectories(dir.resolve("mine"));
    Files.writeString(mine.resolve("config.json"), "{\"model_type\": \"llama\"}");
    Files.writeString(mine.resolve("model.safetensors"), "weights of a real model");
    String before = TreeHash.of(dir);
    assertRefused(CliRun.run("model", "init", "--out", mine.toString(), "--overwrite"),
        "not an earlier output of skillmix model init");
    assertRefused(CliRun.run("model", "init", "--out", mine.toString(), "--force"),
        "not an earlier output of skillmix model init");
    assertEquals(before, TreeHash.of(dir));
  }

  @Test
  void anUnknownPresetNamesTheKnownOnes() {
    Result r = CliRun.run("model", "init", "--preset", "foo", "--out", dir.resolve("x").toString());
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("tiny, small"), r.err());
    assertFalse(r.err().contains("model.path"), r.err());
    assertFalse(Files.exists(dir.resolve("x")));
  }
}
