package io.skillmix.bench;

import ai.djl.Device;
import io.skillmix.data.TokenizedExample;
import io.skillmix.learn.Trainer;
import io.skillmix.model.ChunkedHead;
import io.skillmix.model.LanguageModel;
import io.skillmix.model.LoraSettings;
import io.skillmix.model.ModelConfig;
import io.skillmix.run.RunSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Training steps of a preset-shaped model (random weights) at {@code batch × length}: seconds per
 * step, tokens per second and the process's peak resident memory (VmHWM, what {@code /usr/bin/time -v}
 * reports as maximum resident set size). Each sequence's second half is the response (counted in
 * the loss). {@code loss=full} takes the (batch, length, vocabulary) log-softmax that the chunked
 * loss replaced; {@code loss=checkpointed} the chunked one with activation checkpointing. A watchdog ends the process once resident memory passes
 * {@code SKILLMIX_BENCH_RSS_LIMIT_MIB} (default 17,500), so a size that does not fit fails cleanly.
 */
final class StepMemoryBench {

  private StepMemoryBench() {}

  static String run(BenchOptions options) throws Exception {
    String preset = options.presets().get(0);
    int batch = options.batch() > 0 ? options.batch() : 4;
    int length = options.length() > 0 ? options.length() : 512;
    int steps = options.steps(2);
    boolean full = "full".equals(options.loss());
    boolean checkpointing = "checkpointed".equals(options.loss());
    long limitMib = Long.parseLong(System.getenv().getOrDefault("SKILLMIX_BENCH_RSS_LIMIT_MIB", "17500"));
    Thread watchdog = new Thread(() -> watch(limitMib), "rss-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();

    ModelConfig config = ModelConfig.preset(preset);
    List<TokenizedExample> examples = examples(config.vocabSize(), batch, length);
    io.skillmix.learn.TrainSettings settings = new io.skillmix.learn.TrainSettings(steps, batch, batch, 1e-4, 0, 0.01, 0.9, 0.95, 1e-8, 1.0,
        1000, full ? 0 : ChunkedHead.DEFAULT_CHUNK, checkpointing);
    double[] seconds = new double[steps];
    long afterInit;
    // SKILLMIX_BENCH_LORA_RANK=r: LoRA adapters of rank r (alpha 2r) on every projection, with
    // dropout SKILLMIX_BENCH_LORA_DROPOUT (default 0.05, model.lora.dropout's).
    int loraRank = Integer.parseInt(System.getenv().getOrDefault("SKILLMIX_BENCH_LORA_RANK", "0"));
    double loraDropout = Double.parseDouble(System.getenv().getOrDefault("SKILLMIX_BENCH_LORA_DROPOUT", "0.05"));
    LanguageModel model = LanguageModel.random(config, Device.cpu(), 1);
    if (loraRank > 0) {
      model.addLora(new LoraSettings(loraRank, 2.0 * loraRank, loraDropout, LoraSettings.ALL_PROJECTIONS), 1);
    }
    long snapshotBytes;
    try (Trainer trainer = new Trainer(model, settings, 0)) {
      afterInit = residentMib("VmRSS");
      snapshotBytes = trainer.snapshotBytes();
      System.out.printf(Locale.ROOT, "  %s: %,d parameters, resident %,d MiB after init, snapshot %,d bytes%n", preset,
          config.parameterCount(), afterInit, snapshotBytes);
      for (int s = 0; s < steps; s++) {
        long start = System.nanoTime();
        Trainer.StepResult r = trainer.step(examples);
        seconds[s] = (System.nanoTime() - start) / 1e9;
        System.out.printf(Locale.ROOT, "  step %d: %.1f s, loss %.4f, resident %,d MiB, peak %,d MiB%n", s + 1,
            seconds[s], r.loss(), residentMib("VmRSS"), residentMib("VmHWM"));
      }
    }
    double last = seconds[steps - 1];
    long tokens = (long) batch * length;
    return String.format(Locale.ROOT,
        "One training step (forward, backward, clipping, AdamW) of the %s-shaped model (%,d parameters, random"
            + " weights, vocabulary %,d) at %d × %d tokens, half of them counted; loss: %s. Seconds and tokens/s"
            + " from the last of %d steps (the first includes warm-up); peak resident memory is the process's"
            + " VmHWM; snapshot bytes: what each update sends the reward evaluator.%n%n| training | loss | batch × length"
            + " | s/step | tokens/s | resident after init MiB | peak resident MiB | snapshot bytes |%n"
            + "|---|---|---|---:|---:|---:|---:|---:|%n| %s | %s | %d × %d | %.1f | %.0f | %,d | %,d | %,d |%n",
        preset, config.parameterCount(), config.vocabSize(), batch, length,
        full ? "full (batch, length, vocabulary) log-softmax"
            : "chunked, " + ChunkedHead.DEFAULT_CHUNK + " rows" + (checkpointing ? ", activation checkpointing" : ""),
        steps, loraRank > 0 ? "LoRA rank " + loraRank + ", dropout " + loraDropout : "full fine-tuning",
        full ? "full" : checkpointing ? "chunked + checkpointing" : "chunked", batch, length, last, tokens / last,
        afterInit, residentMib("VmHWM"), snapshotBytes);
  }

  /** Random tokens; the second half of each sequence is the response. */
  private static List<TokenizedExample> examples(int vocab, int batch, int length) {
    Random random = new Random(9);
    List<TokenizedExample> out = new ArrayList<>();
    for (int b = 0; b < batch; b++) {
      int[] ids = new int[length + 1]; // shifted into length inputs and length targets
      boolean[] target = new boolean[length + 1];
      for (int t = 0; t <= length; t++) {
        ids[t] = random.nextInt(vocab);
        target[t] = t > length / 2;
      }
      out.add(new TokenizedExample(ids, target));
    }
    return out;
  }

  private static void watch(long limitMib) {
    while (true) {
      long rss = residentMib("VmRSS");
      if (rss > limitMib) {
        System.out.printf(Locale.ROOT, "stopped: resident memory %,d MiB passed the limit of %,d MiB"
            + " (SKILLMIX_BENCH_RSS_LIMIT_MIB); this size does not fit%n", rss, limitMib);
        System.out.flush();
        Runtime.getRuntime().halt(3);
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** A memory line of /proc/self/status in MiB (VmRSS now, VmHWM the peak); -1 off Linux. */
  static long residentMib(String key) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"), StandardCharsets.UTF_8)) {
        if (line.startsWith(key + ":")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
        }
      }
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
    return -1;
  }
}
