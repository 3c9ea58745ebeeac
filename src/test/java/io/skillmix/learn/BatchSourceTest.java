package io.skillmix.learn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skillmix.data.DatasetActor;
import io.skillmix.data.TokenizedExample;
import io.skillmix.learn.LearnerFixtures.Asked;
import io.skillmix.mix.BatchMixing;
import io.skillmix.mix.MixtureSampler;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** How a step's batch is drawn and assembled, with stand-ins for the dataset actors. */
@ExtendWith(LogCapturingExtension.class)
class BatchSourceTest {

  private static final ActorTestKit testKit = ActorTestKit.create();
  private static final List<String> NAMES = List.of("a", "b", "c");
  private static final double[] P = {0.5, 0.3, 0.2};

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  /** A source over stand-ins that pass their requests to {@code probe}. */
  private static BatchSource source(BatchMixing mixing, int batchSize, long seed, TestProbe<Asked> probe) {
    ActorRef<DatasetActor.Batch> nobody = testKit.<DatasetActor.Batch>createTestProbe().getRef();
    return new BatchSource(NAMES, LearnerFixtures.askedOf(testKit, NAMES, probe), new MixtureSampler(P, seed),
        batchSize, mixing, nobody);
  }

  /** The requests of one step: one per drawn dataset (at most one per dataset). */
  private static List<Asked> requests(TestProbe<Asked> probe, int batchSize) {
    List<Asked> out = new ArrayList<>();
    int asked = 0;
    while (asked < batchSize) {
      Asked a = probe.receiveMessage();
      assertEquals(DatasetActor.StreamKind.TRAIN, a.request().stream());
      assertTrue(a.request().size() > 0);
      assertTrue(out.stream().noneMatch(o -> o.dataset().equals(a.dataset())), "one request per dataset");
      out.add(a);
      asked += a.request().size();
    }
    assertEquals(batchSize, asked);
    return out;
  }

  /** Example k of {@code dataset}'s reply in step {@code step}: its ids say where it came from. */
  private static DatasetActor.Batch reply(Asked a, int step) {
    List<TokenizedExample> examples = new ArrayList<>();
    for (int k = 0; k < a.request().size(); k++) {
      examples.add(new TokenizedExample(new int[] {NAMES.indexOf(a.dataset()), k, step}, new boolean[] {false, true, true}));
    }
    return new DatasetActor.Batch(a.dataset(), DatasetActor.StreamKind.TRAIN, examples);
  }

  /** One step, the replies given in {@code reversed} or request order; the assembled batch. */
  private static BatchSource.Drawn step(BatchSource source, TestProbe<Asked> probe, int batchSize, int step,
      boolean reversed) {
    source.requestNext();
    List<Asked> asked = requests(probe, batchSize);
    List<Asked> order = new ArrayList<>(asked);
    if (reversed) {
      java.util.Collections.reverse(order);
    }
    BatchSource.Drawn drawn = null;
    for (int i = 0; i < order.size(); i++) {
      drawn = source.onBatch(reply(order.get(i), step));
      if (i < order.size() - 1) {
        assertNull(drawn, "the batch is complete only once every drawn dataset has answered");
      }
    }
    return drawn;
  }

  @Test
  void everyExampleDrawsItsDatasetAndTheCountsFollowTheProbabilities() {
    TestProbe<Asked> probe = testKit.createTestProbe();
    BatchSource source = source(BatchMixing.EXAMPLE, 16, 11, probe);
    long[] counts = new long[NAMES.size()];
    int mixedSteps = 0;
    int steps = 400;
    for (int s = 0; s < steps; s++) {
      BatchSource.Drawn drawn = step(source, probe, 16, s, s % 2 == 1);
      int[] perStep = drawn.counts(NAMES.size());
      int present = 0;
      for (int d = 0; d < NAMES.size(); d++) {
        counts[d] += perStep[d];
        present += perStep[d] > 0 ? 1 : 0;
      }
      mixedSteps += present > 1 ? 1 : 0;
      // In draw order: example i is from the dataset drawn for it, each dataset's examples in turn.
      int[] next = new int[NAMES.size()];
      for (int i = 0; i < 16; i++) {
        int[] ids = drawn.examples().get(i).ids();
        assertEquals(drawn.datasets()[i], ids[0]);
        assertEquals(next[ids[0]]++, ids[1]);
        assertEquals(s, ids[2]);
      }
    }
    // Pearson's chi-square over 6,400 draws, 2 degrees of freedom: 13.82 is the 0.1% point.
    double n = steps * 16;
    double chi2 = 0;
    for (int d = 0; d < NAMES.size(); d++) {
      double expected = n * P[d];
      chi2 += (counts[d] - expected) * (counts[d] - expected) / expected;
    }
    assertTrue(chi2 < 13.82, "chi-square " + chi2 + " for counts " + java.util.Arrays.toString(counts));
    assertTrue(mixedSteps > steps * 0.95, "batches mix datasets: " + mixedSteps + " of " + steps);
  }

  @Test
  void theBatchIsTheSameWhateverOrderTheRepliesArriveIn() {
    TestProbe<Asked> first = testKit.createTestProbe();
    TestProbe<Asked> second = testKit.createTestProbe();
    BatchSource inOrder = source(BatchMixing.EXAMPLE, 8, 5, first);
    BatchSource reversed = source(BatchMixing.EXAMPLE, 8, 5, second);
    for (int s = 0; s < 20; s++) {
      BatchSource.Drawn a = step(inOrder, first, 8, s, false);
      BatchSource.Drawn b = step(reversed, second, 8, s, true);
      assertArrayEquals(a.datasets(), b.datasets());
      for (int i = 0; i < 8; i++) {
        assertArrayEquals(a.examples().get(i).ids(), b.examples().get(i).ids());
      }
    }
  }

  @Test
  void batchMixingDrawsOneDatasetPerStepAsTheSamplerDoes() {
    TestProbe<Asked> probe = testKit.createTestProbe();
    BatchSource source = source(BatchMixing.BATCH, 4, 7, probe);
    MixtureSampler same = new MixtureSampler(P, 7);
    for (int s = 0; s < 50; s++) {
      source.requestNext();
      Asked asked = probe.receiveMessage();
      assertEquals(NAMES.get(same.next()), asked.dataset());
      assertEquals(4, asked.request().size(), "the whole batch from it");
      DatasetActor.Batch batch = reply(asked, s);
      BatchSource.Drawn drawn = source.onBatch(batch);
      assertEquals(batch.examples(), drawn.examples(), "the reply's examples, in its order");
    }
  }

  @Test
  void aDatasetsLossIsTheTokenWeightedMeanOverItsExamples() {
    BatchSource.Drawn drawn = new BatchSource.Drawn(List.of(), new int[] {0, 1, 0, 1}, new int[] {1, 0, -1});
    Trainer.StepResult result = new Trainer.StepResult(1.9, 1e-3, 1, 40, 0, false,
        new double[] {2, 3, 6, 8}, new int[] {1, 2, 3, 4});
    double[] losses = drawn.losses(result, 3);
    assertEquals(8.0 / 4, losses[0], 1e-12);
    assertEquals(11.0 / 6, losses[1], 1e-12);
    assertTrue(Double.isNaN(losses[2]), "no examples: no loss");
    BatchSource.Drawn one = new BatchSource.Drawn(List.of(), new int[] {2, 2}, new int[] {-1, -1, 2});
    assertEquals(1.9, one.losses(result, 3)[2], 0, "a step of one dataset has the step's loss exactly");
  }
}
