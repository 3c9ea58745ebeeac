package io.skillmix.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run whose output goes to files (a log, a job scheduler) gets plain progress lines, no bar of
 * carriage returns (issue 34); libtorch's deprecation warning is filtered from what the user sees.
 */
class ProgressInLogsTest {

  @Test
  void aRedirectedRunWritesPlainLinesNotABar(@TempDir Path dir) throws Exception {
    CliRun.Result r = CliProcess.run(dir, "train", "run.dir=run", "train.steps=3", "eval.every=0",
        "data.builtin.total=2000", "mix.method=uni", "train.batch-size=4", "data.max-length=64");
    assertEquals(0, r.code(), r.err());
    assertFalse(r.out().contains("\r") || r.err().contains("\r"), "a bar in a log file:\n" + r.out() + r.err());
    assertTrue(r.out().contains("step 1/3 (33%) | loss "), r.out());
    assertTrue(r.out().contains("step 3/3 (100%)"), r.out());
    assertTrue(r.out().contains("train.lr = auto: 0.003"), r.out());
  }

  @Test
  void theLaunchersFilterDropsTheTorchWarningAndNothingElse() throws Exception {
    Process p = new ProcessBuilder("bash", "scripts/quiet-torch").start();
    p.getOutputStream().write(("first\n[W1207 16:08:41.302531773 LegacyTypeDispatch.h:74] Warning: AutoNonVariableTypeMode"
        + " is deprecated and will be removed in 1.10 release. (function operator())\nlast\n").getBytes(StandardCharsets.UTF_8));
    p.getOutputStream().close();
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    assertEquals("first\nlast\n", new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
  }
}
