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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Training-step throughput of the built-in presets (forward, backward, clipping, AdamW) on
 * synthetic batches, and the machine's matmul peak on the same threads for comparison.
 */
public final class ModelBench {

  /** One preset's measurement. */
  public record Result(String preset, long parameters, int batch, int length, double tokensPerSecond,
      double gflops, double stepMillis) {}

  private ModelBench() {}

  public static Result measure(String preset, int batch, int length, int steps, int repeats) {
    ModelConfig config = ModelConfig.preset(preset);
    RunSettings.Train settings = new RunSettings.Train(1_000_000, batch, batch, 1e-4, 0.0, 0.01, 0.9, 0.95,
        1e-8, 1.0, 1_000_000);
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
    try (Trainer trainer = new Trainer(LanguageModel.random(config, Device.cpu(), 1), settings, 0)) {
      for (int i = 0; i < 3; i++) {
        trainer.step(examples); // warm-up: allocator, JIT, optimizer state
      }
      double[] seconds = new double[repeats];
      for (int r = 0; r < repeats; r++) {
        long start = System.nanoTime();
        for (int i = 0; i < steps; i++) {
          trainer.step(examples);
        }
        seconds[r] = (System.nanoTime() - start) / 1e9 / steps;
      }
      double step = median(seconds);
      long params = config.parameterCount();
      double tokens = (double) batch * length;
      // 6·N·tokens for the matrices, plus attention scores and weighted sums (fwd 4·T²·d, ×3).
      double flops = 6.0 * params * tokens
          + 12.0 * config.numLayers() * batch * (double) length * length * config.numHeads() * config.headDim();
      return new Result(preset, params, batch, length, tokens / step, flops / step / 1e9, step * 1000);
    }
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

  public static String row(Result r, double peak) {
    return String.format(Locale.ROOT, "| %s | %,d | %d × %d | %.1f | %,.0f | %.1f | %.0f%% |", r.preset(),
        r.parameters(), r.batch(), r.length(), r.stepMillis(), r.tokensPerSecond(), r.gflops(),
        100 * r.gflops() / peak);
  }
}
