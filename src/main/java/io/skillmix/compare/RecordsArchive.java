package io.skillmix.compare;

import io.skillmix.UserError;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * An experiment's raw per-run records as one archive, {@code records.zip}, beside its summary: the
 * files of every arm folder ({@code <arm>/arm.conf}, {@code <arm>/seed-<k>/…}) go into it, while
 * the comparison's own files (tables, plots, {@code compare.conf}, scripts) stay loose. Packing is
 * deterministic (sorted entries, one fixed timestamp), so packing the same records again gives the
 * same bytes and a repository keeps one copy.
 */
public final class RecordsArchive {

  /** The archive's file name inside an experiment folder. */
  public static final String FILE = "records.zip";

  /** Every entry's time: a fixed local time, so the bytes do not depend on the clock or time zone. */
  private static final LocalDateTime ENTRY_TIME = LocalDateTime.of(2026, 1, 1, 0, 0);

  /** An unpacked file larger than this is refused: an archive is records, not a model. */
  private static final long MAX_ENTRY_BYTES = 256L << 20;

  private RecordsArchive() {}

  /**
   * Moves the arm folders' files of {@code experiment} into {@code experiment/records.zip}; the
   * archive is read back and compared with every file before any file is removed.
   *
   * @return the number of files archived
   */
  public static int pack(Path experiment) {
    Path archive = experiment.resolve(FILE);
    if (Files.exists(archive)) {
      throw new UserError(archive + " exists already; unpack it first (skillmix results unpack) to add records");
    }
    List<Path> files = recordFiles(experiment);
    if (files.isEmpty()) {
      throw new UserError(experiment + " has no arm folders with records (<arm>/seed-<k>/) to archive");
    }
    Path pending = experiment.resolve(FILE + ".tmp");
    try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(pending))) {
      zip.setLevel(9);
      for (Path file : files) {
        ZipEntry entry = new ZipEntry(entryName(experiment, file));
        entry.setTimeLocal(ENTRY_TIME);
        zip.putNextEntry(entry);
        Files.copy(file, zip);
        zip.closeEntry();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    verify(pending, experiment, files);
    try {
      Files.move(pending, archive);
      for (Path file : files) {
        Files.delete(file);
      }
      deleteEmptyFolders(experiment);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return files.size();
  }

  /**
   * Writes every entry of {@code archive} under {@code dest}, refusing entries that would land
   * outside it or exist already.
   *
   * @return the number of files written
   */
  public static int unpack(Path archive, Path dest) {
    int count = 0;
    Path root = dest.toAbsolutePath().normalize();
    try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(archive))) {
      for (ZipEntry entry = zip.getNextEntry(); entry != null; entry = zip.getNextEntry()) {
        Path target = root.resolve(entry.getName()).normalize();
        if (!target.startsWith(root) || target.equals(root)) {
          throw new UserError(archive + ": the entry '" + entry.getName() + "' points outside the folder; not unpacked");
        }
        if (entry.isDirectory()) {
          Files.createDirectories(target);
          continue;
        }
        if (Files.exists(target)) {
          throw new UserError(target + " exists already; unpack into an empty folder");
        }
        Files.createDirectories(target.getParent());
        try (OutputStream out = Files.newOutputStream(target)) {
          copyBounded(zip, out, archive, entry.getName());
        }
        count++;
      }
    } catch (IOException e) {
      throw new UserError("cannot read " + archive + " (" + e.getMessage() + "); is it a records archive?", e);
    }
    return count;
  }

  /** The files of every arm folder (a sub-folder other than {@code plots}), sorted. */
  static List<Path> recordFiles(Path experiment) {
    List<Path> out = new ArrayList<>();
    try (Stream<Path> top = Files.list(experiment)) {
      for (Path dir : top.filter(Files::isDirectory).sorted().toList()) {
        if (dir.getFileName().toString().equals("plots") || !isArmFolder(dir)) {
          continue;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
          walk.filter(Files::isRegularFile).forEach(out::add);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    out.sort(Comparator.comparing(p -> entryName(experiment, p)));
    return out;
  }

  private static boolean isArmFolder(Path dir) {
    if (Files.exists(dir.resolve("arm.conf"))) {
      return true;
    }
    try (Stream<Path> children = Files.list(dir)) {
      return children.anyMatch(c -> c.getFileName().toString().startsWith("seed-"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String entryName(Path experiment, Path file) {
    return experiment.relativize(file).toString().replace('\\', '/');
  }

  /** Reads the pending archive back: the same names in the same order, the same bytes. */
  private static void verify(Path pending, Path experiment, List<Path> files) {
    try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(pending))) {
      for (Path file : files) {
        ZipEntry entry = zip.getNextEntry();
        if (entry == null || !entry.getName().equals(entryName(experiment, file))
            || !Arrays.equals(zip.readAllBytes(), Files.readAllBytes(file))) {
          throw new IllegalStateException(pending + " does not hold " + file + " as written; nothing was removed");
        }
      }
      if (zip.getNextEntry() != null) {
        throw new IllegalStateException(pending + " holds more than was written; nothing was removed");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void copyBounded(InputStream in, OutputStream out, Path archive, String name) throws IOException {
    byte[] buffer = new byte[1 << 16];
    long total = 0;
    for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
      total += n;
      if (total > MAX_ENTRY_BYTES) {
        throw new UserError(archive + ": the entry '" + name + "' unpacks to more than "
            + (MAX_ENTRY_BYTES >> 20) + " MiB; a records archive holds no such file");
      }
      out.write(buffer, 0, n);
    }
  }

  private static void deleteEmptyFolders(Path experiment) throws IOException {
    try (Stream<Path> walk = Files.walk(experiment)) {
      for (Path dir : walk.filter(Files::isDirectory).sorted(Comparator.reverseOrder()).toList()) {
        if (!dir.equals(experiment)) {
          try (Stream<Path> children = Files.list(dir)) {
            if (children.findAny().isEmpty()) {
              Files.delete(dir);
            }
          }
        }
      }
    }
  }
}
