package io.skillmix.cli;

import ai.djl.Device;
import io.skillmix.UserError;
import io.skillmix.data.tokenizer.ByteTokenizer;
import io.skillmix.data.tokenizer.ChatTemplate;
import io.skillmix.data.tokenizer.Tokenizer;
import io.skillmix.model.AdapterFolder;
import io.skillmix.model.LanguageModel;
import io.skillmix.model.ModelConfig;
import io.skillmix.model.ModelFolder;
import io.skillmix.model.Presets;
import io.skillmix.model.io.ModelWeights;
import io.skillmix.model.io.TensorInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/** {@code skillmix model init|info}: create and inspect Hugging Face model folders. */
@Command(name = "model", mixinStandardHelpOptions = true,
    description = "Create and inspect Hugging Face model folders.",
    subcommands = {ModelCommand.Init.class, ModelCommand.Info.class, MergeLoraCommand.class})
public final class ModelCommand implements Runnable {

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(
        new picocli.CommandLine(this), "a subcommand is needed: init, info or merge-lora");
  }

  @Command(name = "init", mixinStandardHelpOptions = true,
      description = "Write a randomly initialised model: config.json and model.safetensors (F32), plus the"
          + " byte-level tokenizer's files for the tiny and small presets, or with --tokenizer DIR that folder's"
          + " tokenizer (its vocabulary, special tokens and chat template) on the preset's shape and the"
          + " size options: a folder ready to train from scratch.")
  static final class Init implements Runnable {
    @Option(names = "--preset", converter = PresetNames.class, completionCandidates = PresetNames.class,
        description = "One of: ${COMPLETION-CANDIDATES} (default: tiny).")
    String preset;

    @Option(names = "--config", paramLabel = "FILE",
        description = "A Hugging Face config.json of any supported family, instead of a preset.")
    Path config;

    @Option(names = "--out", required = true, description = "Folder to write.")
    Path out;

    @Option(names = "--tokenizer", paramLabel = "DIR",
        description = "A model folder whose tokenizer to use (tokenizer.json, tokenizer_config.json, its chat"
            + " template): the vocabulary size and the BOS and EOS ids come from it.")
    Path tokenizer;

    @Option(names = "--hidden-size", paramLabel = "N", description = "hidden_size instead of the preset's.")
    Integer hiddenSize;

    @Option(names = "--layers", paramLabel = "N", description = "num_hidden_layers instead of the preset's.")
    Integer layers;

    @Option(names = "--heads", paramLabel = "N", description = "num_attention_heads instead of the preset's.")
    Integer heads;

    @Option(names = "--kv-heads", paramLabel = "N", description = "num_key_value_heads instead of the preset's.")
    Integer kvHeads;

    @Option(names = "--intermediate-size", paramLabel = "N", description = "intermediate_size instead of the preset's.")
    Integer intermediateSize;

    @Option(names = "--seed", defaultValue = "42", description = "Initialisation seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--overwrite", description = "Replace --out if an earlier model init wrote it.")
    boolean overwrite;

    @Spec CommandSpec spec;

    @Option(names = "--force", hidden = true, description = "Deprecated name of --overwrite.")
    void force(boolean on) {
      spec.commandLine().getErr().println("skillmix: --force is deprecated; use --overwrite");
      spec.commandLine().getErr().flush();
      overwrite |= on;
    }

    @Override
    public void run() {
      if (preset != null && config != null) {
        throw new UserError("model init: give --preset or --config, not both");
      }
      ModelConfig c = config != null ? ModelConfig.read(config) : ModelConfig.preset(preset == null ? "tiny" : preset);
      String source = config != null ? config.toString() : (preset == null ? "tiny" : preset) + " preset";
      c = InitShape.resized(c, hiddenSize, layers, heads, kvHeads, intermediateSize);
      if (tokenizer != null) {
        c = InitShape.withTokenizer(c, tokenizer);
      }
      ModelFolder.requireWritable(out, overwrite);
      // The byte-level tokenizer's ids only mean something to a model of its vocabulary.
      boolean byteVocabulary = config == null && tokenizer == null && c.vocabSize() == new ByteTokenizer().vocabSize();
      try (LanguageModel model = LanguageModel.random(c, Device.cpu(), seed)) {
        if (tokenizer != null) {
          model.save(out);
          ModelFolder.saveTokenizer(c, tokenizer, out);
          System.out.printf(Locale.ROOT, "wrote %s: %s from %s, %,d parameters, seed %d%n",
              out, c.modelType(), source, model.parameterCount(), seed);
          System.out.println(InitShape.tokenizerNote(tokenizer, out, c));
          return;
        }
        if (byteVocabulary) {
          ModelFolder.save(model, null, out);
        } else {
          model.save(out);
        }
        System.out.printf(Locale.ROOT, "wrote %s: %s from %s, %,d parameters, seed %d%n",
            out, c.modelType(), source, model.parameterCount(), seed);
        System.out.println(byteVocabulary
            ? "holds config.json, model.safetensors (F32) and the byte-level tokenizer (tokenizer.json, tokenizer_config.json)"
            : "holds config.json and model.safetensors (F32), no tokenizer: copy tokenizer.json and tokenizer_config.json"
                + " of a model with this vocabulary (" + c.vocabSize() + ") into it before training on text");
      }
    }
  }

  /** The preset names, for picocli's help; an unknown {@code --preset} is refused at parsing, naming them. */
  static final class PresetNames implements Iterable<String>, ITypeConverter<String> {

    @Override
    public Iterator<String> iterator() {
      return Presets.NAMES.iterator();
    }

    @Override
    public String convert(String name) {
      try {
        ModelConfig.preset(name);
        return name;
      } catch (UserError e) {
        throw new TypeConversionException("'" + name + "' is not a preset; known presets: " + String.join(", ", this));
      }
    }
  }

  @Command(name = "info", mixinStandardHelpOptions = true,
      description = "Check a model folder and print its family, architecture, parameter count and dtype on disk.")
  static final class Info implements Runnable {
    @Parameters(paramLabel = "DIR", description = "A Hugging Face model folder.")
    Path dir;

    @Override
    public void run() {
      if (!Files.isDirectory(dir)) {
        throw new UserError(dir + ": model folder not found");
      }
      if (AdapterFolder.isAdapter(dir)) {
        printAdapter();
        return;
      }
      ModelConfig c = ModelConfig.read(dir.resolve("config.json"));
      Map<String, Long> dtypes = new TreeMap<>();
      long onDisk = 0;
      int tensors = 0;
      try (ModelWeights weights = ModelWeights.open(dir)) {
        for (String name : weights.names()) {
          TensorInfo info = weights.info(name);
          long n = 1;
          for (long d : info.shape()) {
            n *= d;
          }
          dtypes.merge(String.valueOf(info.dtype()), n, Long::sum);
          if (!name.endsWith("rotary_emb.inv_freq") && !(name.equals("lm_head.weight") && c.tieWordEmbeddings())) {
            onDisk += n;
          }
          tensors++;
        }
      }
      try {
        LanguageModel.check(dir); // names, shapes and dtypes, with the errors training would give
      } catch (UserError e) {
        if (onDisk == c.parameterCount()) {
          throw e;
        }
        throw new UserError(String.format(Locale.ROOT, "%s (config.json implies %,d parameters, the weights hold"
            + " %,d in %d tensors)", e.getMessage(), c.parameterCount(), onDisk, tensors), e);
      }
      System.out.printf(Locale.ROOT, "model        %s%n", dir);
      System.out.printf(Locale.ROOT, "family       %s%n", c.describe());
      System.out.printf(Locale.ROOT, "layers       %d, hidden %d, intermediate %d%n",
          c.numLayers(), c.hiddenSize(), c.intermediateSize());
      System.out.printf(Locale.ROOT, "attention    %d heads, %d kv heads, head dim %d, rope theta %s%s%n",
          c.numHeads(), c.numKvHeads(), c.headDim(), c.ropeTheta(), c.attentionBias() ? ", q/k/v bias" : "");
      System.out.printf(Locale.ROOT, "vocabulary   %d%s%n", c.vocabSize(),
          c.tieWordEmbeddings() ? " (tied embeddings)" : "");
      System.out.printf(Locale.ROOT, "parameters   %,d (config) / %,d in %d tensors on disk%n",
          c.parameterCount(), onDisk, tensors);
      System.out.printf(Locale.ROOT, "dtype        %s%n", dtypes.keySet());
      if (Files.isRegularFile(dir.resolve("tokenizer.json"))) {
        try (Tokenizer t = ModelFolder.tokenizer(dir)) {
          System.out.printf(Locale.ROOT, "tokenizer    %,d tokens, eos %d, chat template %s%n",
              t.vocabSize(), t.eosId(), ChatTemplate.find(dir).map(ChatTemplate::configName)
                  .orElse("none (set model.chat-template to vicuna, chatml or llama3)"));
          System.out.flush();
          ModelFolder.checkVocabulary(t, c, dir); // a folder whose tokenizer overflows the model fails the check
        } catch (Exception e) {
          throw e instanceof RuntimeException r ? r : new RuntimeException(e);
        }
      } else {
        System.out.println("tokenizer    none");
        System.err.printf(Locale.ROOT, "warning: %s has no tokenizer.json; training and chat need one (copy it"
            + " from the model this one was made from)%n", dir);
      }
    }

    /** A LoRA adapter folder: its settings, base and size (the base itself is not checked here). */
    private void printAdapter() {
      AdapterFolder.Adapter a = AdapterFolder.read(dir);
      long values = a.tensors().values().stream().mapToLong(v -> v.length).sum();
      System.out.printf(Locale.ROOT, "adapter      %s%n", dir);
      System.out.printf(Locale.ROOT, "LoRA         r %d, alpha %s (scale %s), dropout %s, on %s%n", a.settings().rank(),
          a.settings().alpha(), a.settings().scaling(), a.settings().dropout(), String.join(", ", a.settings().targets()));
      System.out.printf(Locale.ROOT, "base         %s%n", a.baseModel() == null ? "none recorded (a built-in preset)" : a.baseModel());
      System.out.printf(Locale.ROOT, "parameters   %,d in %d tensors%n", values, a.tensors().size());
    }
  }
}
