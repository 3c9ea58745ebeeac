import ai.djl.Device;
import io.skillmix.data.TokenizedExample;
import io.skillmix.learn.Trainer;
import io.skillmix.model.LanguageModel;
import io.skillmix.model.ModelConfig;
import io.skillmix.run.RunSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The "before" side of the step-memory benchmark, compiled against the base commit 7dbf015: the same
 * qwen2.5-0.5b shape, examples, settings and measurements as io.skillmix.bench.StepMemoryBench.
 * Args: batch length steps.
 */
public class BaseStep {
  public static void main(String[] args) throws Exception {
    int batch = Integer.parseInt(args[0]);
    int length = Integer.parseInt(args[1]);
    int steps = Integer.parseInt(args[2]);
    long limit = Long.parseLong(System.getenv().getOrDefault("SKILLMIX_BENCH_RSS_LIMIT_MIB", "17500"));
    Thread w = new Thread(() -> {
      while (true) {
        long rss = mib("VmRSS");
        if (rss > limit) {
          System.out.printf("stopped: resident memory %,d MiB passed the limit of %,d MiB; this size does not fit%n",
              rss, limit);
          System.out.flush();
          Runtime.getRuntime().halt(3);
        }
        try { Thread.sleep(100); } catch (InterruptedException e) { return; }
      }
    });
    w.setDaemon(true);
    w.start();
    ModelConfig config = new ModelConfig("qwen2", 151936, 896, 4864, 24, 14, 2, 64, 32768,
        1_000_000.0, 1e-6, true, true, 151643, 151645);
    Random random = new Random(9);
    List<TokenizedExample> examples = new ArrayList<>();
    for (int b = 0; b < batch; b++) {
      int[] ids = new int[length + 1];
      boolean[] target = new boolean[length + 1];
      for (int t = 0; t <= length; t++) {
        ids[t] = random.nextInt(config.vocabSize());
        target[t] = t > length / 2;
      }
      examples.add(new TokenizedExample(ids, target));
    }
    RunSettings.Train settings = new RunSettings.Train(steps, batch, batch, 1e-4, 0, 0.01, 0.9, 0.95, 1e-8, 1.0, 1000);
    try (Trainer trainer = new Trainer(LanguageModel.random(config, Device.cpu(), 1), settings, 0)) {
      System.out.printf("  base 7dbf015: %,d parameters, resident %,d MiB after init%n", config.parameterCount(),
          mib("VmRSS"));
      for (int s = 0; s < steps; s++) {
        long start = System.nanoTime();
        Trainer.StepResult r = trainer.step(examples);
        double sec = (System.nanoTime() - start) / 1e9;
        System.out.printf("  step %d: %.1f s, %.0f tokens/s, loss %.4f, resident %,d MiB, peak %,d MiB%n", s + 1,
            sec, batch * length / sec, r.loss(), mib("VmRSS"), mib("VmHWM"));
      }
    }
    System.exit(0);
  }

  static long mib(String key) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith(key + ":")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
        }
      }
    } catch (Exception e) {
      return -1;
    }
    return -1;
  }
}
