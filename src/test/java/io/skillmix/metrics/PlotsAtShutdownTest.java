package io.skillmix.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run that finishes while the JVM shuts down (SIGTERM during the last step or final/) still
 * writes its plots: before, ImageIO's file cache tried to add a shutdown hook and the run ended
 * with "internal error: Shutdown in progress" and no report (issue 33 D2, issue 34).
 */
class PlotsAtShutdownTest {

  /** Writes a plot from a shutdown hook of its own JVM. */
  public static void main(String[] args) {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        Plots.loss(Path.of(args[0]), Map.of("a", List.of(new double[] {0, 3}, new double[] {1, 2})));
        System.out.println("written");
      } catch (Throwable t) {
        System.out.println("failed: " + t);
      }
    }));
    System.exit(0);
  }

  @Test
  void aPlotIsWrittenDuringShutdown(@TempDir Path dir) throws Exception {
    Path png = dir.resolve("loss.png");
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
        "-Djava.awt.headless=true", "-cp", System.getProperty("java.class.path"), PlotsAtShutdownTest.class.getName(),
        png.toString()).redirectErrorStream(true).start();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals("written", out.strip(), out);
    assertTrue(Files.size(png) > 0);
  }
}
