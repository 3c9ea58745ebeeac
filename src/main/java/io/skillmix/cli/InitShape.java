package io.skillmix.cli;

import io.skillmix.UserError;
import io.skillmix.data.tokenizer.ChatTemplate;
import io.skillmix.data.tokenizer.Tokenizer;
import io.skillmix.model.ModelConfig;
import io.skillmix.model.ModelFolder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The shape {@code skillmix model init} writes: a preset's (or a config.json's), with the size
 * options on top, and with {@code --tokenizer} the vocabulary and special tokens of that tokenizer.
 */
final class InitShape {

  private InitShape() {}

  /** {@code base} with the given sizes (null: the base's); the head width follows hidden size / heads. */
  static ModelConfig resized(ModelConfig base, Integer hidden, Integer layers, Integer heads, Integer kvHeads,
      Integer intermediate) {
    if (hidden == null && layers == null && heads == null && kvHeads == null && intermediate == null) {
      return base;
    }
    int h = positive("--hidden-size", hidden, base.hiddenSize());
    int n = positive("--heads", heads, base.numHeads());
    int kv = positive("--kv-heads", kvHeads, kvHeads == null && heads != null ? Math.min(n, base.numKvHeads()) : base.numKvHeads());
    if (h % n != 0) {
      throw new UserError("--hidden-size " + h + " is not a multiple of --heads " + n
          + " (each head takes hidden-size / heads)");
    }
    if (n % kv != 0) {
      throw new UserError("--heads " + n + " is not a multiple of --kv-heads " + kv
          + " (grouped-query attention shares each key/value head among heads / kv-heads)");
    }
    int headDim = hidden == null && heads == null ? base.headDim() : h / n;
    if (headDim % 2 != 0) {
      throw new UserError("--hidden-size / --heads = " + headDim + " must be even (rotary positions pair the dimensions)");
    }
    return new ModelConfig(base.modelType(), base.vocabSize(), h, positive("--intermediate-size", intermediate,
        base.intermediateSize()), positive("--layers", layers, base.numLayers()), n, kv, headDim,
        base.maxPositionEmbeddings(), base.ropeTheta(), base.rmsNormEps(), base.tieWordEmbeddings(),
        base.attentionBias(), base.bosTokenId(), base.eosTokenId(), base.variant());
  }

  private static int positive(String option, Integer given, int otherwise) {
    if (given == null) {
      return otherwise;
    }
    if (given <= 0) {
      throw new UserError(option + " must be positive, got " + given);
    }
    return given;
  }

  /** {@code base} with the vocabulary size and BOS/EOS ids of the tokenizer in {@code folder}. */
  static ModelConfig withTokenizer(ModelConfig base, Path folder) {
    if (!Files.isRegularFile(folder.resolve("tokenizer.json"))) {
      throw new UserError(folder + ": no tokenizer.json; --tokenizer takes a model folder with a Hugging Face tokenizer");
    }
    try (Tokenizer t = ModelFolder.tokenizer(folder)) {
      return new ModelConfig(base.modelType(), t.vocabSize(), base.hiddenSize(), base.intermediateSize(),
          base.numLayers(), base.numHeads(), base.numKvHeads(), base.headDim(), base.maxPositionEmbeddings(),
          base.ropeTheta(), base.rmsNormEps(), base.tieWordEmbeddings(), base.attentionBias(),
          t.bosId() >= 0 ? t.bosId() : base.bosTokenId(), t.eosId() >= 0 ? t.eosId() : base.eosTokenId(), base.variant());
    } catch (UserError e) {
      throw e;
    } catch (Exception e) {
      throw new UserError(folder + ": cannot read its tokenizer (" + e.getMessage() + ")");
    }
  }

  /** What the folder holds, and how to train it: with its own chat template, or which key to set. */
  static String tokenizerNote(Path tokenizer, Path out, ModelConfig c) {
    boolean template = ChatTemplate.find(out).isPresent();
    return String.format(Locale.ROOT, "holds config.json, model.safetensors (F32) and the tokenizer of %s (%d tokens,"
        + " bos %d, eos %d)%s; train it with model.path=%s", tokenizer, c.vocabSize(), c.bosTokenId(), c.eosTokenId(),
        template ? " with its chat template" : ", which has no chat template: add model.chat-template=chatml (or vicuna, llama3)",
        out);
  }
}
