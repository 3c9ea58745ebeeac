package io.skillmix.bench;

import io.skillmix.data.Conversation;
import io.skillmix.data.DatasetActor;
import io.skillmix.data.ExampleEncoder;
import io.skillmix.data.builtin.BuiltinDataset;
import io.skillmix.data.builtin.BuiltinMix;
import io.skillmix.data.tokenizer.ByteTokenizer;
import io.skillmix.data.tokenizer.ChatTemplate;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/** How fast one dataset actor turns text into batches, against what the learner consumes. */
final class DataBench {

  private DataBench() {}

  static String run(int batches, double learnerBatchesPerSecond) throws Exception {
    Map<String, BuiltinDataset> mix = BuiltinMix.build(42, 12_000, 0.05);
    StringBuilder t = new StringBuilder(String.format(Locale.ROOT,
        "One dataset actor, vicuna template, byte tokenizer, max length 384, batches of 16, prefetch off"
            + " (every batch encoded on request); %d batches per set.%n%n", batches));
    t.append("| dataset | examples/s | batches/s | × the tiny learner's consumption |\n|---|---:|---:|---:|\n");
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "bench-data");
    try {
      for (BuiltinDataset set : mix.values()) {
        List<Conversation> train = set.train();
        ExampleEncoder encoder = new ExampleEncoder(ChatTemplate.VICUNA, new ByteTokenizer(), 384,
            ExampleEncoder.Overlength.TRUNCATE);
        ActorRef<DatasetActor.Command> actor = system.systemActorOf(
            DatasetActor.create(new DatasetActor.Settings(set.name(), 1, 8), train, encoder), "d-" + set.name(),
            org.apache.pekko.actor.typed.Props.empty());
        for (int i = 0; i < batches; i++) {
          ask(system, actor); // warm-up: the JIT compiles the encoding path on the first set
        }
        long start = System.nanoTime();
        for (int i = 0; i < batches; i++) {
          ask(system, actor);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double perSecond = batches / seconds;
        t.append(String.format(Locale.ROOT, "| %s | %,.0f | %,.0f | %.0f× |%n", set.name(), perSecond * 16,
            perSecond, perSecond / learnerBatchesPerSecond));
      }
    } finally {
      system.terminate();
    }
    t.append(String.format(Locale.ROOT, "%nLearner consumption assumed: %.1f batches/s (tiny preset, measured by"
        + " `scripts/bench model` on this machine).%n", learnerBatchesPerSecond));
    return t.toString();
  }

  private static void ask(ActorSystem<Void> system, ActorRef<DatasetActor.Command> actor) throws Exception {
    CompletionStage<DatasetActor.Batch> reply = AskPattern.ask(actor,
        replyTo -> new DatasetActor.RequestBatch(DatasetActor.StreamKind.REWARD, 16, replyTo),
        Duration.ofSeconds(30), system.scheduler());
    reply.toCompletableFuture().get();
  }
}
