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
  void evaluatorThreadsDefaultToTheLearnersAndRejectNegatives() {
    RunSettings plain = RunSettings.from(ConfigLoader.load(null, List.of("devices.threads=3")));
    assertEquals(3, plain.learnerThreads());
    assertEquals(3, plain.evaluatorThreads());
    RunSettings split = RunSettings.from(ConfigLoader.load(null, List.of("devices.evaluator-threads=1")));
    assertEquals(TorchThreads.startup(), split.learnerThreads());
    assertEquals(1, split.evaluatorThreads());
    UserError e = assertThrows(UserError.class,
        () -> RunSettings.from(ConfigLoader.load(null, List.of("devices.evaluator-threads=-1"))));
    assertTrue(e.getMessage().contains("devices.evaluator-threads = -1"), e.getMessage());
  }
}
