package io.skillmix.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.skillmix.config.ConfigLoader;
import io.skillmix.run.TrainingRun;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Resident memory, Java heap and live DJL NDArrays over a long default run (the built-in mix, MoS,
 * the evaluator included), sampled every {@code every} steps once warm-up is over. Growth is read
 * from the first sample after warm-up to the last, and as the rise of the floor (the smallest value of
 * the second half of the samples against the first half's); the target is flat (under 5%).
 */
final class MemoryBench {

  private static final Pattern TRAIN_STEP = Pattern.compile("\"event\":\"train\",\"step\":(\\d+)");

  /** One sample: the last step the run reported, and the process's memory then. */
  record Sample(long step, double rssMib, double heapMib, int ndArrays) {}

  private MemoryBench() {}

  static String run(BenchOptions options) throws Exception {
    try (ScratchDir scratch = new ScratchDir("skillmix-bench-memory")) {
      return run(options, scratch.path().resolve("run"));
    }
  }

  private static String run(BenchOptions options, Path dir) throws Exception {
    int steps = options.steps(5000);
    int warmup = options.warmup(200);
    int every = options.every(Math.max(1, steps / 20));
    CompletableFuture<TrainingRun.Outcome> run = CompletableFuture.supplyAsync(() -> TrainingRun.run(
        ConfigLoader.load(null, List.of("train.steps=" + (warmup + steps), "run.progress=false",
            "run.dir=\"" + dir + "\""))));
    List<Sample> samples = new ArrayList<>();
    StepProbe probe = new StepProbe(dir.resolve(io.skillmix.output.RunFolder.METRICS));
    long next = warmup;
    try (NDManager probeManager = NDManager.newBaseManager(Device.cpu())) {
      NDManager system = probeManager.getParentManager();
      while (!run.isDone()) {
        Thread.sleep(500);
        long step = probe.lastStep();
        // The last flush comes as the run ends and its arrays close: sample only while it trains.
        if (step >= next && step < warmup + steps) {
          Sample s = sample(step, system);
          samples.add(s);
          System.out.printf(Locale.ROOT, "  step %,d: resident %.0f MiB, heap %.0f MiB, %,d NDArrays%n", s.step(),
              s.rssMib(), s.heapMib(), s.ndArrays());
          next = step - step % every + every;
        }
      }
    }
    run.get(); // a failed run ends the benchmark with its error
    if (samples.size() < 2) {
      throw new IllegalStateException("the run ended before two samples; raise steps (" + steps + ") or lower"
          + " every (" + every + ")");
    }
    Sample first = samples.get(0);
    Sample last = samples.get(samples.size() - 1);
    StringBuilder t = new StringBuilder(String.format(Locale.ROOT,
        "Default run (built-in mix, tiny preset, MoS lagged, evaluator on the same CPU), %,d warm-up steps then"
            + " %,d more; sampled about every %,d steps (metrics reach the file every 50 steps). Heap after a"
            + " System.gc(); NDArrays: all live arrays under DJL's system manager.%n%n", warmup, steps, every));
    t.append("| step | resident MiB | heap MiB | live NDArrays |\n|---:|---:|---:|---:|\n");
    for (Sample s : thin(samples, 12)) {
      t.append(String.format(Locale.ROOT, "| %,d | %.0f | %.0f | %,d |%n", s.step(), s.rssMib(), s.heapMib(),
          s.ndArrays()));
    }
    t.append(String.format(Locale.ROOT, "| **growth, first to last** | **%+.1f%%** | **%+.1f%%** | **%+.1f%%** |%n",
        growth(first.rssMib(), last.rssMib()), growth(first.heapMib(), last.heapMib()),
        growth(first.ndArrays(), last.ndArrays())));
    List<Sample> early = samples.subList(0, samples.size() / 2);
    List<Sample> late = samples.subList(samples.size() / 2, samples.size());
    t.append(String.format(Locale.ROOT, "| **growth of the floor** | **%+.1f%%** | **%+.1f%%** | **%+.1f%%** |%n",
        growth(floor(early, Sample::rssMib), floor(late, Sample::rssMib)),
        growth(floor(early, Sample::heapMib), floor(late, Sample::heapMib)),
        growth(floor(early, Sample::ndArrays), floor(late, Sample::ndArrays))));
    t.append(String.format(Locale.ROOT, "%nGrowth from step %,d to step %,d (%d samples); target: flat (under 5%%)."
        + " A sample falls anywhere inside a step, so one can catch a step's intermediates alive (or a reward"
        + " evaluation's); the floor, the smallest value of the second half of the samples against that of the"
        + " first half, is what a leak raises.%n", first.step(), last.step(), samples.size()));
    return t.toString();
  }

  private static Sample sample(long step, NDManager system) throws IOException {
    System.gc();
    double heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / 1048576.0;
    return new Sample(step, residentKib() / 1024.0, heap, liveArrays(system));
  }

  /** VmRSS of this process, in KiB, from {@code /proc/self/status}. */
  static long residentKib() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"), StandardCharsets.UTF_8)) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    throw new IOException("/proc/self/status has no VmRSS line (not Linux?)");
  }

  /** Arrays alive under the system manager; counted while the learner works, so retried on a race. */
  private static int liveArrays(NDManager system) {
    for (int attempt = 0; ; attempt++) {
      try {
        return system.getManagedArrays().size();
      } catch (RuntimeException e) {
        if (attempt == 4) {
          return -1;
        }
      }
    }
  }

  private static double floor(List<Sample> samples, java.util.function.ToDoubleFunction<Sample> value) {
    return samples.stream().mapToDouble(value).min().orElse(Double.NaN);
  }

  private static double growth(double from, double to) {
    return 100 * (to - from) / from;
  }

  /** At most {@code n} samples, evenly spread, first and last kept. */
  static List<Sample> thin(List<Sample> samples, int n) {
    if (samples.size() <= n) {
      return samples;
    }
    List<Sample> kept = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      kept.add(samples.get((int) Math.round(i * (samples.size() - 1) / (double) (n - 1))));
    }
    return kept;
  }

  /** Reads the run's metrics file as it grows and remembers the last training step seen. */
  private static final class StepProbe {
    private final Path file;
    private long offset;
    private long lastStep = -1;
    private String carry = "";

    StepProbe(Path file) {
      this.file = file;
    }

    long lastStep() throws IOException {
      if (!Files.exists(file)) {
        return lastStep;
      }
      try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
        long length = in.length();
        if (length > offset) {
          byte[] bytes = new byte[(int) (length - offset)];
          in.seek(offset);
          in.readFully(bytes);
          offset = length;
          String text = carry + new String(bytes, StandardCharsets.UTF_8);
          int cut = text.lastIndexOf('\n');
          carry = text.substring(cut + 1);
          Matcher m = TRAIN_STEP.matcher(text.substring(0, cut + 1));
          while (m.find()) {
            lastStep = Long.parseLong(m.group(1)) + 1; // steps done
          }
        }
      }
      return lastStep;
    }
  }
}
