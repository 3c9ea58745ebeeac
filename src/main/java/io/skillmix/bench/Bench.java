package io.skillmix.bench;

import io.skillmix.UserError;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * {@code scripts/bench [model|data|mix|memory|cluster|packing|all] [key=value ...]}: prints each table and
 * appends it, under a heading with the machine, date, JVM and thread settings, to
 * {@code docs/BENCHMARKS.md} (or {@code doc=PATH}; {@code doc=none} only prints). Benchmarks are
 * never run by the tests.
 */
public final class Bench {

  private Bench() {}

  public static void main(String[] args) throws Exception {
    BenchOptions options;
    try {
      options = BenchOptions.parse(Arrays.asList(args));
    } catch (UserError e) {
      System.err.println("bench: " + e.getMessage());
      System.exit(2);
      return;
    }
    List<String> what = options.what().equals("all")
        ? List.of("model", "data", "mix", "memory", "cluster", "packing") : List.of(options.what());
    for (String name : what) {
      String table = run(options.forBenchmark(name));
      if (table != null) {
        report(name, options, table);
      }
    }
    System.exit(0); // DJL and Pekko leave non-daemon threads behind
  }

  /** The benchmark's table, or null when it has nothing to report. */
  private static String run(BenchOptions options) throws Exception {
    System.out.println("== " + options.what() + " ==");
    return switch (options.what()) {
      case "model" -> ModelBench.run(options, threads());
      case "data" -> DataBench.run(options);
      case "mix" -> MixBench.run(options);
      case "memory" -> options.presets().isEmpty() ? MemoryBench.run(options) : StepMemoryBench.run(options);
      case "cluster" -> ClusterBench.run(options);
      case "packing" -> PackingBench.run(options);
      default -> throw new IllegalArgumentException(options.what());
    };
  }

  private static void report(String name, BenchOptions options, String table) throws IOException {
    String settings = options.describe();
    String header = String.format(Locale.ROOT, "%n### %s — %s%n%n%s- command: `scripts/bench %s%s`%n%n", name,
        LocalDate.now(), machine(), name, settings.isEmpty() ? "" : " " + settings);
    System.out.print(header + table);
    Path doc = options.doc();
    if (doc != null) {
      Files.writeString(doc, header + table, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
      System.out.println("(appended to " + doc + ")");
    }
  }

  static int threads() {
    return Integer.parseInt(System.getProperty("ai.djl.pytorch.num_threads", "2"));
  }

  /** CPU model and cores, load at the start, OS, JVM and torch thread settings. */
  static String machine() {
    return String.format(Locale.ROOT,
        "- machine: %s, %d cores, load average %s at the start; %s %s%n"
            + "- JVM %s (%s), max heap %d MiB; torch intra-op threads %s, inter-op %s%n",
        cpuModel(), Runtime.getRuntime().availableProcessors(), loadAverage(), System.getProperty("os.name"),
        System.getProperty("os.arch"), ManagementFactory.getRuntimeMXBean().getVmVersion(),
        ManagementFactory.getRuntimeMXBean().getVmName(), Runtime.getRuntime().maxMemory() / 1048576,
        System.getProperty("ai.djl.pytorch.num_threads", "default"),
        System.getProperty("ai.djl.pytorch.num_interop_threads", "default"));
  }

  private static String cpuModel() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"), StandardCharsets.UTF_8)) {
        if (line.startsWith("model name")) {
          return line.substring(line.indexOf(':') + 1).trim();
        }
      }
    } catch (IOException e) {
      // not Linux: the model stays unknown
    }
    return "unknown CPU";
  }

  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    } catch (IOException e) {
      return "unknown";
    }
  }
}
