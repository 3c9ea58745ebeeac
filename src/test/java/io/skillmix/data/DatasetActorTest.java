package io.skillmix.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skillmix.data.DatasetActor.Batch;
import io.skillmix.data.DatasetActor.StreamKind;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LogCapturingExtension.class)
class DatasetActorTest {

  private static final ActorTestKit testKit = ActorTestKit.create();

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  private static List<Conversation> examples(int n) {
    List<Conversation> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(Conversation.of("question " + i, "answer " + i));
    }
    return out;
  }

  /** A stand-in for template + tokenizer: bytes of the response, all targets. */
  private static TokenizedExample encode(Conversation c) {
    byte[] bytes = c.lastResponse().getBytes(StandardCharsets.UTF_8);
    int[] ids = new int[bytes.length];
    boolean[] target = new boolean[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      ids[i] = bytes[i];
      target[i] = true;
    }
    return new TokenizedExample(ids, target);
  }

  private static ActorRef<DatasetActor.Command> spawn(long seed) {
    return testKit.spawn(DatasetActor.create(
        new DatasetActor.Settings("toy", seed, 4), examples(37), DatasetActorTest::encode));
  }

  private static List<int[]> draw(ActorRef<DatasetActor.Command> actor, StreamKind kind, int batches) {
    TestProbe<Batch> probe = testKit.createTestProbe(Batch.class);
    List<int[]> ids = new ArrayList<>();
    for (int i = 0; i < batches; i++) {
      actor.tell(new DatasetActor.RequestBatch(kind, 5, probe.getRef()));
      Batch batch = probe.receiveMessage();
      assertEquals("toy", batch.dataset());
      assertEquals(5, batch.examples().size());
      for (TokenizedExample e : batch.examples()) {
        ids.add(e.ids());
      }
    }
    return ids;
  }

  @Test
  void restoringTheStateReplaysExactlyTheNextBatches() {
    ActorRef<DatasetActor.Command> first = spawn(11);
    first.tell(new DatasetActor.SetProbability(0.9)); // deep prefetch: the buffer runs ahead
    draw(first, StreamKind.TRAIN, 40); // 200 examples: several epochs of 37
    draw(first, StreamKind.REWARD, 3);
    TestProbe<io.skillmix.checkpoint.ComponentState> stateProbe =
        testKit.createTestProbe(io.skillmix.checkpoint.ComponentState.class);
    first.tell(new DatasetActor.GetState(stateProbe.getRef()));
    String state = stateProbe.receiveMessage().json();

    List<int[]> expectedTrain = draw(first, StreamKind.TRAIN, 8);
    List<int[]> expectedReward = draw(first, StreamKind.REWARD, 2);

    ActorRef<DatasetActor.Command> fresh = spawn(11);
    fresh.tell(new DatasetActor.Restore(state));
    List<int[]> actualTrain = draw(fresh, StreamKind.TRAIN, 8);
    List<int[]> actualReward = draw(fresh, StreamKind.REWARD, 2);
    for (int i = 0; i < expectedTrain.size(); i++) {
      assertArrayEquals(expectedTrain.get(i), actualTrain.get(i), "train example " + i);
    }
    for (int i = 0; i < expectedReward.size(); i++) {
      assertArrayEquals(expectedReward.get(i), actualReward.get(i), "reward example " + i);
    }
  }

  @Test
  void rewardDrawsNeverChangeTheTrainingOrder() {
    ActorRef<DatasetActor.Command> plain = spawn(5);
    ActorRef<DatasetActor.Command> interleaved = spawn(5);
    List<int[]> expected = draw(plain, StreamKind.TRAIN, 10);
    List<int[]> actual = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      draw(interleaved, StreamKind.REWARD, 1);
      actual.addAll(draw(interleaved, StreamKind.TRAIN, 1));
    }
    for (int i = 0; i < expected.size(); i++) {
      assertArrayEquals(expected.get(i), actual.get(i));
    }
  }

  /** HELD_OUT draws only held-out examples, and with none it stops instead of serving training ones. */
  @Test
  void theHeldOutStreamNeverFallsBackToTrainingExamples() {
    List<Conversation> train = examples(20);
    List<Conversation> heldOut = List.of(Conversation.of("dev 1", "dev answer 1"), Conversation.of("dev 2", "dev answer 2"));
    ActorRef<DatasetActor.Command> actor = testKit.spawn(DatasetActor.create(
        new DatasetActor.Settings("toy", 3, 4), train, heldOut, DatasetActorTest::encode));
    java.util.Set<String> dev = java.util.Set.of("dev answer 1", "dev answer 2");
    for (int[] ids : draw(actor, StreamKind.HELD_OUT, 4)) {
      byte[] bytes = new byte[ids.length];
      for (int i = 0; i < ids.length; i++) {
        bytes[i] = (byte) ids[i];
      }
      assertTrue(dev.contains(new String(bytes, StandardCharsets.UTF_8)));
    }

    ActorRef<DatasetActor.Command> none = testKit.spawn(DatasetActor.create(
        new DatasetActor.Settings("toy", 3, 4), train, List.of(), DatasetActorTest::encode));
    TestProbe<Batch> probe = testKit.createTestProbe(Batch.class);
    none.tell(new DatasetActor.RequestBatch(StreamKind.HELD_OUT, 5, probe.getRef()));
    probe.expectTerminated(none);
  }

  @Test
  void everyEpochVisitsEachExampleOnceInANewOrder() {
    List<int[]> firstEpochs = draw(spawn(3), StreamKind.TRAIN, 74 / 2); // 185 examples ≥ 5 epochs
    java.util.Set<String> epoch0 = new java.util.HashSet<>();
    java.util.Set<String> epoch1 = new java.util.HashSet<>();
    StringBuilder order0 = new StringBuilder();
    StringBuilder order1 = new StringBuilder();
    for (int i = 0; i < 37; i++) {
      String a = new String(toBytes(firstEpochs.get(i)), StandardCharsets.UTF_8);
      String b = new String(toBytes(firstEpochs.get(37 + i)), StandardCharsets.UTF_8);
      epoch0.add(a);
      epoch1.add(b);
      order0.append(a).append('|');
      order1.append(b).append('|');
    }
    assertEquals(37, epoch0.size());
    assertEquals(epoch0, epoch1);
    assertNotEquals(order0.toString(), order1.toString());
  }

  private static byte[] toBytes(int[] ids) {
    byte[] out = new byte[ids.length];
    for (int i = 0; i < ids.length; i++) {
      out[i] = (byte) ids[i];
    }
    return out;
  }
}
