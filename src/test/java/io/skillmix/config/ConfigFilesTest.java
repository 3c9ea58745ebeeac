package io.skillmix.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import io.skillmix.UserError;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Config files as untrusted input: YAML beside HOCON, strict includes, bounded nesting, no secrets in messages. */
class ConfigFilesTest {

  @Test
  void aYamlFileIsReadIntoTheSameTree(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("run.yaml");
    Files.writeString(file, """
        # what a LLaMA-Factory user writes
        train:
          steps: 50
          lr: 2e-5
          packing: false
        model.preset: small
        mix:
          method: fixed
          weights: {math: 0.7, nlp: 0.3}
          prior-temperature: .inf
        data:
          datasets:
            - name: math
              path: data/math.jsonl
              held-out: 0.1
        """);
    Config c = ConfigLoader.load(file, List.of("train.steps=7"));
    assertEquals(7, c.getInt("train.steps"));
    assertEquals(2e-5, c.getDouble("train.lr"));
    assertFalse(c.getBoolean("train.packing"));
    assertEquals("small", c.getString("model.preset"));
    assertEquals(0.7, c.getDouble("mix.fixed.weights.math")); // the keys of earlier versions, under their names
    assertEquals("inf", c.getString("mix.temp.temperature"));
    assertEquals("math", c.getConfigList("data.datasets").get(0).getString("name"));
    assertEquals(0.1, c.getConfigList("data.datasets").get(0).getDouble("held-out"));
    assertEquals(16, c.getInt("train.batch-size")); // the defaults stay under it
  }

  @Test
  void aYamlMistakeNamesTheFileAndLine(@TempDir Path dir) throws Exception {
    Path typo = dir.resolve("typo.yml");
    Files.writeString(typo, "train:\n  steps: 5\n  step: 6\n");
    UserError unknown = assertThrows(UserError.class, () -> ConfigLoader.load(typo, List.of()));
    assertTrue(unknown.getMessage().contains("unknown key 'train.step' (typo.yml: 3)"), unknown.getMessage());
    assertTrue(unknown.getMessage().contains("did you mean 'train.steps'"), unknown.getMessage());

    Path entry = dir.resolve("entry.yaml");
    Files.writeString(entry, "data:\n  datasets:\n    - name: a\n      pth: x.jsonl\n");
    UserError badEntry = assertThrows(UserError.class, () -> ConfigLoader.load(entry, List.of()));
    assertTrue(badEntry.getMessage().contains("entry.yaml: 3") && badEntry.getMessage().contains("'pth'"),
        badEntry.getMessage());

    Path broken = dir.resolve("broken.yaml");
    Files.writeString(broken, "train:\n  steps: 5\n   lr: [1\n");
    UserError syntax = assertThrows(UserError.class, () -> ConfigLoader.load(broken, List.of()));
    assertTrue(syntax.getMessage().startsWith(broken + ": line "), syntax.getMessage());
    assertFalse(syntax.getMessage().contains("\n"), syntax.getMessage());

    Path duplicate = dir.resolve("dup.yaml");
    Files.writeString(duplicate, "seed: 1\nseed: 2\n");
    UserError twice = assertThrows(UserError.class, () -> ConfigLoader.load(duplicate, List.of()));
    assertTrue(twice.getMessage().contains("line 2") && twice.getMessage().contains("seed"), twice.getMessage());
  }

  @Test
  void yamlBombsAreBounded(@TempDir Path dir) throws Exception {
    StringBuilder laughs = new StringBuilder("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    for (char c = 'b'; c <= 'k'; c++) {
      char p = (char) (c - 1);
      laughs.append(c).append(": &").append(c).append(" [*").append(p);
      laughs.append((", *" + p).repeat(9)).append("]\n");
    }
    Path bomb = dir.resolve("laughs.yaml");
    Files.writeString(bomb, laughs);
    UserError aliases = assertThrows(UserError.class, () -> ConfigLoader.load(bomb, List.of()));
    assertTrue(aliases.getMessage().startsWith(bomb.toString()), aliases.getMessage());

    Path deep = dir.resolve("deep.yaml");
    Files.writeString(deep, "[".repeat(10_000) + "]".repeat(10_000));
    UserError nesting = assertThrows(UserError.class, () -> ConfigLoader.load(deep, List.of()));
    assertTrue(nesting.getMessage().startsWith(deep.toString()), nesting.getMessage());
  }

  @Test
  void aDeepHoconFileIsOneLineNotAStackOverflow(@TempDir Path dir) throws Exception {
    Path deep = dir.resolve("deep.conf");
    Files.writeString(deep, "a = " + "{ b = ".repeat(10_000) + "1" + " }".repeat(10_000));
    UserError e = assertThrows(UserError.class, () -> ConfigLoader.load(deep, List.of()));
    assertTrue(e.getMessage().contains("nest deeper than"), e.getMessage());
    // Braces inside strings and comments do not count.
    Path fine = dir.resolve("fine.conf");
    Files.writeString(fine, "# {{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{\nmodel.system-prompt = \"" + "{".repeat(100) + "\"\n");
    assertEquals("{".repeat(100), ConfigLoader.load(fine, List.of()).getString("model.system-prompt"));
  }

  @Test
  void includesMustExistAndBeFiles(@TempDir Path dir) throws Exception {
    Path missing = dir.resolve("missing-include.conf");
    Files.writeString(missing, "include \"missing.conf\"\ntrain.steps = 5\n");
    UserError notFound = assertThrows(UserError.class, () -> ConfigLoader.load(missing, List.of()));
    assertTrue(notFound.getMessage().contains("missing.conf") && notFound.getMessage().contains("not found"),
        notFound.getMessage());

    Path classpath = dir.resolve("classpath.conf");
    Files.writeString(classpath, "include classpath(\"reference.conf\")\n");
    UserError resource = assertThrows(UserError.class, () -> ConfigLoader.load(classpath, List.of()));
    assertTrue(resource.getMessage().contains("classpath"), resource.getMessage());

    Path url = dir.resolve("url.conf");
    Files.writeString(url, "include url(\"http://127.0.0.1:9/x.conf\")\n");
    assertThrows(UserError.class, () -> ConfigLoader.load(url, List.of()));

    Files.writeString(dir.resolve("base.conf"), "train.steps = 9\n");
    Files.writeString(dir.resolve("base.yaml"), "train:\n  lr: 0.5\n");
    Path ok = dir.resolve("ok.conf");
    Files.writeString(ok, "include \"base.conf\"\ninclude file(\"" + dir.resolve("base.yaml") + "\")\nseed = 3\n");
    Config c = ConfigLoader.load(ok, List.of());
    assertEquals(9, c.getInt("train.steps"));
    assertEquals(0.5, c.getDouble("train.lr"));
  }

  @Test
  void aDeviceIsNotAConfigFile() {
    UserError e = assertThrows(UserError.class, () -> ConfigLoader.load(Path.of("/dev/zero"), List.of()));
    assertTrue(e.getMessage().contains("not a regular file"), e.getMessage());
  }

  @Test
  void aValueFromTheEnvironmentIsMaskedInMessages() {
    String path = System.getenv("PATH");
    Config c = ConfigLoader.load(null, List.of("model.system-prompt=${PATH}"));
    assertEquals(path, c.getString("model.system-prompt"));
    assertEquals("seed = '***' is not a whole number", Secrets.mask("seed = '" + path + "' is not a whole number"));
  }
}
