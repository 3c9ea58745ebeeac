package io.skillmix.learn;

import io.skillmix.model.SftLoss;
import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.skillmix.data.TokenizedExample;
import io.skillmix.model.ActivationCheckpointing;
import io.skillmix.model.AdapterFolder;
import io.skillmix.model.Autograd;
import io.skillmix.model.Devices;
import io.skillmix.model.GradMode;
import io.skillmix.model.LanguageModel;
import io.skillmix.model.LoraSettings;
import io.skillmix.model.ModelConfig;
import io.skillmix.model.ModelFolder;
import io.skillmix.model.ModelInputs;
import io.skillmix.model.ParameterSnapshot;
import io.skillmix.model.TorchThreads;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One optimizer step at a time on the learner's model: micro-batches forward and backward with
 * gradients accumulated, global-norm clipping, AdamW at the scheduled learning rate. Each step
 * opens its tensors in a sub-manager and closes them before it returns.
 */
public final class Trainer implements AutoCloseable {

  /**
   * What one step did. {@code tokens}: real (non-pad) input tokens; {@code padTokens}: the padding
   * the step's rows carried besides. {@code skipped}: the gradient was not finite and no update was made.
   * {@code exampleLoss[i]} and {@code exampleTokens[i]}: example i's summed NLL and its counted
   * tokens (the loss is Σ exampleLoss / Σ exampleTokens, token-weighted), so losses over any
   * subset of the batch (a dataset's examples) are exact.
   */
  public record StepResult(double loss, double lr, double gradNorm, int tokens, int padTokens, boolean skipped,
      double[] exampleLoss, int[] exampleTokens) {}

  private final LanguageModel model;
  private final List<AdamW.Param> params = new ArrayList<>();
  private final AdamW optimizer;
  private final LrSchedule schedule;
  private final TrainSettings settings;
  private final ModelInputs inputs;
  /** Torch intra-op threads pinned on the stepping thread; 0: left as they are. */
  private final int threads;
  private long step;

  /** @param padId the tokenizer's pad id ({@link ModelInputs#padIdOf}) */
  public Trainer(LanguageModel model, TrainSettings settings, int padId) {
    this(model, settings, padId, 0);
  }

  /** @param threads torch intra-op threads for the steps (see {@link TorchThreads}); 0 leaves them */
  public Trainer(LanguageModel model, TrainSettings settings, int padId, int threads) {
    this.model = model;
    this.threads = threads;
    this.settings = settings;
    this.inputs = settings.packing() ? ModelInputs.packed(padId, settings.packLength()) : ModelInputs.padded(padId);
    for (LanguageModel.NamedParameter p : model.parameters()) {
      params.add(new AdamW.Param(p.name(), p.array(), p.decay()));
    }
    this.optimizer = new AdamW(new AdamW.Settings(settings.beta1(), settings.beta2(), settings.eps(),
        settings.weightDecay()));
    this.schedule = LrSchedule.of(settings);
  }

  /**
   * Where and how the learner computes: its device ({@code devices.learner}) and torch's intra-op
   * threads on its thread.
   */
  public record Placement(String device, int threads) {}

  /**
   * The learner's trainer for a run: the model of {@code modelPath} (or a random one of
   * {@code config}, seeded) on the learner's device, padding with {@code padId}.
   */
  public static Trainer create(TrainSettings train, ModelConfig config, java.nio.file.Path modelPath, long seed,
      Placement placement, int padId) {
    return create(train, config, modelPath, seed, placement, padId, LoraSettings.OFF);
  }

  /** As above, with LoRA adapters on the model (seeded from {@code seed}) when {@code lora} is enabled. */
  public static Trainer create(TrainSettings train, ModelConfig config, Path modelPath, long seed,
      Placement placement, int padId, LoraSettings lora) {
    LanguageModel model = base(config, modelPath, seed, placement);
    if (lora.enabled()) {
      model.addLora(lora, loraSeed(seed));
    }
    return new Trainer(model, train, padId, placement.threads());
  }

  private static LanguageModel base(ModelConfig config, Path modelPath, long seed, Placement placement) {
    Device device = Devices.parse("devices.learner", placement.device());
    return modelPath == null ? LanguageModel.random(config, device, seed) : LanguageModel.load(modelPath, device);
  }

  /** The adapters' seed (initialisation and dropout masks): the run's, mixed, so A is not drawn like the base. */
  private static long loraSeed(long seed) {
    return seed ^ 0x4C6F524144415054L; // "LoRADAPT"
  }

  public StepResult step(List<TokenizedExample> batch) {
    // The learner's actor may step on any dispatcher thread: pin the count on this one.
    TorchThreads.pin(threads);
    GradMode.disableOnThisThread();
    double lr = schedule.lr(step);
    try (NDManager scope = model.manager().newSubManager()) {
      Backward pass = backward(batch, scope);
      float norm = GradClip.clipByGlobalNorm(pass.grads(), (float) settings.gradClip());
      boolean finite = Float.isFinite(norm) && Double.isFinite(pass.loss());
      if (finite) {
        optimizer.step(params, (float) lr);
      }
      for (NDArray g : pass.grads()) {
        // Gradients accumulate across backward passes: clear them for the next step (a fill, so a
        // NaN of a skipped step does not survive as NaN · 0).
        g.set(new ai.djl.ndarray.index.NDIndex("..."), 0f);
      }
      step++;
      return new StepResult(pass.loss(), lr, norm, pass.tokens(), pass.padTokens(), !finite, pass.exampleLoss(),
          pass.exampleTokens());
    }
  }

  /** The summed gradients of one batch, with the batch's loss; views live in {@code scope}. */
  record Backward(double loss, int tokens, int padTokens, List<NDArray> grads, double[] exampleLoss,
      int[] exampleTokens) {}

  /**
   * Forward and backward over micro-batches of {@code train.micro-batch-size} rows (packed or
   * padded, {@link ModelInputs#passes}). Each micro-batch's mean loss is weighted by its share of
   * the batch's counted tokens, so the accumulated gradient equals that of the whole batch.
   */
  Backward backward(List<TokenizedExample> batch, NDManager scope) {
    int counted = 0;
    int[] exampleTokens = new int[batch.size()];
    double[] exampleLoss = new double[batch.size()];
    for (int i = 0; i < batch.size(); i++) {
      exampleTokens[i] = SftLoss.countedTokens(batch.get(i));
      counted += exampleTokens[i];
    }
    double lossSum = 0;
    int tokens = 0;
    int slots = 0;
    int passNumber = 0;
    for (ModelInputs.Rows in : inputs.passes(batch, settings.microBatchSize())) {
      tokens += in.realTokens();
      slots += in.batch() * in.length();
      if (model.lora() != null) {
        model.lora().training(step, passNumber); // seeds this pass's adapter dropout
      }
      passNumber++;
      try (NDManager microScope = scope.newSubManager();
          GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        Shape shape = in.shape();
        NDArray ids = in.ids(microScope);
        NDArray mask = in.mask(microScope);
        float share = counted == 0 ? 0f : (float) in.countedTokens() / counted;
        if (settings.activationCheckpointing()) {
          NDArray loss = ActivationCheckpointing.backward(model.block(), ids, mask, hidden -> {
            NDArray l = SftLoss.compute(model.block(), hidden, in, settings.lossChunk(), exampleLoss);
            return l.mul(Autograd.constant(l, share));
          });
          lossSum += loss.getFloat();
          continue;
        }
        // lossChunk 0 (benchmarks only): the full (batch, length, vocabulary) loss chunking replaced.
        NDArray loss = settings.lossChunk() > 0
            ? SftLoss.compute(model.block(), model.hidden(ids, mask), in, settings.lossChunk(), exampleLoss)
            : SftLoss.compute(model.forward(ids, mask, null).get(0), microScope.create(in.targets(), shape),
                microScope.create(in.weights(), shape), in.exampleAt(), exampleLoss);
        lossSum += loss.getFloat() * share;
        collector.backward(loss.mul(Autograd.constant(loss, share)));
      }
    }
    if (model.lora() != null) {
      model.lora().inference();
    }
    List<NDArray> grads = new ArrayList<>(params.size());
    for (AdamW.Param p : params) {
      NDArray g = p.value().getGradient();
      g.attach(scope); // a view of the parameter's gradient; closing it frees only the handle
      grads.add(g);
    }
    return new Backward(lossSum, tokens, slots - tokens, grads, exampleLoss, exampleTokens);
  }

  /** What changed since θ0, for the evaluator after {@code version} steps: every weight, or the adapters alone. */
  public ParameterSnapshot snapshot(long version) {
    return new ParameterSnapshot(version, model.exportTrainable());
  }

  /** θ0 for the evaluator, sent once: every tensor (with LoRA, the base and the initial adapters). */
  public ParameterSnapshot reference() {
    return new ParameterSnapshot(0, model.exportWeights());
  }

  /** Bytes of the values a {@link #snapshot} carries (4 per float). */
  public long snapshotBytes() {
    long n = 0;
    for (AdamW.Param p : params) {
      n += p.value().size();
    }
    return 4 * n;
  }

  /** What a snapshot to the reward evaluator costs, for the run's {@code snapshot_size} note. */
  String snapshotSizeText() {
    return snapshotBytes() + " bytes per update (" + (model.lora() == null ? "every weight" : "the LoRA adapters")
        + "); θ0 " + referenceBytes() + " bytes, once";
  }

  /** Bytes of the values {@link #reference} carries. */
  public long referenceBytes() {
    return model.lora() == null ? snapshotBytes() : 4 * (model.parameterCount() + model.lora().parameterCount());
  }

  /** The model as a Hugging Face folder, or with LoRA as a PEFT adapter folder; tokenizer files beside. */
  public void save(Path folder, Path sourceModel) {
    if (model.lora() == null) {
      ModelFolder.save(model, sourceModel, folder);
      return;
    }
    AdapterFolder.write(model, folder, sourceModel);
    ModelFolder.saveTokenizer(model.config(), sourceModel, folder);
  }

  /** File of the optimizer's moments and step counts inside a checkpoint folder. */
  public static final String OPTIMIZER_FILE = "optimizer.bin";
  private static final long OPTIMIZER_MAGIC = 0x534B4D584F505431L; // "SKMXOPT1"

  /**
   * Writes everything a resumed trainer needs into {@code folder}: the model as a Hugging Face
   * folder ({@code model/}), and the AdamW moments with the step count that positions both the
   * optimizer's bias correction and the learning-rate schedule ({@value #OPTIMIZER_FILE}).
   */
  public void saveState(Path folder, Path sourceModel) {
    save(folder.resolve("model"), sourceModel);
    AdamW.State state = optimizer.exportState();
    try (java.io.DataOutputStream out = new java.io.DataOutputStream(new java.io.BufferedOutputStream(
        java.nio.file.Files.newOutputStream(folder.resolve(OPTIMIZER_FILE))))) {
      out.writeLong(OPTIMIZER_MAGIC);
      out.writeLong(step);
      out.writeLong(state.step());
      out.writeInt(state.m().size());
      for (java.util.Map.Entry<String, float[]> e : state.m().entrySet()) {
        out.writeUTF(e.getKey());
        writeFloats(out, e.getValue());
        writeFloats(out, state.v().get(e.getKey()));
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /**
   * A trainer continuing from a checkpoint folder written by {@link #saveState}. A checkpoint of
   * adapters goes on the base the run started from ({@code modelPath}, or the preset {@code config}
   * drawn from {@code seed}), with the run's {@code lora} settings; without LoRA the checkpoint holds
   * the whole model and the last four arguments are not read.
   */
  public static Trainer restore(TrainSettings train, Path checkpoint, Placement placement, int padId,
      ModelConfig config, Path modelPath, long seed, LoraSettings lora) {
    Device device = Devices.parse("devices.learner", placement.device());
    Path saved = checkpoint.resolve("model");
    LanguageModel model;
    if (lora.enabled()) {
      model = base(config, modelPath, seed, placement);
      model.addLora(lora, loraSeed(seed));
      model.importWeights(AdapterFolder.read(saved).tensors());
    } else {
      model = LanguageModel.load(saved, device);
    }
    Trainer trainer = new Trainer(model, train, padId, placement.threads());
    trainer.loadOptimizer(checkpoint.resolve(OPTIMIZER_FILE));
    return trainer;
  }

  private void loadOptimizer(Path file) {
    try (java.io.DataInputStream in = new java.io.DataInputStream(new java.io.BufferedInputStream(
        java.nio.file.Files.newInputStream(file)))) {
      if (in.readLong() != OPTIMIZER_MAGIC) {
        throw new io.skillmix.UserError(file + ": not a skillmix optimizer state; the checkpoint is damaged");
      }
      step = in.readLong();
      long adamStep = in.readLong();
      int n = in.readInt();
      java.util.Map<String, float[]> m = new java.util.LinkedHashMap<>();
      java.util.Map<String, float[]> v = new java.util.LinkedHashMap<>();
      for (int i = 0; i < n; i++) {
        String name = in.readUTF();
        m.put(name, readFloats(in));
        v.put(name, readFloats(in));
      }
      optimizer.importState(new AdamW.State(adamStep, m, v), params);
    } catch (java.io.IOException e) {
      throw new io.skillmix.UserError(file + ": cannot read the optimizer state (" + e.getMessage() + ")");
    }
  }

  private static void writeFloats(java.io.DataOutputStream out, float[] values) throws java.io.IOException {
    out.writeInt(values.length);
    for (float x : values) {
      out.writeFloat(x);
    }
  }

  private static float[] readFloats(java.io.DataInputStream in) throws java.io.IOException {
    float[] values = new float[in.readInt()];
    for (int i = 0; i < values.length; i++) {
      values[i] = in.readFloat();
    }
    return values;
  }

  public LanguageModel model() {
    return model;
  }

  /** How this trainer lays a step's examples out (padded or packed rows). */
  public ModelInputs inputs() {
    return inputs;
  }

  public long stepCount() {
    return step;
  }

  @Override
  public void close() {
    optimizer.close();
    model.close();
  }
}
