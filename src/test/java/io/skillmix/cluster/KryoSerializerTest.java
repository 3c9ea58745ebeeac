package io.skillmix.cluster;

import io.skillmix.CrossNode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skillmix.UserError;
import io.skillmix.data.DatasetActor;
import io.skillmix.data.TokenizedExample;
import io.skillmix.learn.Learner;
import io.skillmix.metrics.MetricsSink;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LogCapturingExtension.class)
class KryoSerializerTest {

  private static final ActorTestKit testKit = ActorTestKit.create();
  private static final KryoSerializer serializer = RoundTrip.serializer(testKit.system());

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  /** A message nobody registered. */
  record Unregistered(int value) implements CrossNode {}

  @Test
  void anUnregisteredClassIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> serializer.toBinary(new Unregistered(1)));
    assertTrue(e.getMessage().contains("not registered"), e.getMessage());
    assertTrue(e.getMessage().contains(Unregistered.class.getName()), e.getMessage());
  }

  @Test
  void anUnregisteredClassInsideARegisteredMessageIsRefused() {
    @SuppressWarnings({"unchecked", "rawtypes"})
    List<TokenizedExample> smuggled = (List) List.of(new Date(0));
    DatasetActor.Batch batch = new DatasetActor.Batch("math", DatasetActor.StreamKind.TRAIN, smuggled);
    Exception e = assertThrows(RuntimeException.class, () -> serializer.toBinary(batch));
    assertTrue(String.valueOf(e.getMessage()).contains("java.util.Date"), e.getMessage());
  }

  @Test
  void anActorRefGoesThroughTheResolverAndStillReachesItsActor() {
    TestProbe<Learner.Outcome> probe = testKit.createTestProbe(Learner.Outcome.class);
    Learner.Start sent = new Learner.Start(probe.getRef());

    Learner.Start received = (Learner.Start) RoundTrip.roundTrip(serializer, sent);

    assertEquals(probe.getRef(), received.replyTo());
    received.replyTo().tell(new Learner.Finished(3, new double[] {1}, 0, false, null));
    assertEquals(3, probe.expectMessageClass(Learner.Finished.class).steps());
  }

  @Test
  void exceptionsTravelAsText() {
    Learner.Failed failed = new Learner.Failed(7, new IllegalStateException("disk full"));
    Learner.Failed back = (Learner.Failed) RoundTrip.roundTrip(serializer, failed);
    assertEquals(7, back.step());
    RemoteFailure remote = assertInstanceOf(RemoteFailure.class, back.error());
    assertEquals(IllegalStateException.class.getName(), remote.remoteClass());
    assertEquals("disk full", remote.remoteMessage());
    assertTrue(remote.remoteStackTrace().contains("exceptionsTravelAsText"), remote.remoteStackTrace());

    Learner.Failed user = new Learner.Failed(2, new UserError("data/math.jsonl:3: bad record"));
    Learner.Failed userBack = (Learner.Failed) RoundTrip.roundTrip(serializer, user);
    UserError error = assertInstanceOf(UserError.class, userBack.error());
    assertEquals("data/math.jsonl:3: bad record", error.getMessage());
  }

  @Test
  void immutableAndMutableCollectionsComeBackEqual() {
    List<TokenizedExample> mutable = new ArrayList<>();
    mutable.add(new TokenizedExample(new int[] {1, 2}, new boolean[] {false, true}));
    for (List<TokenizedExample> examples : List.<List<TokenizedExample>>of(mutable, List.of(), List.copyOf(mutable))) {
      DatasetActor.Batch batch = new DatasetActor.Batch("nlp", DatasetActor.StreamKind.REWARD, examples);
      RoundTrip.assertSame(batch, RoundTrip.roundTrip(serializer, batch));
    }
    for (Object value : List.<Object>of(Map.of("a", 1L, "b", 2L), Set.of("x", "y", "z"), List.of(1, 2, 3))) {
      assertEquals(value, RoundTrip.roundTrip(serializer, value));
    }
  }

  /** A value that is no {@link CrossNode}. */
  record Local(int value) {}

  @Test
  void pekkoSerializesCrossNodeMessagesWithKryoAndNothingElseAtAll() {
    Serialization serialization = SerializationExtension.get(Adapter.toClassic(testKit.system()));
    MetricsSink.Note note = new MetricsSink.Note(9, "restart", "evaluator restarted");
    assertEquals(KryoSerializer.IDENTIFIER, serialization.findSerializerFor(note).identifier());
    byte[] bytes = serialization.serialize(note).get();
    assertEquals(note, serialization.deserialize(bytes, KryoSerializer.IDENTIFIER, "").get());

    // Java serialization is off: a message outside CrossNode cannot leave its node.
    assertTrue(serialization.serialize(new Local(1)).isFailure());
    assertTrue(serialization.serialize(new java.util.Date(0)).isFailure());
  }

  @Test
  void theClassIdOnTheWireIsTheFixedOne() {
    byte[] bytes = serializer.toBinary(new MetricsSink.Note(1, "e", "m"));
    // Kryo writes a registered class as the varint id + 2 (0 and 1 mean null and "by name").
    assertEquals(803 + 2, (bytes[0] & 0x7f) | ((bytes[1] & 0x7f) << 7));
  }
}
