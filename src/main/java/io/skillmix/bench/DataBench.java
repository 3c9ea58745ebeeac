package io.skillmix.bench;

import io.skillmix.config.ConfigLoader;
import io.skillmix.data.Conversation;
import io.skillmix.data.DatasetActor;
import io.skillmix.data.tokenizer.ExampleEncoder;
import io.skillmix.data.builtin.BuiltinDataset;
import io.skillmix.data.builtin.BuiltinMix;
import io.skillmix.data.tokenizer.ByteTokenizer;
import io.skillmix.data.tokenizer.ChatTemplate;
import io.skillmix.metrics.RunHistory;
import io.skillmix.run.TrainingRun;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * How fast one dataset actor turns text into batches, against what the learner consumes; then the
 * share of the learner's time spent waiting for batches over a whole plain run (uniform mixture, no
 * rewards, so every wait is a wait for data); then how fast the dataset reader reads each file layout.
 */
final class DataBench {

  private static final int ACTOR_BATCHES = 300;

  private DataBench() {}

  static String run(BenchOptions options) throws Exception {
    try (ScratchDir scratch = new ScratchDir("skillmix-bench-data")) {
      return run(options, scratch.path());
    }
  }

  private static String run(BenchOptions options, Path root) throws Exception {
    int rounds = options.rounds(3);
    int steps = options.steps(500);
    // The learner first: its consumption is what the actors' throughput is read against.
    double[] consumption = new double[rounds];
    double[] waiting = new double[rounds];
    double[] wall = new double[rounds];
    for (int r = 0; r < rounds; r++) {
      long start = System.nanoTime();
      TrainingRun.Outcome outcome = TrainingRun.run(ConfigLoader.load(null, List.of("mix.method=uni",
          "train.steps=" + steps, "run.progress=false", "run.dir=\"" + root.resolve("run-" + r) + "\"")));
      wall[r] = (System.nanoTime() - start) / 1e9;
      RunHistory h = outcome.history();
      consumption[r] = outcome.steps() / h.trainSeconds();
      waiting[r] = h.waitSeconds() / (h.trainSeconds() + h.waitSeconds());
      System.out.printf(Locale.ROOT, "  learner run %d: %.1f s, %.2f batches/s while training, waiting %.2f%%%n",
          r + 1, wall[r], consumption[r], 100 * waiting[r]);
    }
    double learner = ModelBench.median(consumption);

    Map<String, BuiltinDataset> mix = BuiltinMix.build(42, 12_000, 0.05);
    StringBuilder t = new StringBuilder(String.format(Locale.ROOT,
        "One dataset actor, vicuna template, byte tokenizer, max length 384, batches of 16, reward stream"
            + " (not prefetched: every batch encoded on request); %d batches per set after as many for"
            + " warm-up; median of %d rounds.%n%n", ACTOR_BATCHES, rounds));
    t.append("| dataset | examples/s | batches/s | × the learner's consumption |\n|---|---:|---:|---:|\n");
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "bench-data");
    try {
      for (BuiltinDataset set : mix.values()) {
        List<Conversation> train = set.train();
        ExampleEncoder encoder = new ExampleEncoder(ChatTemplate.VICUNA, new ByteTokenizer(), 384,
            ExampleEncoder.Overlength.TRUNCATE);
        ActorRef<DatasetActor.Command> actor = system.systemActorOf(
            DatasetActor.create(new DatasetActor.Settings(set.name(), 1, 8), train, encoder), "d-" + set.name(),
            org.apache.pekko.actor.typed.Props.empty());
        for (int i = 0; i < ACTOR_BATCHES; i++) {
          ask(system, actor); // warm-up: the JIT compiles the encoding path on the first set
        }
        double[] perSecond = new double[rounds];
        for (int r = 0; r < rounds; r++) {
          long start = System.nanoTime();
          for (int i = 0; i < ACTOR_BATCHES; i++) {
            ask(system, actor);
          }
          perSecond[r] = ACTOR_BATCHES / ((System.nanoTime() - start) / 1e9);
        }
        double rate = ModelBench.median(perSecond);
        t.append(String.format(Locale.ROOT, "| %s | %,.0f | %,.0f | %,.0f× |%n", set.name(), rate * 16, rate,
            rate / learner));
      }
    } finally {
      system.terminate();
    }
    t.append(String.format(Locale.ROOT, "%nLearner: default run with mix.method = uni (tiny preset, batch 16,"
        + " prefetch-steps 8), %d steps, median of %d run(s): consumes %.2f batches/s while training;"
        + " waits for batches %.2f%% of its time (training plus waiting); whole run %.1f s.%n",
        steps, rounds, learner, 100 * ModelBench.median(waiting), ModelBench.median(wall)));
    t.append(ReaderBench.table(root, rounds));
    return t.toString();
  }

  private static void ask(ActorSystem<Void> system, ActorRef<DatasetActor.Command> actor) throws Exception {
    CompletionStage<DatasetActor.Batch> reply = AskPattern.ask(actor,
        replyTo -> new DatasetActor.RequestBatch(DatasetActor.StreamKind.REWARD, 16, replyTo),
        Duration.ofSeconds(30), system.scheduler());
    reply.toCompletableFuture().get();
  }
}
