package io.skillmix.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.skillmix.data.TokenizedExample;
import io.skillmix.learn.Trainer;
import io.skillmix.model.LanguageModel;
import io.skillmix.model.ModelConfig;
import io.skillmix.run.RunSettings;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;

/**
 * Training-step throughput of the built-in presets (forward, backward, clipping, AdamW) on
 * synthetic batches, against the same step in PyTorch eager ({@link PyTorchPeer}) and against the
 * machine's float32 matmul peak on the same threads. The two sides alternate within each round, and
 * the ratio is taken per round, so a change in the machine's load hits both alike.
 */
public final class ModelBench {

  /** A preset's batch shape and its default timed steps per round. */
  record StepShape(int batch, int length, int steps) {}

  /** One preset's medians. {@code peer} is empty when the peer did not run. */
  record Result(String preset, long parameters, int batch, int length, double stepSeconds, double gflops,
      Optional<PyTorchPeer.Result> peer, double ratio) {

    double tokensPerSecond() {
      return (double) batch * length / stepSeconds;
    }
  }

  private ModelBench() {}

  static StepShape shape(String preset) {
    // tiny: 16 × 128 = 2,048 tokens a step; small: 8 × 128 = 1,024 (a step takes about a second).
    return preset.equals("small") ? new StepShape(8, 128, 3) : new StepShape(16, 128, 10);
  }

  static String run(BenchOptions options, int threads) throws IOException, InterruptedException {
    int rounds = options.rounds(5);
    int warmup = options.warmup(3);
    PyTorchPeer peer = null;
    String peerNote = "PyTorch peer off (peer=off).";
    if (options.peer()) {
      Optional<String> why = PyTorchPeer.unavailable();
      if (why.isPresent()) {
        peerNote = "PyTorch peer not run: " + why.get() + ".";
      } else {
        peer = new PyTorchPeer(threads);
        peerNote = null;
      }
    }
    // The larger of two sizes: BLAS runs closer to its peak on larger matrices.
    double peak1024 = matmulPeak(1024, 9);
    double peak2048 = matmulPeak(2048, 5);
    double peak = Math.max(peak1024, peak2048);
    List<Result> results = new ArrayList<>();
    try {
      for (String preset : options.presets(List.of("tiny", "small"))) {
        results.add(measure(preset, options.steps(shape(preset).steps()), rounds, warmup, peer));
      }
    } finally {
      if (peer != null) {
        peer.close();
      }
    }

    StringBuilder t = new StringBuilder(String.format(Locale.ROOT,
        "Training step (forward + backward + clip + AdamW), synthetic batches of random bytes; %d warm-up"
            + " steps, then %d rounds, each timing skillmix and the PyTorch eager peer one after the other"
            + " (the order alternates); medians over rounds, the ratio taken per round.%n%n", warmup, rounds));
    t.append("| preset | parameters (skillmix / PyTorch) | batch × seq | ms/step | tokens/s | PyTorch tokens/s"
        + " | skillmix / PyTorch | GFLOP/s | of matmul peak | PyTorch GFLOP/s |\n");
    t.append("|---|---|---|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Result r : results) {
      String params = String.format(Locale.ROOT, "%,d / %s", r.parameters(),
          r.peer().map(p -> String.format(Locale.ROOT, "%,d%s", p.parameters(),
              p.parameters() == r.parameters() ? "" : " (DIFFERENT)")).orElse("–"));
      t.append(String.format(Locale.ROOT, "| %s | %s | %d × %d | %.1f | %,.0f | %s | %s | %.1f | %.0f%% | %s |%n",
          r.preset(), params, r.batch(), r.length(), r.stepSeconds() * 1000, r.tokensPerSecond(),
          r.peer().map(p -> String.format(Locale.ROOT, "%,.0f", r.batch() * r.length() / p.stepSeconds()))
              .orElse("–"),
          r.peer().isPresent() ? String.format(Locale.ROOT, "%.2f×", r.ratio()) : "–",
          r.gflops(), 100 * r.gflops() / peak,
          r.peer().map(p -> String.format(Locale.ROOT, "%.1f",
              flops(ModelConfig.preset(r.preset()), r.batch(), r.length()) / p.stepSeconds() / 1e9)).orElse("–")));
    }
    t.append(String.format(Locale.ROOT,
        "%nMatmul peak, float32 on the same threads, measured through DJL: %.1f GFLOP/s at 1024³, %.1f at 2048³"
            + " (the larger is the reference).%n", peak1024, peak2048));
    results.stream().flatMap(r -> r.peer().stream()).findFirst().ifPresent(p -> t.append(String.format(
        Locale.ROOT, "PyTorch %s (/usr/bin/python3, OpenBLAS), %d threads, eager mode.%n", p.torchVersion(),
        p.threads())));
    if (peerNote != null) {
      t.append(peerNote).append('\n');
    }
    return t.toString();
  }

  static Result measure(String preset, int steps, int rounds, int warmup, PyTorchPeer peer)
      throws IOException, InterruptedException {
    ModelConfig config = ModelConfig.preset(preset);
    StepShape shape = shape(preset);
    int batch = shape.batch();
    int length = shape.length();
    io.skillmix.learn.TrainSettings settings = new io.skillmix.learn.TrainSettings(1_000_000, batch, batch, 1e-4, 0.0, 0.01, 0.9, 0.95,
        1e-8, 1.0, 1_000_000);
    List<TokenizedExample> examples = syntheticBatch(batch, length);
    double[] javaSeconds = new double[rounds];
    double[] peerSeconds = new double[rounds];
    double[] ratios = new double[rounds];
    PyTorchPeer.Result last = null;
    try (Trainer trainer = new Trainer(LanguageModel.random(config, Device.cpu(), 1), settings, 0)) {
      long params = trainer.model().parameterCount();
      for (int i = 0; i < warmup; i++) {
        trainer.step(examples); // allocator, JIT, optimizer state
      }
      for (int r = 0; r < rounds; r++) {
        boolean peerFirst = peer != null && r % 2 == 1;
        if (peerFirst) {
          last = peer.measure(config, batch, length, steps, warmup);
        }
        javaSeconds[r] = timeSteps(trainer, examples, steps);
        if (peer != null && !peerFirst) {
          last = peer.measure(config, batch, length, steps, warmup);
        }
        if (peer != null) {
          peerSeconds[r] = last.stepSeconds();
          ratios[r] = peerSeconds[r] / javaSeconds[r];
          System.out.printf(Locale.ROOT, "  %s round %d: skillmix %.1f ms/step, PyTorch %.1f ms/step%n", preset,
              r + 1, javaSeconds[r] * 1000, peerSeconds[r] * 1000);
        } else {
          System.out.printf(Locale.ROOT, "  %s round %d: skillmix %.1f ms/step%n", preset, r + 1,
              javaSeconds[r] * 1000);
        }
      }
      System.out.printf(Locale.ROOT, "  %s parameters: skillmix %,d (built model), %,d (from the config)%s%n",
          preset, params, config.parameterCount(),
          last == null ? "" : String.format(Locale.ROOT, ", PyTorch %,d", last.parameters()));
      double step = median(javaSeconds);
      Optional<PyTorchPeer.Result> peerResult = last == null ? Optional.empty()
          : Optional.of(new PyTorchPeer.Result(last.parameters(), median(peerSeconds), last.torchVersion(),
              last.threads()));
      return new Result(preset, params, batch, length, step, flops(config, batch, length) / step / 1e9,
          peerResult, last == null ? Double.NaN : median(ratios));
    }
  }

  private static double timeSteps(Trainer trainer, List<TokenizedExample> examples, int steps) {
    long start = System.nanoTime();
    for (int i = 0; i < steps; i++) {
      trainer.step(examples);
    }
    return (System.nanoTime() - start) / 1e9 / steps;
  }

  /** Examples of {@code length + 1} random bytes, every position a target. */
  static List<TokenizedExample> syntheticBatch(int batch, int length) {
    Random random = new Random(1);
    List<TokenizedExample> examples = new ArrayList<>();
    for (int i = 0; i < batch; i++) {
      int[] ids = new int[length + 1];
      boolean[] target = new boolean[length + 1];
      for (int t = 0; t <= length; t++) {
        ids[t] = random.nextInt(256);
        target[t] = true;
      }
      examples.add(new TokenizedExample(ids, target));
    }
    return examples;
  }

  /**
   * FLOPs of one training step: 6·N·tokens for the matrices (forward 2, backward 4), plus attention
   * scores and weighted sums (forward 4·T²·d per layer and sequence, times 3 with the backward).
   */
  static double flops(ModelConfig config, int batch, int length) {
    return 6.0 * config.parameterCount() * batch * length
        + 12.0 * config.numLayers() * batch * (double) length * length * config.numHeads() * config.headDim();
  }

  /** GFLOP/s of an n×n by n×n float32 matmul, median of repeats. */
  public static double matmulPeak(int n, int repeats) {
    try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
      NDArray a = manager.randomNormal(new Shape(n, n));
      NDArray b = manager.randomNormal(new Shape(n, n));
      for (int i = 0; i < 3; i++) {
        a.matMul(b).close();
      }
      double[] g = new double[repeats];
      for (int r = 0; r < repeats; r++) {
        long start = System.nanoTime();
        NDArray c = a.matMul(b);
        c.toFloatArray(); // wait for the result
        c.close();
        g[r] = 2.0 * n * n * n / ((System.nanoTime() - start) / 1e9) / 1e9;
      }
      return median(g);
    }
  }

  static double median(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }
}
