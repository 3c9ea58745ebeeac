package io.skillmix.cli;

import io.skillmix.UserError;
import io.skillmix.compare.RecomputedTables;
import io.skillmix.compare.RecordsArchive;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code skillmix results pack|unpack|tables DIR}: an experiment's raw per-run records kept as one
 * archive beside its tables (docs/results), unpacked again, and its tables recomputed from them.
 */
@Command(name = "results", mixinStandardHelpOptions = true,
    description = "Archive an experiment's raw per-run records (records.zip beside its tables), unpack them,"
        + " or write its tables again from them and check they agree.",
    subcommands = {ResultsCommand.Pack.class, ResultsCommand.Unpack.class, ResultsCommand.Tables.class})
public final class ResultsCommand implements Runnable {

  @Override
  public void run() {
    throw new UserError("results needs a subcommand: pack, unpack or tables (see skillmix results --help)");
  }

  @Command(name = "pack", mixinStandardHelpOptions = true,
      description = "Move the arm folders' files of a comparison folder (<arm>/arm.conf, <arm>/seed-<k>/...)"
          + " into DIR/records.zip; tables, plots, compare.conf and scripts stay loose.")
  static final class Pack implements Callable<Integer> {
    @Parameters(paramLabel = "DIR", description = "The experiment (comparison) folder.")
    Path dir;

    @Override
    public Integer call() {
      requireFolder(dir);
      int files = RecordsArchive.pack(dir);
      System.out.printf("%s: %d files archived into %s%n", dir, files, RecordsArchive.FILE);
      return 0;
    }
  }

  @Command(name = "unpack", mixinStandardHelpOptions = true,
      description = "Copy an archived experiment into a new folder as compare left it: its loose files and"
          + " every record of its records.zip.")
  static final class Unpack implements Callable<Integer> {
    @Parameters(paramLabel = "DIR", description = "The archived experiment, e.g. docs/results/bench.")
    Path dir;

    @Option(names = "--out", paramLabel = "DEST",
        description = "Where to unpack (default: runs/results/<name of DIR>); must not exist or be empty.")
    Path out;

    @Override
    public Integer call() {
      requireFolder(dir);
      Path dest = out != null ? out : Path.of("runs", "results", dir.toAbsolutePath().normalize().getFileName().toString());
      requireEmpty(dest);
      int loose = copyLoose(dir, dest);
      int records = RecordsArchive.unpack(dir.resolve(RecordsArchive.FILE), dest);
      System.out.printf("%s: %d records and %d other files unpacked into %s%n", dir, records, loose, dest);
      return 0;
    }
  }

  @Command(name = "tables", mixinStandardHelpOptions = true,
      description = "Write an archived experiment's tables again from its records (nothing is trained) and"
          + " compare every kept cell; exit 1 if any differs.")
  static final class Tables implements Callable<Integer> {
    @Parameters(paramLabel = "DIR", description = "The archived experiment, e.g. docs/results/bench.")
    Path dir;

    @Option(names = "--out", paramLabel = "DEST",
        description = "Keep the recomputed comparison here (default: a temporary folder, removed after).")
    Path out;

    @Override
    public Integer call() throws IOException {
      requireFolder(dir);
      Path scratch = out != null ? out : Files.createTempDirectory("skillmix-results-");
      if (out != null) {
        requireEmpty(out);
      }
      try {
        List<RecomputedTables.Check> checks = RecomputedTables.run(dir, scratch);
        boolean same = true;
        for (RecomputedTables.Check c : checks) {
          same &= c.differences().isEmpty();
          System.out.printf("%s: %d cells compared, %s%n", c.file(), c.cells(),
              c.differences().isEmpty() ? "all the same" : c.differences().size() + " differ");
          c.differences().forEach(d -> System.out.println("  " + d));
        }
        if (checks.isEmpty()) {
          System.out.println(dir + ": no results table to recompute");
        }
        return same ? 0 : 1;
      } finally {
        if (out == null) {
          deleteTree(scratch);
        }
      }
    }
  }

  private static void requireFolder(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new UserError(dir + " is not a folder; give an experiment folder such as docs/results/bench");
    }
  }

  private static void requireEmpty(Path dest) {
    try (Stream<Path> children = Files.isDirectory(dest) ? Files.list(dest) : Stream.empty()) {
      if (Files.exists(dest) && (!Files.isDirectory(dest) || children.findAny().isPresent())) {
        throw new UserError(dest + " exists and is not empty; give --out a new folder");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The experiment's files outside the archive (tables, plots, compare.conf, scripts). */
  private static int copyLoose(Path dir, Path dest) {
    int[] count = {0};
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path f : walk.filter(Files::isRegularFile).toList()) {
        if (f.getFileName().toString().equals(RecordsArchive.FILE)) {
          continue;
        }
        Path target = dest.resolve(dir.relativize(f).toString());
        Files.createDirectories(target.getParent());
        Files.copy(f, target);
        count[0]++;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return count[0];
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
