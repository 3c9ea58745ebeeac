package io.skillmix.checkpoint;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.skillmix.UserError;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The checkpoints of one run, {@code RUN_DIR/checkpoints/step-NNNNNN/}. A checkpoint is written
 * into a temporary folder ({@link #begin}), then {@link Pending#commit} fsyncs every file, writes
 * {@code manifest.json} with the SHA-256 of each, fsyncs the folder and renames it into place in
 * one atomic step: a crash or {@code kill -9} at any moment leaves either the old set of
 * checkpoints or the new one, never half of one. A folder without a manifest that matches its
 * files is not complete and is never resumed from.
 */
public final class Checkpoints {

  public static final String MANIFEST = "manifest.json";
  private static final Pattern NAME = Pattern.compile("step-(\\d+)");
  private static final String TMP_PREFIX = ".tmp-";
  private static final Gson GSON = new GsonBuilder().setPrettyPrinting().create();

  private final Path dir;
  private final int keep;

  /** @param keep complete checkpoints kept ({@code train.keep-checkpoints}); older ones are deleted */
  public Checkpoints(Path runDir, int keep) {
    if (keep < 1) {
      throw new IllegalArgumentException("keep at least one checkpoint, not " + keep);
    }
    this.dir = runDir.resolve(io.skillmix.output.RunFolder.CHECKPOINTS);
    this.keep = keep;
  }

  public Path dir() {
    return dir;
  }

  public static String name(long step) {
    return String.format("step-%06d", step);
  }

  /** Opens a temporary folder for the checkpoint after {@code step} steps. */
  public Pending begin(long step) {
    try {
      Files.createDirectories(dir);
      Path tmp = Files.createTempDirectory(dir, TMP_PREFIX + name(step) + "-");
      return new Pending(step, tmp);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A checkpoint being written: fill {@link #folder()}, then {@link #commit()} or {@link #abandon()}. */
  public final class Pending {
    private final long step;
    private final Path folder;

    private Pending(long step, Path folder) {
      this.step = step;
      this.folder = folder;
    }

    public Path folder() {
      return folder;
    }

    /** Makes the checkpoint durable and visible; returns its final folder. */
    public Path commit() {
      try {
        Map<String, String> files = new LinkedHashMap<>();
        List<Path> dirs = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(folder)) {
          for (Path p : walk.sorted().toList()) {
            if (Files.isDirectory(p)) {
              dirs.add(p);
            } else {
              fsync(p);
              files.put(folder.relativize(p).toString().replace('\\', '/'), sha256(p));
            }
          }
        }
        JsonObject manifest = new JsonObject();
        manifest.addProperty("step", step);
        manifest.add("files", GSON.toJsonTree(files));
        Path manifestFile = folder.resolve(MANIFEST);
        Files.writeString(manifestFile, GSON.toJson(manifest), StandardCharsets.UTF_8);
        fsync(manifestFile);
        for (Path d : dirs) {
          fsync(d);
        }
        Path target = dir.resolve(name(step));
        if (Files.exists(target)) {
          // The same step written again (a stop right after a periodic checkpoint): the old one
          // leaves first, so the rename below stays atomic.
          deleteTree(target);
        }
        try {
          Files.move(folder, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
          throw new IOException(dir + ": the file system cannot rename atomically", e);
        }
        fsync(dir);
        prune();
        return target;
      } catch (IOException e) {
        throw new UncheckedIOException("writing checkpoint " + name(step) + " in " + dir, e);
      }
    }

    public void abandon() {
      deleteTree(folder);
    }
  }

  /** The newest complete checkpoint, if any. */
  public Optional<Path> latest() {
    return complete().stream().reduce((a, b) -> b);
  }

  /** Every complete checkpoint, oldest first. */
  public List<Path> complete() {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> list = Files.list(dir)) {
      return list.filter(p -> NAME.matcher(p.getFileName().toString()).matches())
          .filter(Checkpoints::isComplete)
          .sorted(Comparator.comparingLong(Checkpoints::stepOf))
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Checkpoint folders newer than {@code step} whose manifest is missing or does not match. */
  public List<Path> damagedAfter(long step) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> list = Files.list(dir)) {
      return list.filter(p -> NAME.matcher(p.getFileName().toString()).matches())
          .filter(p -> stepOf(p) > step && !isComplete(p))
          .sorted(Comparator.comparingLong(Checkpoints::stepOf))
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The step a checkpoint folder was written after. */
  public static long stepOf(Path folder) {
    Matcher m = NAME.matcher(folder.getFileName().toString());
    if (!m.matches()) {
      throw new UserError(folder + ": not a checkpoint folder (expected step-NNNNNN)");
    }
    return Long.parseLong(m.group(1));
  }

  /** True when the folder has a manifest and every file it lists is there with its checksum. */
  public static boolean isComplete(Path folder) {
    Path manifestFile = folder.resolve(MANIFEST);
    if (!Files.isRegularFile(manifestFile)) {
      return false;
    }
    try {
      JsonObject manifest = JsonParser.parseString(Files.readString(manifestFile)).getAsJsonObject();
      if (manifest.get("step").getAsLong() != stepOf(folder)) {
        return false;
      }
      for (Map.Entry<String, com.google.gson.JsonElement> e : manifest.getAsJsonObject("files").entrySet()) {
        Path file = folder.resolve(e.getKey());
        if (!Files.isRegularFile(file) || !sha256(file).equals(e.getValue().getAsString())) {
          return false;
        }
      }
      return true;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /** Keeps the newest {@code keep} complete checkpoints; removes older ones and leftover temporary folders. */
  private void prune() throws IOException {
    List<Path> done = complete();
    for (int i = 0; i < done.size() - keep; i++) {
      deleteTree(done.get(i));
    }
    try (Stream<Path> list = Files.list(dir)) {
      for (Path p : list.filter(p -> p.getFileName().toString().startsWith(TMP_PREFIX)).toList()) {
        deleteTree(p); // abandoned by a crash while writing; never complete
      }
    }
  }

  static String sha256(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[1 << 16];
      for (int n; (n = in.read(buffer)) > 0; ) {
        digest.update(buffer, 0, n);
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void fsync(Path path) throws IOException {
    io.skillmix.output.AtomicFiles.fsync(path);
  }

  static void deleteTree(Path root) {
    try {
      io.skillmix.output.AtomicFiles.deleteTree(root);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

}
