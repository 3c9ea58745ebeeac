package io.skillmix.export;

import java.nio.file.Path;
import java.util.List;

/**
 * One tool's way of writing a mixture down ({@code mixture export --to ID}). A plugin: one class
 * and one line in {@code META-INF/services/io.skillmix.export.MixtureFormat}; a test checks what
 * it writes against the tool's documented schema.
 */
public interface MixtureFormat {

  /** A file to write; {@code path} null: standard output. */
  record ExportFile(Path path, String text) {}

  /** Its {@code --to} name. */
  String id();

  /** One line for {@code --help}. */
  String summary();

  /** Whether it writes the whole schedule, so that {@code --at} does not apply. */
  default boolean wholeSchedule() {
    return false;
  }

  /**
   * The files to write.
   *
   * @param out the file the user named ({@code --out}), or null: then exactly one file with a null
   *     path, for standard output, that carries everything (a second file's content as comments)
   */
  List<ExportFile> render(Mixture mixture, Path out);
}
