package io.skillmix.export;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A run folder written by hand, as a run's metrics sink writes it: config.conf naming one dataset of
 * every layout skillmix reads (and two column mappings), weights.jsonl with three sets of
 * probabilities, and metrics.jsonl train lines whose example counts differ per step, so that
 * weighting by examples and by steps give different averages.
 */
final class ExportFixtures {

  /** Dataset names, in the run's order. */
  static final List<String> NAMES = List.of("alpaca", "alpaca_full", "pr", "share", "chat", "qa", "dialog");

  /** The three sets of probabilities and the steps they took effect (30 steps in all). */
  static final double[][] PROBS = {
      {0.1, 0.1, 0.2, 0.2, 0.1, 0.2, 0.1},
      {0.3, 0.05, 0.05, 0.1, 0.2, 0.2, 0.1},
      {0.5, 0.0, 0.1, 0.1, 0.1, 0.1, 0.1}};
  static final long[] STEPS = {0, 10, 25};
  static final int TOTAL_STEPS = 30;

  /** Examples per train step: 8 before step 10, 2 from 10 to 24, 4 after. */
  static int examplesAt(int step) {
    return step < 10 ? 8 : step < 25 ? 2 : 4;
  }

  private ExportFixtures() {}

  static Path write(Path dir) {
    try {
      Path data = Files.createDirectories(dir.resolve("data"));
      lines(data.resolve("alpaca.jsonl"), 12, i -> "{\"instruction\": \"add " + i + " and 1\", \"output\": \"" + (i + 1) + "\"}");
      lines(data.resolve("alpaca_full.jsonl"), 8, i -> "{\"instruction\": \"translate\", \"input\": \"word " + i
          + "\", \"output\": \"mot " + i + "\", \"system\": \"You translate.\"}");
      lines(data.resolve("pr.jsonl"), 20, i -> "{\"prompt\": \"say " + i + "\", \"response\": \"" + i + "\"}");
      lines(data.resolve("share.jsonl"), 10, i -> "{\"conversations\": [{\"from\": \"human\", \"value\": \"hi " + i
          + "\"}, {\"from\": \"gpt\", \"value\": \"hello " + i + "\"}]}");
      Files.writeString(data.resolve("chat.json"), "[\n" + String.join(",\n", items(6, i -> "  {\"messages\": ["
          + "{\"role\": \"system\", \"content\": \"Be brief.\"}, {\"role\": \"user\", \"content\": \"q" + i + "\"},"
          + " {\"role\": \"assistant\", \"content\": \"a" + i + "\"}]}")) + "\n]\n");
      lines(data.resolve("qa.jsonl"), 15, i -> "{\"question\": \"what is " + i + " times 2\", \"answer\": \"" + (2 * i)
          + "\", \"ctx\": \"arithmetic\"}");
      lines(data.resolve("dialog.jsonl"), 9, i -> "{\"dialog\": [{\"speaker\": \"customer\", \"text\": \"help " + i
          + "\"}, {\"speaker\": \"agent\", \"text\": \"sure " + i + "\"}]}");
      Path run = Files.createDirectories(dir.resolve("run"));
      Files.writeString(run.resolve("config.conf"), "seed = 7\ndata.datasets = [\n"
          + entry("alpaca", data, "alpaca.jsonl", "") + entry("alpaca_full", data, "alpaca_full.jsonl", "format = alpaca")
          + entry("pr", data, "pr.jsonl", "") + entry("share", data, "share.jsonl", "format = sharegpt")
          + entry("chat", data, "chat.json", "")
          + entry("qa", data, "qa.jsonl", "columns = {prompt = question, query = ctx, response = answer}")
          + entry("dialog", data, "dialog.jsonl", "columns = {messages = dialog}, tags = {role = speaker, content = text,"
              + " user = customer, assistant = agent}")
          + "]\n");
      List<String> weights = new ArrayList<>();
      for (int k = 0; k < PROBS.length; k++) {
        weights.add("{\"step\":" + STEPS[k] + ",\"version\":" + Math.max(0, STEPS[k] - 2) + ",\"probs\":" + byName(PROBS[k]) + "}");
      }
      Files.write(run.resolve("weights.jsonl"), weights);
      List<String> metrics = new ArrayList<>();
      for (int s = 0; s < TOTAL_STEPS; s++) {
        int n = examplesAt(s);
        // all of a step's examples from the first dataset: the schedule's average does not look at which
        metrics.add("{\"event\":\"train\",\"step\":" + s + ",\"loss\":1.0,\"losses\":{\"alpaca\":1.0},\"examples\":"
            + "{\"alpaca\":" + n + "},\"lr\":0.001,\"grad_norm\":1.0,\"tokens\":100,\"pad_tokens\":0,\"seconds\":0.1,"
            + "\"wait_seconds\":0.0}");
      }
      Files.write(run.resolve("metrics.jsonl"), metrics);
      return run;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The draw-weighted mean, worked out here independently of the code under test. */
  static double[] expectedAverage() {
    double[] sum = new double[NAMES.size()];
    double total = 0;
    for (int s = 0; s < TOTAL_STEPS; s++) {
      int k = s < STEPS[1] ? 0 : s < STEPS[2] ? 1 : 2;
      for (int d = 0; d < sum.length; d++) {
        sum[d] += examplesAt(s) * PROBS[k][d];
      }
      total += examplesAt(s);
    }
    for (int d = 0; d < sum.length; d++) {
      sum[d] /= total;
    }
    return sum;
  }

  private static String entry(String name, Path data, String file, String extra) {
    return "  {name = " + name + ", path = \"" + data.resolve(file) + "\"" + (extra.isEmpty() ? "" : ", " + extra) + "}\n";
  }

  private static String byName(double[] p) {
    List<String> parts = new ArrayList<>();
    for (int d = 0; d < p.length; d++) {
      parts.add("\"" + NAMES.get(d) + "\":" + String.format(Locale.ROOT, "%s", p[d]));
    }
    return "{" + String.join(",", parts) + "}";
  }

  private static List<String> items(int n, java.util.function.IntFunction<String> f) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(f.apply(i));
    }
    return out;
  }

  private static void lines(Path file, int n, java.util.function.IntFunction<String> f) throws IOException {
    Files.write(file, items(n, f));
  }
}
