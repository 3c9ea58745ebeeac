package io.skillmix.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import io.skillmix.UserError;
import io.skillmix.model.io.DType;
import io.skillmix.model.io.ModelWeights;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A {@link CausalLM} with its weights on one device: created at random (seeded), loaded from a
 * Hugging Face folder, saved back to one. The model owns the manager its parameters live in;
 * callers run each forward pass in a sub-manager of {@link #manager()} and close it afterwards.
 */
public final class LanguageModel implements AutoCloseable {

  /** Standard deviation of the normal initialisation (Hugging Face's initializer_range). */
  static final double INIT_STD = 0.02;

  /** Tensors some Hugging Face checkpoints carry that are not parameters. */
  private static final String ROTARY_BUFFER = "rotary_emb.inv_freq";

  private final ModelConfig config;
  private final NDManager manager;
  private final CausalLM block;
  private LoraAdapters lora;

  private LanguageModel(ModelConfig config, NDManager manager) {
    this.config = config;
    this.manager = manager;
    this.block = new CausalLM(config);
  }

  /** A randomly initialised model: normal(0, 0.02) weights, unit norms (0 for Gemma's 1 + w), zero biases. */
  public static LanguageModel random(ModelConfig config, Device device, long seed) {
    return random(config, device, seed, DataType.FLOAT32);
  }

  /** As {@link #random(ModelConfig, Device, long)}; FLOAT64 serves exact gradient checks. */
  public static LanguageModel random(ModelConfig config, Device device, long seed, DataType dtype) {
    LanguageModel model = new LanguageModel(config, NDManager.newBaseManager(device));
    Random random = new Random(seed);
    float unit = config.variant().gemmaNorms() ? 0f : 1f;
    for (Map.Entry<String, Parameter> e : model.block.hfParameters().entrySet()) {
      Shape shape = e.getValue().getShape();
      float[] values = new float[Math.toIntExact(shape.size())];
      if (e.getKey().endsWith("norm.weight")) {
        Arrays.fill(values, unit);
      } else if (e.getValue().getType() == Parameter.Type.WEIGHT) {
        for (int i = 0; i < values.length; i++) {
          values[i] = (float) (random.nextGaussian() * INIT_STD);
        }
      }
      model.set(e.getValue(), values, dtype);
    }
    return model;
  }

  /** Loads {@code config.json} and the safetensors weights of a Hugging Face model folder. */
  public static LanguageModel load(Path folder, Device device) {
    ModelConfig config = readConfig(folder);
    LanguageModel model = new LanguageModel(config, NDManager.newBaseManager(device));
    try (ModelWeights weights = ModelWeights.open(folder)) {
      model.requireMatches(folder, weights);
      for (Map.Entry<String, Parameter> e : model.block.hfParameters().entrySet()) {
        float[] values = weights.readFloats(e.getKey());
        requireFinite(folder, e.getKey(), values);
        model.set(e.getValue(), values, DataType.FLOAT32);
      }
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
    return model;
  }

  /**
   * Checks, without reading any tensor's values, that a model folder would load: its config.json,
   * the safetensors headers and every tensor's name and shape. Throws the same one-line errors as
   * {@link #load}, so a run can refuse a bad folder before it creates anything.
   */
  public static void check(Path folder) {
    ModelConfig config = readConfig(folder);
    try (LanguageModel model = new LanguageModel(config, NDManager.newBaseManager(Device.cpu()));
        ModelWeights weights = ModelWeights.open(folder)) {
      model.requireMatches(folder, weights);
    }
  }

  /**
   * A weight that is NaN or infinite makes every output NaN: generation then prints token 0 (NUL
   * bytes), training diverges at once, merging spreads it. Refused when the folder is read.
   */
  public static void requireFinite(Path folder, String tensor, float[] values) {
    int bad = 0;
    for (float v : values) {
      if (!Float.isFinite(v)) {
        bad++;
      }
    }
    if (bad > 0) {
      throw new UserError(folder + ": tensor '" + tensor + "' holds " + bad + " non-finite values (NaN or"
          + " infinity) of " + values.length + "; the weights are damaged (a diverged run?); use an earlier checkpoint");
    }
  }

  private static ModelConfig readConfig(Path folder) {
    if (!Files.isDirectory(folder)) {
      throw new UserError(folder + ": model folder not found");
    }
    return ModelConfig.read(folder.resolve("config.json"));
  }

  private void requireMatches(Path folder, ModelWeights weights) {
    for (Map.Entry<String, Parameter> e : block.hfParameters().entrySet()) {
      String name = e.getKey();
      if (!weights.names().contains(name)) {
        throw new UserError(folder + ": tensor '" + name + "' is missing from the weights;"
            + " the checkpoint does not match its config.json");
      }
      long[] expected = e.getValue().getShape().getShape();
      long[] found = weights.info(name).shape();
      if (!Arrays.equals(expected, found)) {
        throw new UserError(folder + ": tensor '" + name + "' has shape " + Arrays.toString(found)
            + " but config.json implies " + Arrays.toString(expected));
      }
      DType dtype = weights.info(name).dtype();
      if (!dtype.readableAsFloat()) {
        throw new UserError(folder + ": tensor '" + name + "' is stored as " + dtype + ", which skillmix"
            + " cannot read as weights (quantised checkpoints are not supported); use an F32, F16 or BF16"
            + " checkpoint");
      }
    }
    for (String name : weights.names()) {
      boolean known = block.hfParameters().containsKey(name)
          || name.endsWith(ROTARY_BUFFER)
          || (name.equals("lm_head.weight") && config.tieWordEmbeddings());
      if (!known) {
        throw new UserError(folder + ": unexpected tensor '" + name + "' for a " + config.modelType()
            + " model with this config.json");
      }
    }
  }

  /** Writes {@code config.json} and {@code model.safetensors} (sharded past maxShardBytes). */
  public void save(Path folder, long maxShardBytes) {
    try {
      Files.createDirectories(folder);
      config.write(folder.resolve("config.json"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    // One tensor's values at a time: a model larger than the heap still saves.
    Map<String, long[]> shapes = new LinkedHashMap<>();
    for (Map.Entry<String, Parameter> e : block.hfParameters().entrySet()) {
      shapes.put(e.getKey(), e.getValue().getArray().getShape().getShape());
    }
    ModelWeights.write(folder, shapes, DType.F32, maxShardBytes,
        name -> toFloats(block.hfParameters().get(name).getArray()));
  }

  /** Saves in one file up to 4 GiB, then in 4 GiB shards, like Hugging Face's default. */
  public void save(Path folder) {
    save(folder, 4L << 30);
  }

  private void set(Parameter parameter, float[] values, DataType dtype) {
    if (parameter.isInitialized()) {
      // Later updates copy in place: the array keeps its identity, gradient flag and optimizer state.
      GradMode.disableOnThisThread();
      NDArray array = parameter.getArray();
      if (array.getDataType() == DataType.FLOAT32) {
        array.set(java.nio.FloatBuffer.wrap(values));
      } else {
        try (NDManager scope = manager.newSubManager()) {
          array.set(scope.create(values, array.getShape()).toType(array.getDataType(), false)
              .toByteBuffer());
        }
      }
      return;
    }
    NDArray array = manager.create(values, parameter.getShape());
    if (dtype != DataType.FLOAT32) {
      NDArray converted = array.toType(dtype, false);
      array.close();
      array = converted;
    }
    array.setRequiresGradient(true);
    parameter.setShape(null); // DJL accepts an array only on a parameter without a declared shape
    parameter.setArray(array);
  }

  private static float[] toFloats(NDArray array) {
    return array.getDataType() == DataType.FLOAT32
        ? array.toFloatArray()
        : array.toType(DataType.FLOAT32, false).toFloatArray();
  }

  // ---------------------------------------------------------------- LoRA

  /**
   * Adds LoRA adapters (see {@link LoraSettings}) initialised as PEFT does from {@code seed} (B = 0:
   * the model computes what it did), and freezes every base weight: only the adapters train.
   */
  public void addLora(LoraSettings settings, long seed) {
    if (lora != null || !settings.enabled()) {
      throw new IllegalStateException(lora != null ? "the model has adapters already" : "LoRA rank is 0");
    }
    lora = LoraAdapters.attach(block, settings, seed);
    Random random = new Random(seed);
    DataType dtype = block.headWeight().getDataType();
    for (Map.Entry<String, Parameter> e : lora.parameters().entrySet()) {
      set(e.getValue(), lora.initialValues(e.getKey(), e.getValue().getShape(), random), dtype);
    }
    for (Parameter p : block.hfParameters().values()) {
      p.getArray().setRequiresGradient(false);
    }
  }

  /** The adapters, or null when every weight trains. */
  public LoraAdapters lora() {
    return lora;
  }

  /** Folds the adapters into the base weights (W + (alpha/r)·B·A): a plain model again, saved as one. */
  public void mergeLora() {
    GradMode.disableOnThisThread();
    lora.mergeIntoBase(manager);
    lora = null;
  }

  /** Every tensor the model computes with: base weights by Hugging Face name, then adapters by PEFT name. */
  private Map<String, Parameter> allParameters() {
    if (lora == null) {
      return block.hfParameters();
    }
    Map<String, Parameter> all = new LinkedHashMap<>(block.hfParameters());
    all.putAll(lora.parameters());
    return all;
  }

  /** What training changes: the adapters with LoRA, else every weight. */
  private Map<String, Parameter> trainable() {
    return lora == null ? block.hfParameters() : lora.parameters();
  }

  // ---------------------------------------------------------------- weights as plain values

  /** Every tensor's values (base and adapters) by name: a snapshot that can cross actors. */
  public Map<String, float[]> exportWeights() {
    return export(allParameters());
  }

  /** The values training changes (the adapters alone with LoRA): what a later snapshot needs to carry. */
  public Map<String, float[]> exportTrainable() {
    return export(trainable());
  }

  private static Map<String, float[]> export(Map<String, Parameter> parameters) {
    Map<String, float[]> out = new LinkedHashMap<>();
    for (Map.Entry<String, Parameter> e : parameters.entrySet()) {
      out.put(e.getKey(), toFloats(e.getValue().getArray()));
    }
    return out;
  }

  /**
   * Overwrites the tensors a snapshot names: one from {@link #exportWeights()} sets all of them, one
   * from {@link #exportTrainable()} the trained ones. A snapshot must hold every trained tensor and
   * nothing this model lacks.
   */
  public void importWeights(Map<String, float[]> weights) {
    Map<String, Parameter> all = allParameters();
    for (String name : trainable().keySet()) {
      if (!weights.containsKey(name)) {
        throw new IllegalArgumentException("snapshot lacks " + name);
      }
    }
    for (Map.Entry<String, float[]> e : weights.entrySet()) {
      Parameter p = all.get(e.getKey());
      if (p == null || e.getValue().length != p.getArray().size()) {
        throw new IllegalArgumentException("snapshot has " + (p == null ? "unknown" : "misshapen") + " " + e.getKey());
      }
      set(p, e.getValue(), p.getArray().getDataType());
    }
  }

  // ---------------------------------------------------------------- use

  /** See {@link CausalLM#forward}. */
  public NDList forward(NDArray inputIds, NDArray attentionMask, KvCache cache) {
    return block.forward(inputIds, attentionMask, cache);
  }

  /** The top-layer hidden states (B, T, D) alone: no logits (see {@link CausalLM#hidden}). */
  public NDArray hidden(NDArray inputIds, NDArray attentionMask) {
    return block.hidden(inputIds, attentionMask, null, null);
  }

  /** A forward pass with Monte-Carlo dropout (see {@link CausalLM.Dropout}). */
  public NDList forwardWithDropout(NDArray inputIds, NDArray attentionMask, CausalLM.Dropout dropout) {
    return block.forward(inputIds, attentionMask, null, dropout);
  }

  /** A trainable tensor: weight decay applies to matrices, not to norms and biases. */
  public record NamedParameter(String name, NDArray array, boolean decay) {}

  /** The tensors training updates: every weight, or the adapters alone with LoRA. */
  public List<NamedParameter> parameters() {
    List<NamedParameter> out = new ArrayList<>();
    for (Map.Entry<String, Parameter> e : trainable().entrySet()) {
      NDArray array = e.getValue().getArray();
      out.add(new NamedParameter(e.getKey(), array, array.getShape().dimension() >= 2));
    }
    return out;
  }

  public long parameterCount() {
    long n = 0;
    for (Parameter p : block.hfParameters().values()) {
      n += p.getShape().size();
    }
    return n;
  }

  public ModelConfig config() {
    return config;
  }

  public CausalLM block() {
    return block;
  }

  public NDManager manager() {
    return manager;
  }

  public Device device() {
    return manager.getDevice();
  }

  @Override
  public void close() {
    manager.close();
  }
}
