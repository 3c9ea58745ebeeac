package io.skillmix.cluster;

import io.skillmix.CrossNode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skillmix.UserError;
import io.skillmix.data.DatasetActor;
import io.skillmix.data.ExampleStream;
import io.skillmix.data.TokenizedExample;
import io.skillmix.learn.Learner;
import io.skillmix.mix.MixtureScorer;
import io.skillmix.mix.Scorer;
import io.skillmix.mix.RewardEvaluator;
import io.skillmix.model.ParameterSnapshot;
import io.skillmix.metrics.MetricsSink;
import io.skillmix.metrics.ResumePoint;
import java.io.IOException;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * One instance of every registered message type goes through the serializer and comes back
 * equal. The list of types is found, not typed in: every concrete {@link CrossNode} class on the
 * class path and every permitted subclass of the actors' sealed protocols needs a registry row and
 * a sample below, so a new message without either fails here.
 */
@ExtendWith(LogCapturingExtension.class)
class KryoRegistryTest {

  private static final ActorTestKit testKit = ActorTestKit.create();
  private static final KryoSerializer serializer = RoundTrip.serializer(testKit.system());

  /** The sealed protocols of the actors whose messages may cross nodes. */
  static final List<Class<?>> PROTOCOLS = List.of(DatasetActor.Command.class, Learner.Command.class,
      Learner.Outcome.class, RewardEvaluator.Command.class, MixtureScorer.Command.class,
      MetricsSink.Command.class, RewardShare.Command.class, RewardShare.Answer.class, NodeClaim.Answer.class);

  /** Id blocks by package, as {@link KryoRegistry} documents them. */
  private static final Map<String, Integer> BLOCKS = Map.of("io.skillmix.data", 100,
      "io.skillmix.learn", 200, "io.skillmix.mix", 300, "io.skillmix.model", 400,
      "io.skillmix.run", 500, "io.skillmix.cluster", 600, "io.skillmix.checkpoint", 700, "io.skillmix.metrics", 800);

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  /** One instance per class; a new message type needs a line here. */
  private static Map<Class<?>, Object> samples() {
    ActorRef<Object> ref = testKit.createTestProbe().getRef();
    TokenizedExample example = new TokenizedExample(new int[] {5, 6, 7}, new boolean[] {false, true, true});
    ExampleStream.Position position = new ExampleStream.Position(2, 17);
    Map<String, float[]> weights = new LinkedHashMap<>();
    weights.put("model.embed_tokens.weight", new float[] {0.5f, -1.25f, Float.MIN_VALUE});
    weights.put("lm_head.weight", new float[] {3f});
    ParameterSnapshot snapshot = new ParameterSnapshot(200, weights);

    List<Object> all = new ArrayList<>();
    all.add(new DatasetActor.RequestBatch(DatasetActor.StreamKind.HELD_OUT, 16, ref.narrow()));
    all.add(new DatasetActor.Batch("math", DatasetActor.StreamKind.TRAIN, List.of(example, example)));
    all.add(new DatasetActor.SetProbability(0.25));
    all.add(new DatasetActor.GetState(ref.narrow()));
    all.add(new DatasetActor.Restore("{\"dataset\":\"nlp\"}"));
    all.add(new io.skillmix.checkpoint.ComponentState("dataset:nlp", "{\"dataset\":\"nlp\",\"train\":{}}"));
    all.add(DatasetActor.StreamKind.REWARD);
    all.add(example);
    all.add(position);
    all.add(new Learner.Start(ref.narrow()));
    all.add(new Learner.ScorerAnswered(new MixtureScorer.Computed(100, new double[] {0.2, 0.8})));
    all.add(new MixtureScorer.Computed(100, new double[] {0.2, 0.8}));
    all.add(new MixtureScorer.NotComputed(100, "java.lang.IllegalStateException: evaluator crashed"));
    all.add(new Learner.Finished(600, new double[] {0.5, 0.5}, 1, true, "runs/a/checkpoints/step-000600"));
    all.add(Learner.RequestStop.INSTANCE);
    all.add(new Learner.Failed(12, new UserError("model.path: no config.json; point it at a model folder")));
    all.add(new RewardEvaluator.Reference(new ParameterSnapshot(0, weights)));
    all.add(new RewardEvaluator.Evaluate(snapshot));
    all.add(new RewardEvaluator.Abandon(100));
    all.add(new MixtureScorer.Rewards(100, new double[] {0.1, -0.3}, 1.5));
    all.add(new MixtureScorer.Subscribe(ref.narrow()));
    all.add(new MixtureScorer.GetState(ref.narrow()));
    all.add(new MixtureScorer.Restore("{\"ema\":[0.9,1.0]}"));
    all.add(new MixtureScorer.RewardsFailed(100, "timeout"));
    all.add(new MixtureScorer.Observed(100, true, List.of(new io.skillmix.mix.MixturePolicy.StepLosses(99,
        new double[] {2.5, Double.NaN}, 2.5, 0.7, 0))));
    all.add(new MixtureScorer.Missed(100));
    all.add(new MixtureScorer.Measured(100));
    all.add(new io.skillmix.mix.MixturePolicy.StepLosses(7, new double[] {1.5, Double.NaN}, 1.5, 0.25, 1));
    all.add(new Learner.ScorerAnswered(new MixtureScorer.Measured(100)));
    all.add(snapshot);
    all.add(new MetricsSink.TrainStep(3, 2.5, new double[] {2.25, Double.NaN}, new int[] {16, 0}, 1e-3, 0.7, 512,
        64, 0.05, 0.001));
    all.add(new MetricsSink.WeightsApplied(new io.skillmix.metrics.WeightUpdate(100, 150, new double[] {0.3, 0.7})));
    all.add(new io.skillmix.metrics.WeightUpdate(100, 150, new double[] {0.3, 0.7}));
    all.add(new MetricsSink.SnapshotSent(100));
    all.add(new MetricsSink.SnapshotAnswered(100, 150, 2.25));
    all.add(new MetricsSink.RewardsComputed(100, new double[] {1, 2}, new double[] {0.9, 1.9},
        new double[] {0.4, 0.6}, 2.0));
    all.add(new MetricsSink.Note(4, "skipped_update", "no probabilities within 600 s"));
    all.add(new MetricsSink.Finish(ref.narrow()));
    all.add(new MetricsSink.Mark(ref.narrow()));
    all.add(new MetricsSink.Evaluated(100, Map.of("math", 1.5), Map.of("math", 12.5, "overall", 20.0), 3.0));
    SnapshotOffer offer = new SnapshotOffer(200, "127.0.0.1", 25530, "00112233445566778899aabbccddeeff", 4,
        SnapshotDtype.BF16, true);
    all.add(offer);
    all.add(SnapshotDtype.F32);
    all.add(new RewardShare.Reference(offer));
    all.add(new RewardShare.Compute(offer, new int[] {0, 2}, 3, List.of(List.of(example), List.of(example)),
        List.of(), false, ref.narrow()));
    all.add(new RewardShare.Abandon(200));
    all.add(new RewardShare.Parts(200, new int[] {0, 2}, new double[][] {{0.5, 1.5}, {2.0}}, "pekko://skillmix@127.0.0.1:25521"));
    all.add(new RewardShare.Failed(200, new int[] {1}, "snapshot transfer failed", "pekko://skillmix@127.0.0.1:25521"));
    all.add(new NodeClaim.Claim("pekko://skillmix@127.0.0.1:25520", ref.narrow(), ref.narrow()));
    all.add(new NodeClaim.Granted("pekko://skillmix@127.0.0.1:25522"));
    all.add(new NodeClaim.Refused("pekko://skillmix@127.0.0.1:25522", "pekko://skillmix@127.0.0.1:25520"));
    all.add(new NodeClaim.StopJob("pekko://skillmix@127.0.0.1:25522"));
    Map<Class<?>, Object> samples = new LinkedHashMap<>();
    for (Object sample : all) {
      samples.put(sample.getClass(), sample);
    }
    return samples;
  }

  @Test
  void everyRegisteredTypeRoundTripsEqual() {
    Map<Class<?>, Object> samples = samples();
    List<String> missing = new ArrayList<>();
    for (KryoRegistry.Row row : KryoRegistry.rows()) {
      if (row.id() < KryoRegistry.FIRST_PROJECT_ID) {
        continue; // JDK and Pekko rows: exercised inside the messages
      }
      Object sample = samples.get(row.type());
      if (sample == null) {
        missing.add(row.type().getName());
        continue;
      }
      RoundTrip.assertSame(sample, RoundTrip.roundTrip(serializer, sample));
    }
    assertEquals(List.of(), missing, "registered types without a sample in KryoRegistryTest.samples()");
  }

  @Test
  void everyCrossNodeMessageIsRegisteredAndHasASample() throws Exception {
    Set<Class<?>> registered = new java.util.HashSet<>();
    KryoRegistry.rows().forEach(row -> registered.add(row.type()));
    Map<Class<?>, Object> samples = samples();
    Set<String> problems = new TreeSet<>();
    for (Class<?> type : crossNodeTypes()) {
      if (!registered.contains(type)) {
        problems.add(type.getName() + " has no row in KryoRegistry");
      }
      if (!samples.containsKey(type)) {
        problems.add(type.getName() + " has no sample in KryoRegistryTest.samples()");
      }
    }
    assertEquals(Set.of(), problems);
  }

  @Test
  void theActorProtocolsAreCrossNode() {
    for (Class<?> protocol : PROTOCOLS) {
      assertTrue(CrossNode.class.isAssignableFrom(protocol), protocol.getName() + " should extend CrossNode");
    }
    assertTrue(CrossNode.class.isAssignableFrom(DatasetActor.Batch.class), "a reply crosses nodes too");
  }

  @Test
  void idsSitInTheirPackagesBlock() {
    for (KryoRegistry.Row row : KryoRegistry.rows()) {
      if (row.id() < KryoRegistry.FIRST_PROJECT_ID) {
        assertTrue(!row.type().getName().startsWith("io.skillmix."), row + " belongs in a package block");
        continue;
      }
      Integer block = BLOCKS.get(row.type().getPackageName());
      assertTrue(block != null, "no id block for package " + row.type().getPackageName());
      assertTrue(row.id() >= block && row.id() < block + 100,
          row.type().getName() + " has id " + row.id() + " outside its block " + block + "–" + (block + 99));
    }
  }

  /**
   * The public concrete classes that may cross nodes: every {@link CrossNode} implementation
   * compiled into the project, and every permitted subclass of the sealed protocols. Private
   * messages (an actor's own timers and adapters) never leave their actor and are left out.
   */
  static Set<Class<?>> crossNodeTypes() throws IOException, URISyntaxException {
    Set<Class<?>> types = new java.util.LinkedHashSet<>();
    for (Class<?> protocol : PROTOCOLS) {
      collectPermitted(protocol, types);
    }
    Path classes = Path.of(CrossNode.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    try (Stream<Path> files = Files.walk(classes)) {
      for (Path file : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".class"))::iterator) {
        String name = classes.relativize(file).toString().replace('/', '.').replaceAll("\\.class$", "");
        Class<?> type;
        try {
          type = Class.forName(name, false, CrossNode.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
          continue;
        }
        if (CrossNode.class.isAssignableFrom(type) && isConcrete(type) && isPublic(type)) {
          types.add(type);
        }
      }
    }
    return types;
  }

  private static void collectPermitted(Class<?> type, Set<Class<?>> into) {
    if (isConcrete(type)) {
      if (isPublic(type)) {
        into.add(type);
      }
      return;
    }
    assertTrue(type.isSealed(), type.getName() + " should be sealed so its messages can be listed");
    for (Class<?> sub : type.getPermittedSubclasses()) {
      collectPermitted(sub, into);
    }
  }

  private static boolean isConcrete(Class<?> type) {
    return !type.isInterface() && !Modifier.isAbstract(type.getModifiers());
  }

  private static boolean isPublic(Class<?> type) {
    for (Class<?> c = type; c != null; c = c.getEnclosingClass()) {
      if (!Modifier.isPublic(c.getModifiers())) {
        return false;
      }
    }
    return true;
  }
}
