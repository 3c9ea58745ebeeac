package io.skillmix.bench;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDate;
import java.util.Locale;

/**
 * {@code scripts/bench WHAT}: prints a table and appends it, with the machine and settings, to
 * {@code docs/BENCHMARKS.md}. Benchmarks are never run by the tests.
 */
public final class Bench {

  private Bench() {}

  public static void main(String[] args) throws Exception {
    String what = args.length == 0 ? "model" : args[0];
    String table = switch (what) {
      case "model" -> model();
      case "mix" -> MixBench.run(Integer.getInteger("skillmix.bench.steps", 160),
          Integer.getInteger("skillmix.bench.repeats", 1));
      case "data" -> data();
      default -> throw new IllegalArgumentException("unknown benchmark '" + what + "'; use model, data or mix");
    };
    String header = String.format(Locale.ROOT, "%n### %s — %s%n%n%s%n", what, LocalDate.now(), machine());
    System.out.print(header + table);
    Path doc = Path.of(System.getProperty("skillmix.bench.doc", "docs/BENCHMARKS.md"));
    if (Files.exists(doc)) {
      Files.writeString(doc, header + table, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
      System.out.println("(appended to " + doc + ")");
    }
  }

  static String model() {
    // The largest of two sizes: BLAS runs closer to its peak on larger matrices.
    double peak1024 = ModelBench.matmulPeak(1024, 9);
    double peak2048 = ModelBench.matmulPeak(2048, 5);
    double peak = Math.max(peak1024, peak2048);
    StringBuilder t = new StringBuilder();
    t.append("Training step (forward + backward + clip + AdamW), synthetic batches, median of 5 runs.\n\n");
    t.append("| preset | parameters | batch × seq | ms/step | tokens/s | GFLOP/s | of matmul peak |\n");
    t.append("|---|---:|---|---:|---:|---:|---:|\n");
    t.append(ModelBench.row(ModelBench.measure("tiny", 16, 128, 10, 5), peak)).append('\n');
    t.append(ModelBench.row(ModelBench.measure("small", 8, 128, 3, 5), peak)).append('\n');
    t.append(String.format(Locale.ROOT,
        "%nMatmul peak, float32 on the same threads: %.1f GFLOP/s at 1024³, %.1f at 2048³ (the larger is the"
            + " reference).%n", peak1024, peak2048));
    return t.toString();
  }

  /** Dataset-actor throughput against the tiny learner's measured consumption. */
  static String data() throws Exception {
    ModelBench.Result tiny = ModelBench.measure("tiny", 16, 128, 10, 3);
    return DataBench.run(300, 1000.0 / tiny.stepMillis());
  }

  static String machine() {
    return String.format(Locale.ROOT, "- machine: %d cores, %s %s; JVM %s; torch threads %s%n",
        Runtime.getRuntime().availableProcessors(), System.getProperty("os.name"), System.getProperty("os.arch"),
        ManagementFactory.getRuntimeMXBean().getVmVersion(), System.getProperty("ai.djl.pytorch.num_threads", "default"));
  }
}
