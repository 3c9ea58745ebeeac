package io.skillmix.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skillmix.UserError;
import io.skillmix.cluster.Role;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** cluster.role: which JVM runs a job, and a learner node that finds nobody to work with. */
class RolesTest {

  @TempDir
  Path dir;

  @Test
  void rolesParseAndABadOneIsNamed() {
    assertEquals(Role.EVALUATOR, Role.parse(" Evaluator", "--role"));
    UserError bad = assertThrows(UserError.class, () -> Role.parse("worker", "--role"));
    assertEquals("--role = 'worker': give one of all, learner, evaluator, data", bad.getMessage());
  }

  @Test
  void aServingRoleDoesNotRunAJob() {
    RunFixtures.write(dir);
    UserError error = assertThrows(UserError.class,
        () -> TrainingRun.start(RunFixtures.config(dir, "data-role", "cluster.role=data")));
    assertTrue(error.getMessage().contains("skillmix node --role data"), error.getMessage());
  }

  @Test
  void aLearnerNodeAloneFailsNamingTheMissingRoles() {
    RunFixtures.write(dir);
    UserError error = assertThrows(UserError.class, () -> runLearner(RunFixtures.config(dir, "alone",
        "cluster.role=learner", "cluster.wait-for-roles=2s", "pekko.actor.provider=cluster",
        "pekko.remote.artery.canonical.port=0")));
    assertTrue(error.getMessage().startsWith("cluster: no node with role data (datasets add, echo, talk) and"
        + " evaluator registered within cluster.wait-for-roles = 2 s"), error.getMessage());
    assertTrue(!error.getMessage().contains("\n"), "one line");
  }

  /** A learner-node run, with the cluster's peer finder, as the command line starts it. */
  private static TrainingRun.Outcome runLearner(com.typesafe.config.Config config) {
    return TrainingRun.start(config, ActorHooks.NONE, io.skillmix.node.ClusterPeers.FINDER).await();
  }
}
