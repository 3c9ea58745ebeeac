package io.skillmix.bench;

import ai.djl.Device;
import io.skillmix.data.Conversation;
import io.skillmix.data.TokenizedExample;
import io.skillmix.data.builtin.BuiltinDataset;
import io.skillmix.data.builtin.BuiltinMix;
import io.skillmix.data.tokenizer.ByteTokenizer;
import io.skillmix.data.tokenizer.ChatTemplate;
import io.skillmix.data.tokenizer.ExampleEncoder;
import io.skillmix.learn.TrainSettings;
import io.skillmix.learn.Trainer;
import io.skillmix.model.LanguageModel;
import io.skillmix.model.ModelConfig;
import io.skillmix.model.ModelInputs;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Training steps on the built-in mix with padding against packing ({@code train.packing}): real
 * (non-pad) tokens per second, the share of computed positions that are padding, and time per step,
 * for batches of one dataset (as runs draw them today) and batches that mix datasets example by
 * example. Both sides step the same batches; they alternate which goes first in each round, and
 * the speed-up is taken per round.
 */
final class PackingBench {

  private static final int BATCH = 16;
  private static final int MAX_LENGTH = 384;

  private PackingBench() {}


  /** One way of laying the batches out; {@code packLength} -1: padded, 0: rows of the step's longest. */
  private record Layout(String name, int packLength) {}

  // With the byte tokenizer and vicuna's system turn every built-in example is over 192 tokens, so
  // rows of data.max-length (or of the step's longest example, the default) hold one example each:
  // longer rows are what packing needs here, at the price of attention over the whole row.
  private static final List<Layout> LAYOUTS = List.of(new Layout("padded", -1),
      new Layout("packed, rows of the step's longest example (default)", 0),
      new Layout("packed, rows of " + 2 * MAX_LENGTH, 2 * MAX_LENGTH),
      new Layout("packed, rows of " + 4 * MAX_LENGTH, 4 * MAX_LENGTH));

  /**
   * One side of a round over its timed steps: real tokens, padding, seconds, and the attention
   * scores its rows computed (rows × length² per pass, summed), a cost that does not depend on the load.
   */
  private record Side(long tokens, long padTokens, double seconds, int steps, long scores) {

    double tokensPerSecond() {
      return tokens / seconds;
    }

    double paddingShare() {
      return (double) padTokens / (tokens + padTokens);
    }

    double secondsPerStep() {
      return seconds / steps;
    }
  }

  static String run(BenchOptions options) {
    int steps = options.steps(10);
    int rounds = options.rounds(3);
    int warmup = Math.max(0, options.warmup(2));
    StringBuilder t = new StringBuilder(String.format(Locale.ROOT,
        "Built-in mix (vicuna template with its system sentence, as the default run, and without it,"
            + " model.system-prompt = \"\" as conf/benchmark.conf; byte tokenizer, max length %d), tiny preset,"
            + " batch %d in one pass"
            + " (micro-batch %d). Each side steps the same %d batches a round after %d untimed; odd rounds run"
            + " the sides in reverse order; medians of %d rounds, speed-ups taken per round. Real tokens:"
            + " positions holding an example's token (padding not counted). Attention scores: rows × length²"
            + " per pass, per step (what the masked attention computes, wanted or not).%n%n",
        MAX_LENGTH, BATCH, BATCH, steps, warmup, rounds));
    t.append("| system sentence | batches | side | real tokens/s | padding share | s/step | attention scores/step"
        + " | real tokens/s ÷ padded |\n");
    t.append("|---|---|---|---:|---:|---:|---:|---:|\n");
    for (boolean system : new boolean[] {true, false}) {
      // Without the sentence the examples are short enough to share rows: the two default layouts only.
      List<Layout> layouts = system ? LAYOUTS : LAYOUTS.subList(0, 2);
      measureAll(t, encodedSets(system ? ChatTemplate.VICUNA : ChatTemplate.resolve("vicuna", null, "")),
          layouts, system ? "vicuna's" : "none", steps, rounds, warmup);
    }
    return t.toString();
  }

  private static void measureAll(StringBuilder t, List<List<TokenizedExample>> sets, List<Layout> layouts,
      String system, int steps, int rounds, int warmup) {
    for (boolean mixed : new boolean[] {false, true}) {
      List<List<TokenizedExample>> batches = batches(sets, mixed, warmup + steps, new Random(mixed ? 2 : 1));
      List<List<Side>> sides = new ArrayList<>();
      List<double[]> ratios = new ArrayList<>();
      List<Trainer> trainers = new ArrayList<>();
      for (Layout layout : layouts) {
        trainers.add(trainer(layout.packLength()));
        sides.add(new ArrayList<>());
        ratios.add(new double[rounds]);
      }
      try {
        for (int r = 0; r < rounds; r++) {
          Side[] round = new Side[layouts.size()];
          for (int k = 0; k < layouts.size(); k++) {
            int i = r % 2 == 0 ? k : layouts.size() - 1 - k;
            round[i] = measure(trainers.get(i), batches, warmup);
          }
          StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  %s, round %d:",
              mixed ? "mixed" : "one dataset", r + 1));
          for (int i = 0; i < round.length; i++) {
            sides.get(i).add(round[i]);
            ratios.get(i)[r] = round[i].tokensPerSecond() / round[0].tokensPerSecond();
            line.append(String.format(Locale.ROOT, " %s %,.0f tokens/s;", layouts.get(i).name(),
                round[i].tokensPerSecond()));
          }
          System.out.println(line);
        }
      } finally {
        trainers.forEach(Trainer::close);
      }
      String kind = mixed ? "examples of all datasets mixed" : "one dataset per batch";
      for (int i = 0; i < layouts.size(); i++) {
        t.append(row(system + " | " + kind, layouts.get(i).name(), sides.get(i),
            i == 0 ? "" : String.format(Locale.ROOT, "%.2f×", ModelBench.median(ratios.get(i)))));
      }
    }
  }

  private static String row(String kind, String side, List<Side> sides, String ratio) {
    Side any = sides.get(0);
    return String.format(Locale.ROOT, "| %s | %s | %,.0f | %.1f%% | %.3f | %,d | %s |%n", kind, side,
        ModelBench.median(sides.stream().mapToDouble(Side::tokensPerSecond).toArray()),
        100 * any.paddingShare(),
        ModelBench.median(sides.stream().mapToDouble(Side::secondsPerStep).toArray()), any.scores() / any.steps(),
        ratio);
  }

  /** @param packLength -1: padded; 0: packed into rows of the step's longest example */
  private static Trainer trainer(int packLength) {
    TrainSettings settings = new TrainSettings(1_000_000, BATCH, BATCH, 1e-4, 0.0, 0.01, 0.9, 0.95, 1e-8, 1.0,
        1_000_000);
    return new Trainer(LanguageModel.random(ModelConfig.preset("tiny"), Device.cpu(), 1),
        packLength < 0 ? settings : settings.packed(packLength), ByteTokenizer.PAD_ID);
  }

  private static Side measure(Trainer trainer, List<List<TokenizedExample>> batches, int warmup) {
    for (int i = 0; i < warmup; i++) {
      trainer.step(batches.get(i));
    }
    long tokens = 0;
    long pad = 0;
    long start = System.nanoTime();
    for (int i = warmup; i < batches.size(); i++) {
      Trainer.StepResult result = trainer.step(batches.get(i));
      tokens += result.tokens();
      pad += result.padTokens();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    long scores = 0;
    for (int i = warmup; i < batches.size(); i++) {
      for (ModelInputs.Rows pass : trainer.inputs().passes(batches.get(i), BATCH)) {
        scores += (long) pass.batch() * pass.length() * pass.length();
      }
    }
    return new Side(tokens, pad, seconds, batches.size() - warmup, scores);
  }

  /** The training examples of each built-in set, encoded as a default run encodes them. */
  private static List<List<TokenizedExample>> encodedSets(ChatTemplate template) {
    ExampleEncoder encoder = new ExampleEncoder(template, new ByteTokenizer(), MAX_LENGTH,
        ExampleEncoder.Overlength.TRUNCATE);
    List<List<TokenizedExample>> out = new ArrayList<>();
    for (BuiltinDataset set : BuiltinMix.build(42, 12_000, 0.05).values()) {
      List<TokenizedExample> encoded = new ArrayList<>();
      for (Conversation c : set.train()) {
        encoded.add(encoder.apply(c));
      }
      out.add(encoded);
    }
    return out;
  }

  /**
   * {@code n} batches: each of one set drawn uniformly, or ({@code mixed}) each example of a set
   * drawn uniformly, as batches that mix datasets would be.
   */
  private static List<List<TokenizedExample>> batches(List<List<TokenizedExample>> sets, boolean mixed, int n,
      Random random) {
    List<List<TokenizedExample>> out = new ArrayList<>();
    for (int b = 0; b < n; b++) {
      List<TokenizedExample> batch = new ArrayList<>();
      List<TokenizedExample> set = sets.get(random.nextInt(sets.size()));
      for (int i = 0; i < BATCH; i++) {
        List<TokenizedExample> from = mixed ? sets.get(random.nextInt(sets.size())) : set;
        batch.add(from.get(random.nextInt(from.size())));
      }
      out.add(batch);
    }
    return out;
  }
}
