package io.skillmix.data.tokenizer;

import io.skillmix.UserError;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where tokenizers come from. */
public final class Tokenizers {

  private Tokenizers() {}

  /**
   * Loads a Hugging Face tokenizer from {@code path}: a {@code tokenizer.json} file, or a model
   * folder that holds one.
   */
  public static Tokenizer load(Path path) {
    if (Files.isDirectory(path)) {
      Path file = path.resolve("tokenizer.json");
      if (!Files.isRegularFile(file)) {
        throw new UserError(path + ": this folder has no tokenizer.json; give a model folder"
            + " with a Hugging Face tokenizer or the path of a tokenizer.json");
      }
      return HfTokenizer.load(file);
    }
    if (!Files.exists(path)) {
      throw new UserError(path + ": not found; give a tokenizer.json file or a model folder that"
          + " contains one");
    }
    return HfTokenizer.load(path);
  }

  /** The built-in byte-level tokenizer of the {@code tiny} and {@code small} presets. */
  public static Tokenizer bytes() {
    return new ByteTokenizer();
  }
}
