package io.skillmix.cli;

import com.google.gson.JsonElement;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.skillmix.UserError;
import io.skillmix.data.tokenizer.ChatTemplate;
import io.skillmix.data.tokenizer.Tokenizer;
import io.skillmix.model.AdapterFolder;
import io.skillmix.model.Devices;
import io.skillmix.model.LanguageModel;
import io.skillmix.model.ModelFolder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;

/** A model folder opened to try it: weights, tokenizer, and the ids where a reply ends. */
final class LoadedModel implements AutoCloseable {

  final Path folder;
  final LanguageModel model;
  final Tokenizer tokenizer;

  private LoadedModel(Path folder, LanguageModel model, Tokenizer tokenizer) {
    this.folder = folder;
    this.model = model;
    this.tokenizer = tokenizer;
  }

  /** Loads the tokenizer first: a folder without one fails before any weight is read. */
  static LoadedModel open(Path folder, String device) {
    return open(folder, null, device);
  }

  /** As above, with a LoRA adapter folder on the model when {@code adapter} is given. */
  static LoadedModel open(Path folder, Path adapter, String device) {
    return open(folder, adapter, device, false);
  }

  /** As above; {@code forceBase}: the adapter may name another base ({@code --force-base}). */
  static LoadedModel open(Path folder, Path adapter, String device, boolean forceBase) {
    if (!Files.isDirectory(folder)) {
      throw new UserError(folder + ": model folder not found; --model takes a Hugging Face model folder");
    }
    AdapterFolder.checkBase(folder, adapter, forceBase);
    Tokenizer tokenizer = ModelFolder.tokenizer(folder);
    try {
      LanguageModel model = AdapterFolder.open(folder, adapter, Devices.parse("--device", device));
      try {
        ModelFolder.checkVocabulary(tokenizer, model.config(), folder);
      } catch (RuntimeException e) {
        model.close();
        throw e;
      }
      return new LoadedModel(folder, model, tokenizer);
    } catch (RuntimeException e) {
      tokenizer.close();
      throw e;
    }
  }

  /** The template named by {@code --chat-template} (auto: the folder's own). */
  ChatTemplate template(String name) {
    try {
      return ChatTemplate.resolve(name, folder);
    } catch (UserError e) {
      // The message speaks of the config key; say what it is on this command line.
      throw e.getMessage().contains("model.chat-template")
          ? new UserError(e.getMessage() + " (here: --chat-template NAME, or --raw for text as it is)", e)
          : e;
    }
  }

  int contextLength() {
    return model.config().maxPositionEmbeddings();
  }

  /**
   * Where generation stops: the tokenizer's EOS, the EOS ids of {@code config.json} and {@code
   * generation_config.json} (Llama 3 lists several), and the template's end-of-turn token when
   * it is one id. An end-of-turn marker that the tokenizer spells with several ids does not stop
   * generation by itself (EOS still does).
   */
  Set<Integer> stopIds(ChatTemplate templateOrNull) {
    Set<Integer> stops = new TreeSet<>();
    addIfSet(stops, tokenizer.eosId());
    addIfSet(stops, model.config().eosTokenId());
    readGenerationEos(stops);
    if (templateOrNull != null) {
      int[] endOfTurn = templateOrNull.endOfTurnIds(tokenizer);
      if (endOfTurn.length == 1) {
        stops.add(endOfTurn[0]);
      }
    }
    return stops;
  }

  private void readGenerationEos(Set<Integer> stops) {
    Path file = folder.resolve("generation_config.json");
    if (!Files.isRegularFile(file)) {
      return;
    }
    JsonElement eos;
    try {
      JsonElement root = JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8));
      eos = root.isJsonObject() ? root.getAsJsonObject().get("eos_token_id") : null;
    } catch (IOException | JsonParseException e) {
      throw new UserError(file + ": not valid JSON, " + io.skillmix.JsonProblem.describe(e));
    }
    if (eos == null || eos.isJsonNull()) {
      return;
    }
    try {
      if (eos.isJsonArray()) {
        eos.getAsJsonArray().forEach(e -> addIfSet(stops, e.getAsInt()));
      } else {
        addIfSet(stops, eos.getAsInt());
      }
    } catch (RuntimeException e) {
      throw new UserError(file + ": eos_token_id must be a token id or a list of them, got " + eos);
    }
  }

  private static void addIfSet(Set<Integer> stops, int id) {
    if (id >= 0) {
      stops.add(id);
    }
  }

  @Override
  public void close() {
    model.close();
    tokenizer.close();
  }
}
