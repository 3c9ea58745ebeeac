package io.skillmix.merge;

import com.google.gson.GsonBuilder;
import io.skillmix.UserError;
import io.skillmix.model.ModelFolder;
import io.skillmix.model.io.DType;
import io.skillmix.model.io.ModelWeights;
import io.skillmix.model.io.SafetensorsWriter;
import io.skillmix.model.io.TensorInfo;
import io.skillmix.output.OutputGuard;
import io.skillmix.output.StagedFolder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Merges fine-tunes of one model into a Hugging Face folder, tensor by tensor. Each input tensor is
 * read in chunks, so memory holds one merged tensor and one chunk of each input at a time: models
 * larger than memory merge as long as their largest tensor fits.
 *
 * <p>Everything is checked (architecture, tensor names, shapes, dtypes, weights, output folder)
 * before anything is written; the output is built in a temporary folder and renamed into place.
 * {@code overwrite} replaces only an earlier merge output, never an input or a folder around one.
 * Each tensor is written in its stored dtype; a shard of the first input that mixes dtypes is
 * written all in F32 (exact for F16 and BF16 values), since a safetensors writer here takes one.
 */
public final class ModelMerger {

  /** The command that writes merged folders, as named in their {@link io.skillmix.output.OutputMarker}. */
  public static final String COMMAND = "merge";

  /** Values read from each input at once: 4 MiB of floats per input. */
  static final int DEFAULT_CHUNK_VALUES = 1 << 20;

  /** Told of each merged tensor, for a progress bar. */
  public interface Progress {
    Progress NONE = new Progress() {};

    default void started(int tensors) {}

    default void merged(String tensor) {}
  }

  /** What was written: the folder, tensor and scalar counts, the normalised weights used. */
  public record Result(Path out, int tensors, long parameters, double[] weights) {}

  private ModelMerger() {}

  /** Merges with the default chunk size; {@code version} is recorded in the recipe. */
  public static Result merge(MergeRequest request, String version, Progress progress) {
    return merge(request, version, progress, DEFAULT_CHUNK_VALUES);
  }

  static Result merge(MergeRequest request, String version, Progress progress, int chunkValues) {
    if (chunkValues <= 0) {
      throw new IllegalArgumentException("chunkValues must be positive, got " + chunkValues);
    }
    double[] weights = normalisedWeights(request);
    Path target = checkFolders(request);
    try (MergeInputs inputs = MergeInputs.open(request.inputs(), request.base())) {
      ShardLayout layout = ShardLayout.of(request.inputs().get(0), inputs.inputs.get(0));
      ChunkCombiner combiner = new ChunkCombiner(request.method(), weights, request.seed());
      TensorStream stream = new TensorStream(inputs, request.method().needsBase(), combiner, chunkValues, progress);
      progress.started(inputs.inputs.get(0).names().size());
      try (StagedFolder staged = StagedFolder.create(target, COMMAND)) {
        writeWeights(staged.path(), layout, inputs.inputs.get(0), stream);
        copyFiles(request.inputs().get(0), staged.path());
        new MergeRecipe(request.method(), request.inputs(), request.base(), weights, request.seed(),
            Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(), version, stream.tensors, stream.scalars)
            .write(staged.path());
        staged.commit();
      } catch (IOException e) {
        throw new UserError(request.out() + ": cannot write the merged model (" + e.getMessage() + ")");
      }
      return new Result(request.out(), stream.tensors, stream.scalars, weights);
    }
  }

  /** The weights as probabilities: given ones checked and divided by their sum, else uniform. */
  static double[] normalisedWeights(MergeRequest request) {
    int n = request.inputs().size();
    if (n < 2) {
      throw new UserError("--inputs names " + n + " model folder" + (n == 1 ? "" : "s")
          + "; a merge needs at least two");
    }
    double[] given = request.weights();
    if (given == null) {
      double[] uniform = new double[n];
      java.util.Arrays.fill(uniform, 1.0 / n);
      return uniform;
    }
    if (given.length != n) {
      throw new UserError("--weights has " + given.length + " values for " + n + " --inputs; give one weight per input");
    }
    double sum = 0;
    for (double w : given) {
      if (!(w >= 0) || Double.isInfinite(w)) {
        throw new UserError("--weights value " + w + " is not a finite non-negative number");
      }
      sum += w;
    }
    if (!(sum > 0)) {
      throw new UserError("--weights are all zero; give at least one positive weight");
    }
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      out[i] = given[i] / sum;
    }
    return out;
  }

  /** Checks the inputs and the output folder; returns where to write the merge. */
  private static Path checkFolders(MergeRequest request) {
    if (request.method().needsBase() && request.base() == null) {
      throw new UserError("--method " + request.method().cliName()
          + " needs --base, the model the inputs were fine-tuned from");
    }
    List<Path> sources = new ArrayList<>(request.inputs());
    if (request.base() != null) {
      sources.add(request.base());
    }
    for (Path source : sources) {
      if (!Files.isDirectory(source)) {
        throw new UserError(source + ": not a folder; give Hugging Face model folders");
      }
    }
    return OutputGuard.of(COMMAND, "--out", sources).checkFolder(request.out(), request.overwrite());
  }

  private static void writeWeights(Path folder, ShardLayout layout, ModelWeights first, TensorStream stream)
      throws IOException {
    Map<String, String> metadata = Map.of("format", "pt"); // Transformers refuses files without it
    Map<String, String> weightMap = new LinkedHashMap<>();
    long totalBytes = 0;
    for (Map.Entry<String, List<String>> file : layout.files().entrySet()) {
      Map<String, long[]> shapes = new LinkedHashMap<>();
      DType dtype = null;
      for (String name : file.getValue()) {
        TensorInfo info = first.info(name);
        shapes.put(name, info.shape());
        dtype = dtype == null || dtype == info.dtype() ? info.dtype() : DType.F32;
        weightMap.put(name, file.getKey());
      }
      DType written = dtype == null ? DType.F32 : dtype;
      for (long[] shape : shapes.values()) {
        long n = 1;
        for (long d : shape) {
          n *= d;
        }
        totalBytes += n * written.bytes();
      }
      SafetensorsWriter.write(folder.resolve(file.getKey()), shapes, written, metadata, stream::merge);
    }
    if (layout.sharded()) {
      Map<String, Object> index = new LinkedHashMap<>();
      index.put("metadata", Map.of("total_size", totalBytes));
      index.put("weight_map", weightMap);
      Files.writeString(folder.resolve(ModelWeights.INDEX),
          new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(index) + "\n",
          StandardCharsets.UTF_8);
    }
  }

  private static void copyFiles(Path source, Path folder) throws IOException {
    Files.copy(source.resolve("config.json"), folder.resolve("config.json"), StandardCopyOption.COPY_ATTRIBUTES);
    for (String name : ModelFolder.TOKENIZER_FILES) {
      Path file = source.resolve(name);
      if (Files.isRegularFile(file)) {
        Files.copy(file, folder.resolve(name));
      }
    }
  }

  /** Produces merged tensors one at a time for the writer, reading the inputs a chunk at a time. */
  private static final class TensorStream {

    private final MergeInputs inputs;
    private final boolean withBase;
    private final ChunkCombiner combiner;
    private final int chunkValues;
    private final Progress progress;
    int tensors;
    long scalars;

    TensorStream(MergeInputs inputs, boolean withBase, ChunkCombiner combiner, int chunkValues, Progress progress) {
      this.inputs = inputs;
      this.withBase = withBase;
      this.combiner = combiner;
      this.chunkValues = chunkValues;
      this.progress = progress;
    }

    float[] merge(String name) {
      long total = inputs.inputs.get(0).info(name).elements();
      if (total > Integer.MAX_VALUE - 8) {
        throw new UserError(inputs.folders.get(0) + ": tensor '" + name + "' has " + total
            + " values, more than one merged tensor can hold in memory here");
      }
      float[] out = new float[(int) total];
      int size = (int) Math.min(chunkValues, total);
      float[][] chunks = new float[inputs.inputs.size()][size];
      float[] base = withBase ? new float[size] : null;
      for (int at = 0; at < out.length; at += size) {
        int n = Math.min(size, out.length - at);
        for (int k = 0; k < chunks.length; k++) {
          read(inputs.inputs.get(k), name, at, chunks[k], n);
        }
        if (withBase) {
          read(inputs.base, name, at, base, n);
        }
        combiner.combine(name, at, chunks, base, n, out, at);
      }
      tensors++;
      scalars += total;
      progress.merged(name);
      return out;
    }

    private static void read(ModelWeights weights, String name, long first, float[] into, int n) {
      if (n == into.length) {
        weights.readFloats(name, first, into);
      } else {
        float[] last = new float[n]; // the tensor's last, shorter chunk
        weights.readFloats(name, first, last);
        System.arraycopy(last, 0, into, 0, n);
      }
    }
  }
}
