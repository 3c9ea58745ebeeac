package io.skillmix.learn;

import ai.djl.Device;
import io.skillmix.data.Conversation;
import io.skillmix.data.DatasetActor;
import io.skillmix.data.TokenizedExample;
import io.skillmix.data.tokenizer.ByteTokenizer;
import io.skillmix.model.LanguageModel;
import io.skillmix.model.ModelConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/** A learner's collaborators for tests: a tiny trainer and dataset actors over byte-encoded questions. */
public final class LearnerFixtures {

  private static final ByteTokenizer TOKENIZER = new ByteTokenizer();

  private LearnerFixtures() {}

  /** A 1-layer byte-vocabulary model that trains {@code steps} steps, batches of 2. */
  public static Trainer trainer(long steps) {
    ModelConfig config = new ModelConfig("llama", 259, 32, 64, 1, 2, 1, 16, 128, 10000.0, 1e-5, true, false, 257, 258);
    return new Trainer(LanguageModel.random(config, Device.cpu(), 1),
        new TrainSettings(steps, 2, 2, 1e-3, 0.0, 0.0, 0.9, 0.95, 1e-8, 1.0, 1000), 0);
  }

  /** Bytes of {@code text}, the second half the target. */
  public static TokenizedExample encode(String text) {
    int[] ids = TOKENIZER.encode(text);
    boolean[] target = new boolean[ids.length];
    Arrays.fill(target, ids.length / 2, ids.length, true);
    return new TokenizedExample(ids, target);
  }

  /** A batch request as a dataset actor got it, with that dataset's name. */
  public record Asked(String dataset, DatasetActor.RequestBatch request) {}

  /** Stand-ins for dataset actors, one per name, that pass every batch request, named, to {@code probe}. */
  public static Map<String, ActorRef<DatasetActor.Command>> askedOf(ActorTestKit kit, List<String> names,
      TestProbe<Asked> probe) {
    Map<String, ActorRef<DatasetActor.Command>> datasets = new LinkedHashMap<>();
    for (String name : names) {
      datasets.put(name, kit.spawn(Behaviors.receiveMessage((DatasetActor.Command m) -> {
        if (m instanceof DatasetActor.RequestBatch r) {
          probe.getRef().tell(new Asked(name, r));
        }
        return Behaviors.same();
      })));
    }
    return datasets;
  }

  /** One dataset actor per name, 20 questions each. */
  public static Map<String, ActorRef<DatasetActor.Command>> datasets(ActorTestKit kit, List<String> names) {
    Map<String, ActorRef<DatasetActor.Command>> out = new LinkedHashMap<>();
    for (String name : names) {
      List<Conversation> examples = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        examples.add(Conversation.of(name + " question " + i, "answer " + i));
      }
      out.put(name, kit.spawn(DatasetActor.create(new DatasetActor.Settings(name, 7, 2), examples,
          c -> encode(c.firstPrompt() + " => " + c.lastResponse()))));
    }
    return out;
  }
}
