package io.skillmix.compare;

import io.skillmix.UserError;
import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;

/**
 * Runs {@code skillmix ARGS} in a JVM of its own: this JVM's java, class path and options, DJL
 * offline, output to a log file. Each training of a comparison that runs several at once gets one,
 * because DJL allows one open gradient collector per JVM ({@code PtGradientCollector} keeps a
 * static flag and throws when a second one opens) and torch's seed and thread settings are per
 * process.
 */
public final class ChildJvm {

  private static final String MAIN = "io.skillmix.cli.Main";

  private ChildJvm() {}

  /**
   * Runs {@code args} and waits for the JVM to end. Exit 2 (a user mistake) is a UserError with the
   * child's own line; another failure names the log. An interrupt ends the child (a stop request:
   * it checkpoints and exits) and is passed on.
   *
   * @param label what the child is, for messages
   */
  static void run(String label, List<String> args, Path log) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions());
    command.addAll(List.of("-cp", classPath(), MAIN));
    command.addAll(args);
    Files.createDirectories(log.toAbsolutePath().getParent());
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().put("OPT_OUT_TRACKING", "true");
    Process process = builder.start();
    int code;
    try {
      code = process.waitFor();
    } catch (InterruptedException e) {
      process.destroy();
      process.waitFor();
      throw e;
    }
    if (code == 2) {
      throw new UserError(label + ": " + lastLine(log).replaceFirst("^skillmix: ", ""));
    }
    if (code != 0) {
      throw new IllegalStateException(label + " failed (exit " + code + "): " + lastLine(log) + "; its log: " + log);
    }
  }

  /** This JVM's options (heap, DJL's thread counts, …), DJL kept offline; no debugger agent (its port is taken). */
  static List<String> jvmOptions() {
    List<String> options = new ArrayList<>();
    for (String option : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (!option.startsWith("-agentlib:jdwp") && !option.startsWith("-Xrunjdwp")
          && !option.startsWith("-Dai.djl.offline=")) {
        options.add(option);
      }
    }
    options.add("-Dai.djl.offline=true");
    return options;
  }

  /** This JVM's class path; under surefire it may hide behind a manifest-only jar. */
  public static String classPath() throws IOException {
    String path = System.getProperty("java.class.path");
    String[] entries = path.split(File.pathSeparator);
    if (entries.length == 1 && entries[0].endsWith(".jar")) {
      try (JarFile jar = new JarFile(entries[0])) {
        String manifest = jar.getManifest() == null ? null
            : jar.getManifest().getMainAttributes().getValue("Class-Path");
        if (manifest != null) {
          // Entries are URIs, absolute or relative to the jar's folder.
          URI base = Path.of(entries[0]).toAbsolutePath().getParent().toUri();
          List<String> expanded = new ArrayList<>();
          for (String url : manifest.trim().split("\\s+")) {
            expanded.add(Path.of(base.resolve(url)).toString());
          }
          return String.join(File.pathSeparator, expanded);
        }
      }
    }
    return path;
  }

  private static String lastLine(Path log) throws IOException {
    List<String> lines = Files.exists(log) ? Files.readAllLines(log) : List.of();
    for (int i = lines.size() - 1; i >= 0; i--) {
      if (!lines.get(i).isBlank()) {
        return lines.get(i).strip();
      }
    }
    return "(no output)";
  }
}
