package io.skillmix.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import io.skillmix.UserError;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The LoRA adapters of one model: one {@link LoraLayer} per targeted projection of every decoder
 * layer, under PEFT's tensor names ({@code base_model.model.<module>.lora_A.weight}, {@code lora_B}),
 * and the dropout on their inputs while training.
 *
 * <p>Dropout masks are drawn on the host from the seed, the step, the micro-batch and the adapter
 * alone: no generator state to checkpoint (a resumed run draws the same masks), and the recomputed
 * forward pass of activation checkpointing sees the masks of the first.
 */
public final class LoraAdapters {

  /** What PEFT's PeftModel and LoraModel wrappers put before a module's path. */
  public static final String PREFIX = "base_model.model.";

  private static final Map<String, String> FUSED = Map.of("q_proj", "qkv_proj", "k_proj", "qkv_proj",
      "v_proj", "qkv_proj", "gate_proj", "gate_up_proj", "up_proj", "gate_up_proj");

  private final LoraSettings settings;
  private final long dropoutSeed;
  private final List<String> modules;
  private final List<LoraLayer> layers = new ArrayList<>();
  private final List<ProjectionBlock> blocks = new ArrayList<>();
  private final Map<String, Parameter> parameters = new LinkedHashMap<>();
  private boolean training;
  private long step;
  private int micro;

  private LoraAdapters(LoraSettings settings, long dropoutSeed, List<String> modules) {
    this.settings = settings;
    this.dropoutSeed = dropoutSeed;
    this.modules = modules;
  }

  /** Adapters (parameters without values) on every targeted projection of {@code lm}. */
  static LoraAdapters attach(CausalLM lm, LoraSettings settings, long dropoutSeed) {
    ProjectionBlock[] first = {lm.layers().get(0).attention(), lm.layers().get(0).mlp()};
    LoraAdapters adapters = new LoraAdapters(settings, dropoutSeed, resolve(settings.targets(), first, lm.config()));
    for (int i = 0; i < lm.layers().size(); i++) {
      DecoderLayer layer = lm.layers().get(i);
      adapters.adapt("model.layers." + i + ".self_attn.", layer.attention());
      adapters.adapt("model.layers." + i + ".mlp.", layer.mlp());
    }
    return adapters;
  }

  /** Refuses, by key, targets that name no projection of {@code config}'s family (nothing is allocated). */
  public static void check(ModelConfig config, LoraSettings settings) {
    if (settings.enabled()) {
      attach(new CausalLM(config), settings, 0);
    }
  }

  /** The configured targets as this family's module names: q/k/v select Phi-3's fused qkv_proj, and so on. */
  private static List<String> resolve(List<String> targets, ProjectionBlock[] blocks, ModelConfig config) {
    Set<String> present = new LinkedHashSet<>();
    for (ProjectionBlock b : blocks) {
      present.addAll(b.projections().keySet());
    }
    Set<String> chosen = new LinkedHashSet<>();
    for (String t : targets) {
      String name = present.contains(t) ? t : FUSED.get(t);
      if (name == null || !present.contains(name)) {
        throw new UserError("model.lora.targets: '" + t + "' is not a projection of a " + config.modelType()
            + " model; its projections are " + String.join(", ", present));
      }
      chosen.add(name);
    }
    if (chosen.isEmpty()) {
      throw new UserError("model.lora.targets is empty; name the projections to adapt, e.g. [q_proj, v_proj]");
    }
    List<String> ordered = new ArrayList<>(present);
    ordered.retainAll(chosen);
    return List.copyOf(ordered);
  }

  private void adapt(String prefix, ProjectionBlock block) {
    blocks.add(block);
    for (Map.Entry<String, Parameter> e : block.projections().entrySet()) {
      if (!modules.contains(e.getKey())) {
        continue;
      }
      Shape w = e.getValue().getShape() != null ? e.getValue().getShape() : e.getValue().getArray().getShape();
      String module = prefix + e.getKey();
      Parameter a = ModelParameters.weight("lora_A", new Shape(settings.rank(), w.get(1)));
      Parameter b = ModelParameters.weight("lora_B", new Shape(w.get(0), settings.rank()));
      LoraLayer layer = new LoraLayer(module, layers.size(), e.getValue(), a, b, this);
      layers.add(layer);
      parameters.put(PREFIX + module + ".lora_A.weight", a);
      parameters.put(PREFIX + module + ".lora_B.weight", b);
      block.adapt(e.getKey(), layer);
    }
  }

  /** Whether {@code name} is an adapter tensor's name (PEFT layout), not a base weight's. */
  public static boolean isAdapterName(String name) {
    return name.startsWith(PREFIX) && (name.endsWith(".lora_A.weight") || name.endsWith(".lora_B.weight"));
  }

  /**
   * PEFT's initialisation: A as {@code kaiming_uniform_(a=√5)}, i.e. uniform in ±1/√in, and B zero,
   * so the adapted model starts equal to its base.
   */
  float[] initialValues(String name, Shape shape, Random random) {
    float[] values = new float[Math.toIntExact(shape.size())];
    if (name.endsWith(".lora_A.weight")) {
      double bound = 1 / Math.sqrt(shape.get(1));
      for (int i = 0; i < values.length; i++) {
        values[i] = (float) ((random.nextDouble() * 2 - 1) * bound);
      }
    }
    return values;
  }

  /** Dropout on the adapters' inputs for the forward pass of micro-batch {@code micro} of step {@code step}. */
  public void training(long step, int micro) {
    this.training = true;
    this.step = step;
    this.micro = micro;
  }

  /** No dropout (the default): evaluation, rewards, generation. */
  public void inference() {
    training = false;
  }

  NDArray dropout(NDArray x, int adapter) {
    double rate = settings.dropout();
    if (!training || rate == 0) {
      return x;
    }
    SplittableRandom rng = new SplittableRandom(mix(mix(mix(dropoutSeed ^ step) ^ micro) ^ adapter));
    float[] mask = new float[Math.toIntExact(x.getShape().size())];
    float keep = (float) (1 / (1 - rate));
    for (int i = 0; i < mask.length; i++) {
      mask[i] = rng.nextDouble() < rate ? 0f : keep;
    }
    NDManager m = x.getManager();
    // An array made from a Java buffer keeps the buffer's memory; the layer's scope closes it before
    // the backward pass, which reads the mask (see Autograd): multiply by a copy torch owns.
    NDArray drawn = m.create(mask, x.getShape());
    NDArray converted = drawn.toType(x.getDataType(), false).toDevice(x.getDevice(), false);
    NDArray owned = converted == drawn ? drawn.duplicate() : converted; // a conversion is a copy already
    drawn.close();
    return x.mul(owned);
  }

  /** Stafford's mix13 (as SplitMix64's finaliser): nearby inputs give unrelated seeds. */
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** Folds every adapter into its weight, {@code W ← W + scaling · B·A}, and removes the adapters. */
  void mergeIntoBase(NDManager manager) {
    float scaling = (float) settings.scaling();
    for (LoraLayer layer : layers) {
      try (NDManager scope = manager.newSubManager()) {
        NDArray w = layer.base().getArray();
        NDArray product = layer.b().getArray().matMul(layer.a().getArray()); // (out, in)
        product.attach(scope);
        NDArray scaled = product.mul(scaling);
        scaled.attach(scope);
        w.addi(scaled);
      }
    }
    for (ProjectionBlock block : blocks) {
      block.removeAdapters();
    }
  }

  public LoraSettings settings() {
    return settings;
  }

  /** The adapted projections' names as this family calls them ({@code q_proj}, …): PEFT's target_modules. */
  public List<String> modules() {
    return modules;
  }

  /** Values in all adapters. */
  public long parameterCount() {
    long n = 0;
    for (Parameter p : parameters.values()) {
      n += p.getArray().size();
    }
    return n;
  }

  /** Every adapter tensor under its PEFT name, A before B, in layer order. */
  public Map<String, Parameter> parameters() {
    return Collections.unmodifiableMap(parameters);
  }
}
