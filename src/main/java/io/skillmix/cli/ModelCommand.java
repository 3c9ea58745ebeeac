package io.skillmix.cli;

import ai.djl.Device;
import io.skillmix.UserError;
import io.skillmix.data.tokenizer.ChatTemplate;
import io.skillmix.data.tokenizer.Tokenizer;
import io.skillmix.model.LanguageModel;
import io.skillmix.model.ModelConfig;
import io.skillmix.model.ModelFolder;
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
    subcommands = {ModelCommand.Init.class, ModelCommand.Info.class})
public final class ModelCommand implements Runnable {

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(
        new picocli.CommandLine(this), "a subcommand is needed: init or info");
  }

  @Command(name = "init", mixinStandardHelpOptions = true,
      description = "Write a randomly initialised model (config.json, model.safetensors, tokenizer files).")
  static final class Init implements Runnable {
    @Option(names = "--preset", defaultValue = "tiny", converter = PresetNames.class,
        completionCandidates = PresetNames.class, description = "One of: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    String preset;

    @Option(names = "--out", required = true, description = "Folder to write.")
    Path out;

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
      ModelConfig config = ModelConfig.preset(preset);
      ModelFolder.requireWritable(out, overwrite);
      try (LanguageModel model = LanguageModel.random(config, Device.cpu(), seed)) {
        ModelFolder.save(model, null, out);
        System.out.printf(Locale.ROOT, "wrote %s: %s preset, %,d parameters%n",
            out, preset, model.parameterCount());
      }
    }
  }

  /** The preset names, for picocli's help; an unknown {@code --preset} is refused at parsing, naming them. */
  static final class PresetNames implements Iterable<String>, ITypeConverter<String> {

    @Override
    public Iterator<String> iterator() {
      return List.of("tiny", "small").iterator();
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
      description = "Print a model folder's architecture, parameter count and dtype on disk.")
  static final class Info implements Runnable {
    @Parameters(paramLabel = "DIR", description = "A Hugging Face model folder.")
    Path dir;

    @Override
    public void run() {
      if (!Files.isDirectory(dir)) {
        throw new io.skillmix.UserError(dir + ": model folder not found");
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
          onDisk += n;
          tensors++;
        }
      }
      System.out.printf(Locale.ROOT, "model        %s%n", dir);
      System.out.printf(Locale.ROOT, "type         %s%n", c.modelType());
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
          System.out.printf(Locale.ROOT, "tokenizer    %d tokens, eos %d, chat template %s%n",
              t.vocabSize(), t.eosId(), ChatTemplate.find(dir).map(ChatTemplate::configName)
                  .orElse("none (set model.chat-template to vicuna, chatml or llama3)"));
        } catch (Exception e) {
          throw e instanceof RuntimeException r ? r : new RuntimeException(e);
        }
      }
    }
  }
}
