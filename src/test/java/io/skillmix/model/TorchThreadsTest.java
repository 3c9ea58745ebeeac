package io.skillmix.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import io.skillmix.UserError;
import io.skillmix.config.ConfigLoader;
import io.skillmix.run.RunSettings;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

class TorchThreadsTest {

  @Test
  void aCountPinnedOnOneThreadLeavesAThreadThatSetItsOwnAlone() throws Exception {
    try (NDManager warm = NDManager.newBaseManager()) {
      warm.ones(new ai.djl.ndarray.types.Shape(2)).close(); // the engine is loaded
    }
    int original = TorchThreads.current();
    TorchThreads.pin(2); // the "learner" thread
    ExecutorService evaluator = Executors.newSingleThreadExecutor();
    try {
      int evaluatorCount = CompletableFuture.supplyAsync(() -> {
        TorchThreads.pin(1);
        return TorchThreads.current();
      }, evaluator).get();
      assertEquals(1, evaluatorCount);
      assertEquals(2, TorchThreads.current(), "the learner thread keeps its own count");
      TorchThreads.pin(0); // 0 leaves it as it is
      assertEquals(2, TorchThreads.current());
    } finally {
      evaluator.shutdownNow();
      TorchThreads.pin(original); // new threads start from the count set last: put it back
    }
  }

  @Test
  void evaluatorThreadsDefaultToHalfTheLearnersWhenTheyShareTheCpuAndRejectNegatives() {
    RunSettings lagged = RunSettings.from(ConfigLoader.load(null, List.of("devices.threads=4")));
    assertEquals(4, lagged.learnerThreads());
    assertEquals(2, lagged.evaluatorThreads(), "beside a CPU learner: half");
    assertEquals(1, RunSettings.from(ConfigLoader.load(null, List.of("devices.threads=1"))).evaluatorThreads());
    RunSettings sync = RunSettings.from(ConfigLoader.load(null, List.of("devices.threads=4", "mix.apply=sync",
        "mix.lag-steps=0")));
    assertEquals(4, sync.evaluatorThreads(), "the learner waits in sync mode: all of them");
    RunSettings own = RunSettings.from(ConfigLoader.load(null, List.of("devices.threads=4",
        "devices.evaluator=\"gpu:1\"")));
    assertEquals(4, own.evaluatorThreads(), "a device of its own: no sharing");
    RunSettings split = RunSettings.from(ConfigLoader.load(null, List.of("devices.evaluator-threads=1")));
    assertEquals(TorchThreads.startup(), split.learnerThreads());
    assertEquals(1, split.evaluatorThreads());
    UserError e = assertThrows(UserError.class,
        () -> RunSettings.from(ConfigLoader.load(null, List.of("devices.evaluator-threads=-1"))));
    assertTrue(e.getMessage().contains("devices.evaluator-threads = -1"), e.getMessage());
  }
}
