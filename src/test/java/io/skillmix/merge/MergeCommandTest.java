package io.skillmix.merge;

import io.skillmix.cli.CliRun;
import io.skillmix.cli.CliRun.Result;
import static io.skillmix.merge.MergeFixtures.folder;
import static io.skillmix.merge.MergeFixtures.randomTensors;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MergeCommandTest {

  @TempDir Path dir;

  private static Result run(String... args) {
    return CliRun.run(args);
  }

  @Test
  void mergeRunsFromTheCommandLineAndMatchesTheLibrary() throws IOException {
    Path a = folder(dir.resolve("a"), randomTensors(1));
    Path b = folder(dir.resolve("b"), randomTensors(2));
    Path base = folder(dir.resolve("base"), randomTensors(3));
    Path out = dir.resolve("merged");
    Result r = run("merge", "--method", "select-resample", "--base", base.toString(), "--inputs", a.toString(),
        b.toString(), "--out", out.toString(), "--weights", "1,3", "--seed", "17", "--no-progress");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("merged 2 models (select-resample, weights 0.2500,0.7500)"), r.out());
    JsonObject recipe = JsonParser.parseString(Files.readString(out.resolve("merge_recipe.json"))).getAsJsonObject();
    assertEquals(17, recipe.get("seed").getAsLong());
    assertTrue(recipe.get("skillmix_version").getAsString().startsWith("skillmix "), recipe.toString());

    ModelMerger.merge(new MergeRequest(MergeMethod.SELECT_RESAMPLE, List.of(a, b), base, new double[] {0.25, 0.75},
        17, dir.resolve("library"), false), "x", ModelMerger.Progress.NONE);
    Map<String, float[]> viaCli = MergeFixtures.read(out);
    MergeFixtures.read(dir.resolve("library")).forEach((name, v) -> assertArrayEquals(v, viaCli.get(name), name));
  }

  @Test
  void mistakesExitWithCodeTwoAndOneLine() throws IOException {
    Path a = folder(dir.resolve("a"), randomTensors(1));
    Path b = folder(dir.resolve("b"), randomTensors(2));
    Path out = dir.resolve("merged");
    String[][] cases = {
        {"merge", "--method", "select-resample", "--inputs", a.toString(), b.toString(), "--out", out.toString()},
        {"merge", "--method", "median", "--inputs", a.toString(), b.toString(), "--out", out.toString()},
        {"merge", "--method", "average", "--inputs", a.toString(), b.toString(), "--out", out.toString(),
            "--weights", "0.5"},
        {"merge", "--method", "average", "--inputs", a.toString(), b.toString(), "--out", out.toString(),
            "--weights", "0.5,-1"},
        {"merge", "--method", "average", "--inputs", a.toString(), dir.resolve("missing").toString(),
            "--out", out.toString()},
    };
    String[] expected = {"needs --base", "not one of average", "--weights has 1 values for 2",
        "not a finite non-negative", "missing: not a folder"};
    for (int i = 0; i < cases.length; i++) {
      Result r = run(cases[i]);
      assertEquals(2, r.code(), r.err());
      assertTrue(r.err().startsWith("skillmix: ") && r.err().contains(expected[i]), r.err());
      assertEquals(1, r.err().strip().lines().count(), r.err());
      assertFalse(Files.exists(out), "no output for a refused merge");
    }
    Files.createDirectories(out);
    Files.writeString(out.resolve("x"), "x");
    Result busy = run("merge", "--method", "average", "--inputs", a.toString(), b.toString(), "--out", out.toString(),
        "--no-progress");
    assertEquals(2, busy.code());
    assertTrue(busy.err().contains("--overwrite"), busy.err());
    Files.writeString(out.resolve(".skillmix-output"), "skillmix merge\n"); // as an earlier merge leaves it
    assertEquals(0, run("merge", "--method", "average", "--inputs", a.toString(), b.toString(), "--out",
        out.toString(), "--overwrite", "--no-progress").code());
  }
}
