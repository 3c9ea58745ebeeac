package io.skillmix.export;

import io.skillmix.UserError;
import io.skillmix.config.ConfigLoader;
import io.skillmix.data.builtin.BuiltinFiles;
import io.skillmix.data.builtin.BuiltinMix;
import io.skillmix.data.format.FieldScan;
import io.skillmix.output.RunFolder;
import io.skillmix.run.RunSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The datasets of a finished run as another tool must be told about them: for each dataset of its
 * schedule, the file it read (absolute), how that file is laid out, and how many records it holds.
 * Read from the run's resolved {@code config.conf}; the built-in skill mix, which has no files in
 * the config, is generated into the run's data cache ({@code data.cache-dir}) from the run's own
 * settings, as training does, and exported by those generated files' paths.
 *
 * @param seed the run's {@code seed}
 * @param cacheDir where the built-in sets were generated (null for a run on its own files)
 */
public record SourceRun(Path dir, long seed, List<Dataset> datasets, Path cacheDir) {

  /**
   * @param file the file the run read, absolute
   * @param builtin whether it is a built-in set (a generated file in the data cache)
   * @param describe how the run's config read it: its format, or its column mapping
   */
  public record Dataset(String name, Path file, boolean builtin, String describe, FileLayout layout,
      FieldScan scan) {}

  public boolean builtin() {
    return cacheDir != null;
  }

  /**
   * @param names the datasets of the run's schedule, in its order ({@code data.only} may have left
   *     some of the config's out)
   */
  public static SourceRun read(Path runDir, List<String> names) {
    Path configFile = runDir.resolve(RunFolder.CONFIG);
    if (!Files.isRegularFile(configFile)) {
      throw new UserError(runDir + ": no " + RunFolder.CONFIG + " here; give the folder of a skillmix run");
    }
    RunSettings settings = RunSettings.from(ConfigLoader.load(configFile, List.of()));
    RunSettings.Data data = settings.data();
    List<Dataset> out = new ArrayList<>();
    if (data.datasets().isEmpty()) {
      Path cache = data.cacheDir().toAbsolutePath().normalize();
      Map<String, BuiltinFiles> files = BuiltinMix.writeJsonl(cache, settings.seed(), data.builtinTotal(),
          data.builtinHeldOut(), data.builtinNoise());
      for (String name : names) {
        BuiltinFiles f = files.get(name);
        if (f == null) {
          throw new UserError(runDir + ": " + RunFolder.WEIGHTS + " names '" + name + "', which is not a built-in"
              + " set (" + String.join(", ", files.keySet()) + ")");
        }
        out.add(dataset(name, f.train(), true, "alpaca", null));
      }
      return new SourceRun(runDir.toAbsolutePath().normalize(), settings.seed(), out, cache);
    }
    for (String name : names) {
      RunSettings.DatasetSpec spec = data.datasets().stream().filter(s -> s.name().equals(name)).findFirst()
          .orElseThrow(() -> new UserError(runDir + ": " + RunFolder.WEIGHTS + " names '" + name + "', which "
              + configFile + " has no data.datasets entry for"));
      // Relative paths are the training process's, run from its working folder as this one is.
      Path file = spec.path().toAbsolutePath().normalize();
      String describe = spec.columns() != null ? spec.columns().describe() : spec.format();
      out.add(dataset(name, file, false, describe, spec));
    }
    return new SourceRun(runDir.toAbsolutePath().normalize(), settings.seed(), out, null);
  }

  private static Dataset dataset(String name, Path file, boolean builtin, String describe, RunSettings.DatasetSpec spec) {
    var mapping = spec == null ? null : spec.columns();
    Set<String> fields = mapping == null ? Set.of() : mappedFields(mapping);
    FieldScan scan = FieldScan.of(file, fields, mapping == null ? null : mapping.messages());
    FileLayout layout = FileLayout.of(file, spec == null ? "alpaca" : spec.format(), mapping, scan);
    if (describe.equalsIgnoreCase("auto") && scan.layout() != null) {
      describe = scan.layout().id() + " (detected)";
    }
    return new Dataset(name, file, builtin, describe, layout, scan);
  }

  private static Set<String> mappedFields(io.skillmix.data.format.ColumnMapping m) {
    Set<String> out = new java.util.LinkedHashSet<>();
    for (String f : new String[] {m.prompt(), m.query(), m.response(), m.system(), m.history(), m.messages()}) {
      if (f != null) {
        out.add(f);
      }
    }
    return out;
  }
}
