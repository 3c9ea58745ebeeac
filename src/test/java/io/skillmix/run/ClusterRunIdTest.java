package io.skillmix.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import io.skillmix.UserError;
import io.skillmix.cluster.NodeSystem;
import io.skillmix.config.ConfigLoader;
import io.skillmix.data.DatasetActor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.cluster.Cluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two runs in one JVM on 127.0.0.1: the serving node of run "other-run" (datasets add, echo, talk
 * and an evaluator host, registered under its run's keys) and a learner of another run pointed at
 * it. The seed refuses the learner's join; a learner that skips that check (enforce-on-join off)
 * joins but finds none of its own run's nodes, and fails naming the other run.
 */
class ClusterRunIdTest {

  @TempDir
  Path dir;

  private ActorSystem<Void> other;
  private String otherAddress;

  /** A node of run "other-run" that serves every key a learner of that run would look for. */
  private static Behavior<Void> servesEverything() {
    return Behaviors.setup(context -> {
      for (String name : List.of("add", "echo", "talk")) {
        ActorRef<DatasetActor.Command> dataset = context.spawn(Behaviors.<DatasetActor.Command>ignore(), name);
        context.getSystem().receptionist().tell(Receptionist.register(io.skillmix.cluster.RunKeys.dataset("other-run", name), dataset));
      }
      ActorRef<io.skillmix.cluster.RewardShare.Command> host = context.spawn(Behaviors.<io.skillmix.cluster.RewardShare.Command>ignore(), "host");
      context.getSystem().receptionist().tell(Receptionist.register(io.skillmix.cluster.RunKeys.evaluator("other-run"), host));
      return Behaviors.empty();
    });
  }

  @BeforeEach
  void startTheOtherRunsNode() throws Exception {
    RunFixtures.write(dir);
    Config config = ConfigLoader.load(null, List.of("cluster.role=data", "cluster.run-id=other-run",
        "pekko.actor.provider=cluster", "pekko.remote.artery.canonical.port=0", "pekko.cluster.roles=[evaluator]",
        // a stand-in: it stops at once at the end, without waiting for a learner that joined to leave
        "pekko.coordinated-shutdown.run-by-actor-system-terminate=off"));
    other = NodeSystem.create(servesEverything(), config);
    Cluster cluster = Cluster.get(Adapter.toClassic(other));
    CountDownLatch up = new CountDownLatch(1);
    cluster.registerOnMemberUp(up::countDown);
    cluster.join(cluster.selfAddress());
    assertTrue(up.await(60, TimeUnit.SECONDS), "the other run's node did not come up");
    otherAddress = cluster.selfAddress().toString();
  }

  @AfterEach
  void stop() throws Exception {
    other.terminate();
    other.getWhenTerminated().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  private Config learner(String name, String... more) {
    List<String> overrides = new ArrayList<>(List.of("cluster.role=learner", "pekko.actor.provider=cluster",
        "pekko.remote.artery.canonical.port=0", "pekko.cluster.seed-nodes=[\"" + otherAddress + "\"]"));
    overrides.addAll(List.of(more));
    return RunFixtures.config(dir, name, overrides.toArray(String[]::new));
  }

  @Test
  void theSeedNodeOfAnotherRunRefusesTheLearner() {
    UserError error = assertThrows(UserError.class,
        () -> runLearner(learner("refused", "cluster.wait-for-roles=60s")));
    assertTrue(error.getMessage().startsWith("cluster: the nodes at pekko.cluster.seed-nodes [" + otherAddress
        + "] refused this node: they belong to another run (this node's cluster.run-id is '"), error.getMessage());
    assertFalse(error.getMessage().contains("\n"), "one line");
    // Refused before it became a member: the other run's cluster is as it was.
    assertEquals(1, Cluster.get(Adapter.toClassic(other)).state().members().size());
  }

  @Test
  void aServingNodeOfAnotherRunIsRefusedToo() {
    Config data = RunFixtures.config(dir, "data-node", "cluster.role=data", "pekko.actor.provider=cluster",
        "pekko.remote.artery.canonical.port=0", "pekko.cluster.seed-nodes=[\"" + otherAddress + "\"]");
    UserError error = assertThrows(UserError.class, () -> io.skillmix.node.ServingNode.serve(data));
    assertTrue(error.getMessage().contains("refused this node: they belong to another run"), error.getMessage());
  }

  @Test
  void aLearnerThatSkipsTheCheckDoesNotUseAnotherRunsNodes() {
    // The wait leaves room for the join (well under a second unloaded), which the line's last part needs.
    UserError error = assertThrows(UserError.class, () -> runLearner(learner("unchecked",
        "cluster.wait-for-roles=12s", "pekko.cluster.configuration-compatibility-check.enforce-on-join=off")));
    assertTrue(error.getMessage().startsWith("cluster: no node with role data (datasets add, echo, talk) and"
        + " evaluator registered within cluster.wait-for-roles = 12 s"), error.getMessage());
    assertTrue(error.getMessage().contains("the cluster has serving nodes of another run (cluster.run-id other-run,"),
        error.getMessage());
    assertFalse(error.getMessage().contains("\n"), "one line");
  }

  /** A learner-node run, with the cluster's peer finder, as the command line starts it. */
  private static TrainingRun.Outcome runLearner(com.typesafe.config.Config config) {
    return TrainingRun.start(config, ActorHooks.NONE, io.skillmix.node.ClusterPeers.FINDER).await();
  }
}
