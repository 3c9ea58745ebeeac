package io.skillmix.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.skillmix.UserError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Issue 33 D7: a diverged model gives NaN rewards; the scorer skips those updates with their reason
 * and lives on (it stopped the run before, "the scorer actor stopped unexpectedly"), and the run
 * ends as train.max-bad-steps says.
 */
class DivergedRunTest {

  @TempDir static Path dir;

  @BeforeAll
  static void fixtures() {
    RunFixtures.write(dir);
  }

  @Test
  void nanRewardsSkipTheirUpdatesAndTheRunGoesOn() throws IOException {
    TrainingRun.Outcome run = TrainingRun.run(RunFixtures.config(dir, "lr1e308", "train.lr=1e308", "train.steps=8",
        "mix.update-every=2", "mix.lag-steps=1", "train.max-bad-steps=100"));
    assertEquals(8, run.steps());
    List<String> skipped = Files.readAllLines(run.runDir().resolve("metrics.jsonl")).stream()
        .filter(l -> l.contains("\"event\":\"skipped_update\"")).toList();
    assertTrue(!skipped.isEmpty() && skipped.stream().allMatch(l -> l.contains("are not finite (add NaN")),
        String.join("\n", skipped));
  }

  /** The line alone: before, the learner logged the same refusal with its stack trace first (lr = 1e30). */
  @Test
  void tooManyBadStepsEndTheRunInOneLine() {
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ListAppender<ILoggingEvent> log = new ListAppender<>();
    log.start();
    root.addAppender(log);
    try {
      UserError e = assertThrows(UserError.class, () -> TrainingRun.run(RunFixtures.config(dir, "lr1e30",
          "train.lr=1e30", "train.steps=8", "mix.update-every=2", "mix.lag-steps=1", "train.max-bad-steps=2")));
      assertTrue(e.getMessage().startsWith("3 steps in a row had a non-finite loss or gradient"), e.getMessage());
      for (ILoggingEvent event : log.list) {
        if (event.getLevel().isGreaterOrEqual(Level.WARN)) {
          assertNull(event.getThrowableProxy(), "a trace before the line: " + event.getFormattedMessage());
        }
      }
    } finally {
      root.detachAppender(log);
    }
  }
}
