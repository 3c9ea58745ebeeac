package io.skillmix.export;

import io.skillmix.UserError;
import io.skillmix.metrics.MixtureSchedule;
import io.skillmix.metrics.WeightUpdate;
import io.skillmix.output.AtomicFiles;
import io.skillmix.output.OutputGuard;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/**
 * {@code skillmix mixture export}: reads a run folder's schedule and datasets and writes its
 * mixture in another tool's terms ({@link MixtureFormat}), so a mixture learned cheaply on a small
 * proxy trains a model anywhere.
 */
public final class MixtureExport {

  private MixtureExport() {}

  /** Every format, by its {@code --to} name, in the order the services file lists them. */
  public static List<MixtureFormat> formats() {
    List<MixtureFormat> out = new ArrayList<>();
    ServiceLoader.load(MixtureFormat.class, MixtureFormat.class.getClassLoader()).forEach(out::add);
    return out;
  }

  public static MixtureFormat format(String id) {
    List<MixtureFormat> all = formats();
    return all.stream().filter(f -> f.id().equals(id)).findFirst()
        .orElseThrow(() -> new UserError("--to " + id + ": no such format; use "
            + String.join(", ", all.stream().map(MixtureFormat::id).toList())));
  }

  /**
   * The run's mixture chosen by {@code at}.
   *
   * @param at {@code final} (the probabilities in effect at the end), {@code average} (the
   *     draw-weighted mean of the schedule: each set of probabilities weighted by the examples the
   *     run drew while it was in effect) or a training step N (the probabilities in effect at step
   *     N, 0-based)
   */
  public static Mixture read(Path runDir, String at) {
    MixtureSchedule schedule = MixtureSchedule.read(runDir);
    SourceRun run = SourceRun.read(runDir, schedule.datasets());
    String choice = at == null ? "final" : at.trim();
    return switch (choice) {
      case "final" -> {
        WeightUpdate last = schedule.changes().get(schedule.changes().size() - 1);
        yield new Mixture(run, schedule, "final", last, Rounded.probabilities(last.probabilities()));
      }
      case "average" -> new Mixture(run, schedule, "average", null, Rounded.probabilities(schedule.average()));
      default -> {
        long step = step(choice, schedule);
        WeightUpdate point = schedule.at(step);
        yield new Mixture(run, schedule, "step " + step, point, Rounded.probabilities(point.probabilities()));
      }
    };
  }

  private static long step(String text, MixtureSchedule schedule) {
    long step;
    try {
      step = Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw new UserError("--at " + text + ": give final, average, or a training step (a whole number)");
    }
    long last = Math.max(schedule.steps(), schedule.changes().get(schedule.changes().size() - 1).effectiveStep() + 1) - 1;
    if (step < 0 || step > last) {
      throw new UserError("--at " + text + ": the run's steps are 0 to " + last + "; give one of them, final or average");
    }
    return step;
  }

  /**
   * Renders and writes (or, with no {@code out}, returns for standard output) the export.
   *
   * @param at null when not given
   * @return what was written: the files, or one file with a null path (standard output)
   */
  public static List<MixtureFormat.ExportFile> export(Path runDir, String to, String at, Path out, boolean overwrite) {
    MixtureFormat format = format(to);
    if (format.wholeSchedule() && at != null) {
      throw new UserError("--at " + at + ": --to " + to + " writes the whole schedule; leave --at out");
    }
    Mixture mixture = read(runDir, at);
    List<MixtureFormat.ExportFile> files = format.render(mixture, out);
    if (out == null) {
      return files;
    }
    List<Path> inputs = new ArrayList<>(List.of(runDir));
    mixture.run().datasets().forEach(d -> inputs.add(d.file()));
    OutputGuard guard = OutputGuard.of("mixture export", "--out", inputs);
    List<Path> targets = new ArrayList<>();
    for (MixtureFormat.ExportFile f : files) {
      targets.add(guard.checkFile(f.path(), overwrite)); // every file checked before any is written
    }
    for (int i = 0; i < files.size(); i++) {
      write(targets.get(i), files.get(i).text());
    }
    return files;
  }

  private static void write(Path target, String text) {
    try {
      Path parent = target.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      AtomicFiles.writeString(target, text);
    } catch (IOException | java.io.UncheckedIOException e) {
      throw new UserError(target + ": cannot write (" + e.getMessage() + ")");
    }
  }
}
