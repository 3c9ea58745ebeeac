package io.skillmix.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.skillmix.cli.CliRun;
import io.skillmix.metrics.MixtureSchedule;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code skillmix mixture export} (issue 30.1): every format read back as its consumer reads it
 * (the Python checks in src/test/resources/export follow LLaMA-Factory's, axolotl's and Hugging
 * Face datasets' documented schemas and code), probabilities summing to 1 within 1e-9, and
 * {@code --at average} the draw-weighted mean of the schedule.
 */
class MixtureExportTest {

  @TempDir static Path dir;
  static Path run;

  @BeforeAll
  static void writeRun() {
    run = ExportFixtures.write(dir);
  }

  private static CliRun.Result export(String... args) {
    List<String> all = new java.util.ArrayList<>(List.of("mixture", "export", run.toString()));
    all.addAll(List.of(args));
    return CliRun.run(all.toArray(String[]::new));
  }

  /** The final probabilities as the export rounds them, by dataset; zeros left out. */
  private static Map<String, Double> finalDrawn() {
    BigDecimal[] p = Rounded.probabilities(ExportFixtures.PROBS[2]);
    Map<String, Double> out = new LinkedHashMap<>();
    for (int d = 0; d < p.length; d++) {
      if (p[d].signum() > 0) {
        out.put(ExportFixtures.NAMES.get(d), p[d].doubleValue());
      }
    }
    return out;
  }

  private static String json(Map<String, Double> m) {
    JsonObject o = new JsonObject();
    m.forEach(o::addProperty);
    return o.toString();
  }

  @Test
  void theAverageWeighsEachSetOfProbabilitiesByTheExamplesDrawnWhileItWasInEffect() {
    MixtureSchedule schedule = MixtureSchedule.read(run);
    assertEquals("examples", schedule.weighting());
    assertEquals(ExportFixtures.TOTAL_STEPS, schedule.steps());
    double[] expected = ExportFixtures.expectedAverage();
    double[] average = schedule.average();
    for (int d = 0; d < expected.length; d++) {
      assertEquals(expected[d], average[d], 1e-12, ExportFixtures.NAMES.get(d));
    }
    // Weighting by steps would give 0.5·... differently: 10 of 30 steps but 80 of 130 examples at the prior.
    double stepWeighted = (10 * 0.1 + 15 * 0.3 + 5 * 0.5) / 30;
    assertTrue(Math.abs(stepWeighted - average[0]) > 0.05, "examples, not steps: " + average[0]);

    JsonObject out = JsonParser.parseString(export("--to", "json", "--at", "average").out()).getAsJsonObject();
    assertEquals("average", out.get("at").getAsString());
    JsonObject datasets = out.getAsJsonObject("datasets");
    double sum = 0;
    for (int d = 0; d < expected.length; d++) {
      double p = datasets.getAsJsonObject(ExportFixtures.NAMES.get(d)).get("probability").getAsDouble();
      assertEquals(expected[d], p, 1e-6);
      sum += p;
    }
    assertEquals(1, sum, 1e-9);
  }

  @Test
  void roundedProbabilitiesSumToExactlyOneAndStayWithinAMillionth() {
    Random random = new Random(30);
    for (int trial = 0; trial < 2000; trial++) {
      double[] p = new double[2 + random.nextInt(20)];
      for (int i = 0; i < p.length; i++) {
        p[i] = trial % 7 == 0 && i % 3 == 0 ? 1e-9 * random.nextDouble() : -Math.log(random.nextDouble());
      }
      double total = 0;
      for (double x : p) {
        total += x;
      }
      BigDecimal[] r = Rounded.probabilities(p);
      BigDecimal exact = BigDecimal.ZERO;
      double asDoubles = 0;
      for (int i = 0; i < p.length; i++) {
        assertTrue(r[i].signum() >= 0 && r[i].scale() <= Rounded.DIGITS, r[i].toPlainString());
        assertTrue(Math.abs(r[i].doubleValue() - p[i] / total) < 1e-6, r[i] + " for " + p[i] / total);
        exact = exact.add(r[i]);
        asDoubles += Double.parseDouble(Rounded.text(r[i]));
      }
      assertEquals(0, exact.compareTo(BigDecimal.ONE), "decimal sum " + exact);
      assertEquals(1, asDoubles, 1e-9);
    }
    assertEquals(List.of("0.333334", "0.333333", "0.333333"),
        List.of(Rounded.probabilities(new double[] {1, 1, 1})).stream().map(Rounded::text).toList());
  }

  @Test
  void atAStepTakesTheProbabilitiesInEffectAtThatStep() {
    assertEquals("step 9", MixtureExport.read(run, "9").at());
    assertEquals(0, MixtureExport.read(run, "9").point().effectiveStep());
    assertEquals(10, MixtureExport.read(run, "10").point().effectiveStep());
    assertEquals(25, MixtureExport.read(run, "29").point().effectiveStep());
    assertEquals(25, MixtureExport.read(run, "final").point().effectiveStep());
    CliRun.Result past = export("--to", "json", "--at", "30");
    assertEquals(2, past.code());
    assertEquals("skillmix: --at 30: the run's steps are 0 to 29; give one of them, final or average", past.err().strip());
    CliRun.Result word = export("--to", "json", "--at", "soon");
    assertEquals(2, word.code());
    assertTrue(word.err().startsWith("skillmix: --at soon: give final, average, or a training step"), word.err());
  }

  @Test
  void jsonNamesEveryDatasetWithItsFileAndProbability() {
    CliRun.Result r = export("--to", "json");
    assertEquals(0, r.code(), r.err());
    JsonObject out = JsonParser.parseString(r.out()).getAsJsonObject();
    assertEquals(run.toAbsolutePath().normalize().toString(), out.get("source").getAsString());
    assertEquals("final", out.get("at").getAsString());
    assertEquals(25, out.get("step").getAsLong());
    JsonObject datasets = out.getAsJsonObject("datasets");
    assertEquals(ExportFixtures.NAMES, List.copyOf(datasets.keySet()));
    double sum = 0;
    for (int d = 0; d < ExportFixtures.NAMES.size(); d++) {
      JsonObject e = datasets.getAsJsonObject(ExportFixtures.NAMES.get(d));
      assertTrue(Files.isRegularFile(Path.of(e.get("path").getAsString())), e.toString());
      assertTrue(Path.of(e.get("path").getAsString()).isAbsolute());
      assertEquals(ExportFixtures.PROBS[2][d], e.get("probability").getAsDouble(), 1e-6);
      sum += e.get("probability").getAsDouble();
    }
    assertEquals(1, sum, 1e-9);
    assertEquals("columns {prompt = question, query = ctx, response = answer}",
        datasets.getAsJsonObject("qa").get("read_as").getAsString());
  }

  @Test
  void llamaFactoryReadsTheTrainingKeysAndDatasetInfoAsWritten() {
    assumeTrue(PythonCheck.available(), "python3 is needed to read the export as LLaMA-Factory does");
    Path yaml = dir.resolve("lf").resolve("mixture.yaml");
    CliRun.Result r = export("--to", "llamafactory", "--out", yaml.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(Files.isRegularFile(yaml.resolveSibling("dataset_info.json")), "dataset_info.json beside the YAML");
    PythonCheck.Result check = PythonCheck.run("check_llamafactory.py", yaml.toString(), json(finalDrawn()));
    if (check.skipped()) {
      String text = read(yaml);
      assertTrue(text.contains("\ninterleave_probs: \"0.5,0.1,0.1,0.1,0.1,0.1\"\n"), text);
      return;
    }
    assertEquals(0, check.code(), check.output());
    assertEquals("ok 6 datasets, 72 records", check.output());
    String text = read(yaml);
    assertTrue(text.contains("# Left out, probability 0 after rounding: alpaca_full."), text);

    CliRun.Result again = export("--to", "llamafactory", "--out", yaml.toString());
    assertEquals(2, again.code());
    assertTrue(again.err().strip().endsWith("exists; choose another --out or pass --overwrite"), again.err());
    assertEquals(0, export("--to", "llamafactory", "--out", yaml.toString(), "--overwrite").code());
  }

  @Test
  void axolotlKeepsEachDatasetInTheMixturesProportions() {
    assumeTrue(PythonCheck.available(), "python3 is needed to read the export as axolotl does");
    Path yaml = dir.resolve("axolotl.yaml");
    CliRun.Result r = export("--to", "axolotl", "--at", "10", "--out", yaml.toString());
    assertEquals(0, r.code(), r.err());
    Map<String, Double> expected = new LinkedHashMap<>();
    BigDecimal[] p = Rounded.probabilities(ExportFixtures.PROBS[1]);
    for (int d = 0; d < p.length; d++) {
      expected.put(dir.resolve("data").resolve(file(d)).toString(), p[d].doubleValue());
    }
    PythonCheck.Result check = PythonCheck.run("check_axolotl.py", yaml.toString(), json(expected));
    if (check.skipped()) {
      assertTrue(read(yaml).contains("weight: 1\n"), "the dataset asked most of per record is kept whole");
      return;
    }
    assertEquals(0, check.code(), check.output());
    assertEquals("ok 7 datasets", check.output());
    assertTrue(read(yaml).contains("cannot oversample, interleave or follow a schedule"), "says what axolotl cannot");
  }

  @Test
  void hfDatasetsScriptBuildsTheMixtureWithInterleaveDatasets() {
    assumeTrue(PythonCheck.available(), "python3 is needed to parse and run the script");
    Path script = dir.resolve("mixture.py");
    assertEquals(0, export("--to", "hf-datasets", "--out", script.toString()).code());
    PythonCheck.Result check = PythonCheck.run("check_hf_datasets.py", script.toString(), json(finalDrawn()));
    assertEquals(0, check.code(), check.output());
    assertTrue(check.output().matches("ok (datasets|stand-in), 6 datasets, \\d+ examples"), check.output());
  }

  @Test
  void scheduleListsEveryChangeWithItsFractionOfTraining() {
    assumeTrue(PythonCheck.available(), "python3 is needed to read the CSV with its csv module");
    Path csv = dir.resolve("schedule.csv");
    assertEquals(0, export("--to", "schedule", "--out", csv.toString()).code());
    PythonCheck.Result check = PythonCheck.run("check_schedule.py", csv.toString(),
        String.valueOf(ExportFixtures.TOTAL_STEPS), new com.google.gson.Gson().toJson(ExportFixtures.NAMES));
    assertEquals(0, check.code(), check.output());
    assertEquals("ok 3 changes", check.output());
    assertEquals("10,0.333333,8,0.3,0.05,0.05,0.1,0.2,0.2,0.1", read(csv).lines().toList().get(2));
  }

  @Test
  void withoutOutTheExportPrintsAndLlamaFactoryCarriesItsDatasetInfoAsComments() {
    CliRun.Result r = export("--to", "llamafactory");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("\ndataset: \"alpaca,pr,share,chat,qa,dialog\"\n"), r.out());
    assertTrue(r.out().contains("\n# dataset_info.json: add these entries"), r.out());
    assertTrue(r.out().contains("\n#   \"qa\": {\n"), r.out());
    assertFalse(r.out().contains("dataset_dir:"), "no folder to name without --out");
  }

  @Test
  void builtInSetsAreExportedAsTheFilesGeneratedInTheDataCache() throws Exception {
    Path builtin = Files.createDirectories(dir.resolve("builtin-run"));
    Path cache = dir.resolve("cache");
    Files.writeString(builtin.resolve("config.conf"), "seed = 3\ndata.builtin.total = 4000\ndata.cache-dir = \""
        + cache + "\"\n");
    Files.writeString(builtin.resolve("weights.jsonl"),
        "{\"step\":0,\"version\":0,\"probs\":{\"math\":0.4,\"definitions\":0.1,\"nlp\":0.3,\"writing\":0.2}}\n");
    CliRun.Result r = CliRun.run("mixture", "export", builtin.toString(), "--to", "json");
    assertEquals(0, r.code(), r.err());
    JsonObject out = JsonParser.parseString(r.out()).getAsJsonObject();
    assertEquals(cache.toString(), out.get("builtin_cache").getAsString());
    for (String name : List.of("math", "definitions", "nlp", "writing")) {
      JsonObject d = out.getAsJsonObject("datasets").getAsJsonObject(name);
      assertTrue(d.get("builtin").getAsBoolean());
      assertEquals(cache.resolve(name + ".train.jsonl").toString(), d.get("path").getAsString());
      assertTrue(d.get("records").getAsLong() > 0, d.toString());
    }
    CliRun.Result yaml = CliRun.run("mixture", "export", builtin.toString(), "--to", "axolotl");
    assertTrue(yaml.out().contains("# Built-in sets: files skillmix generated in " + cache), yaml.out());
  }

  @Test
  void mistakesAreOneLine() {
    assertRefused(export("--to", "trl"), "skillmix: --to trl: no such format; use json, llamafactory, axolotl,"
        + " hf-datasets, schedule");
    assertRefused(export("--to", "schedule", "--at", "average"), "skillmix: --at average: --to schedule writes the"
        + " whole schedule; leave --at out");
    assertRefused(CliRun.run("mixture", "export", dir.resolve("nothing").toString(), "--to", "json"),
        "skillmix: " + dir.resolve("nothing") + ": no weights.jsonl here; give the folder of a skillmix run (train's"
            + " run.dir, or a compare arm's OUT/ARM/seed-K)");
    Path input = dir.resolve("data").resolve("pr.jsonl");
    CliRun.Result onto = export("--to", "json", "--out", input.toString(), "--overwrite");
    assertEquals(2, onto.code());
    assertTrue(onto.err().contains("is the input"), onto.err());
    assertEquals(20, read(input).lines().count(), "the input is untouched");
  }

  private static void assertRefused(CliRun.Result r, String line) {
    assertEquals(2, r.code(), r.out());
    assertEquals(line, r.err().strip());
  }

  private static String file(int d) {
    String name = ExportFixtures.NAMES.get(d);
    return name.equals("chat") ? "chat.json" : name + ".jsonl";
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
