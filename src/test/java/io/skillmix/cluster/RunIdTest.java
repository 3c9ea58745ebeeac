package io.skillmix.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import io.skillmix.UserError;
import io.skillmix.config.ConfigLoader;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.cluster.Invalid;
import org.apache.pekko.cluster.Valid;
import org.junit.jupiter.api.Test;

/** cluster.run-id: derived from the run's settings, the same on every node of a run, explicit when set. */
class RunIdTest {

  private static final List<String> RUN = List.of("seed=7", "run.dir=\"runs/a\"", "train.steps=16",
      "data.datasets=[{name=add, path=\"add.jsonl\"}, {name=talk, path=\"talk.jsonl\", held-out=0.1}]");

  private static Config config(String... more) {
    List<String> all = new ArrayList<>(RUN);
    all.addAll(List.of(more));
    return ConfigLoader.load(null, all);
  }

  @Test
  void everyNodeOfARunDerivesTheSameId() {
    String learner = RunId.of(config("cluster.role=learner", "pekko.remote.artery.canonical.port=25520",
        "devices.learner=\"gpu:0\"", "run.progress=false"));
    String data = RunId.of(config("cluster.role=data", "pekko.remote.artery.canonical.port=25522",
        "data.cache-dir=\"/tmp/elsewhere\"", "data.prefetch-steps=2", "cluster.wait-for-roles=5s"));
    assertEquals(learner, data);
    assertTrue(learner.matches("[0-9a-f]{8}"), learner);
    // The same settings written in another order (the keys of an object, the overrides) hash the same.
    Config reordered = ConfigLoader.load(null, List.of("train.steps=16", "seed=7",
        "data.datasets=[{path=\"add.jsonl\", name=add}, {held-out=0.1, name=talk, path=\"talk.jsonl\"}]",
        "run.dir=\"runs/a\""));
    assertEquals(learner, RunId.of(reordered));
  }

  @Test
  void anotherRunGetsAnotherId() {
    String base = RunId.of(config());
    assertNotEquals(base, RunId.of(config("seed=8")));
    assertNotEquals(base, RunId.of(config("run.dir=\"runs/b\"")));
    assertNotEquals(base, RunId.of(config("mix.method=uni")));
    assertNotEquals(base, RunId.of(config("model.preset=small")));
    assertNotEquals(base, RunId.of(config("data.datasets=[{name=add, path=\"add.jsonl\"}]")));
  }

  @Test
  void anExplicitIdWinsAndABadOneIsNamed() {
    assertEquals("job-1", RunId.of(config("cluster.run-id=job-1")));
    assertEquals("job-1", RunId.resolve(config("cluster.run-id=job-1", "seed=9")).getString(RunId.KEY));
    assertEquals(RunId.of(config()), RunId.resolve(config()).getString(RunId.KEY));
    UserError bad = assertThrows(UserError.class, () -> RunId.of(config("cluster.run-id=\"a b\"")));
    assertEquals("cluster.run-id = 'a b': use letters, digits, '.', '_' or '-' (at most 64), or leave it empty"
        + " to derive it from the run's settings", bad.getMessage());
  }

  @Test
  void theJoinCheckRefusesAnotherRunsNode() {
    RunIdCheck check = new RunIdCheck();
    assertEquals(List.of(RunId.KEY), scala.jdk.javaapi.CollectionConverters.asJava(check.requiredKeys()));
    Config a = RunId.resolve(config("cluster.run-id=a"));
    assertEquals(Valid.getInstance(), check.check(a, RunId.resolve(config("cluster.run-id=a", "seed=1"))));
    Invalid refused = (Invalid) check.check(a, RunId.resolve(config("cluster.run-id=b")));
    assertEquals(List.of("the other node belongs to another run: its cluster.run-id is 'a', this node's 'b'"),
        scala.jdk.javaapi.CollectionConverters.asJava(refused.errorMessages()));
    assertTrue(check.check(ConfigLoader.load(null, List.of()).withoutPath(RunId.KEY), a) instanceof Invalid);
  }
}
