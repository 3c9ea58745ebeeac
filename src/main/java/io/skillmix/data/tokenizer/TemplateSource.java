package io.skillmix.data.tokenizer;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.skillmix.UserError;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A model folder's Jinja chat template and the special-token strings it is rendered with, read as
 * Hugging Face reads them: {@code chat_template.jinja} when the folder has one, else {@code
 * chat_template} of {@code tokenizer_config.json} (a string, or a list of {@code {name,
 * template}} of which {@code default} is used unless another is asked for by name; named ones may
 * also be files {@code additional_chat_templates/NAME.jinja}).
 *
 * @param text the template source
 * @param file where it came from, for messages
 * @param name the template's name ({@code default} for the only one)
 * @param specialTokens {@code bos_token}, {@code eos_token}, ... as strings, from {@code
 *     tokenizer_config.json} (plain strings or {@code {"content": ...}} objects)
 */
public record TemplateSource(String text, Path file, String name, Map<String, String> specialTokens) {

  private static final List<String> TOKEN_KEYS =
      List.of("bos_token", "eos_token", "unk_token", "pad_token", "sep_token", "cls_token",
          "mask_token");

  public TemplateSource {
    specialTokens = Map.copyOf(specialTokens);
  }

  /** A template given as text (tests, tools); {@code file} only names it in messages. */
  public static TemplateSource of(String text, Path file, Map<String, String> specialTokens) {
    return new TemplateSource(text, file, "default", specialTokens);
  }

  /** The folder's template named {@code name} (null: the default one), if it has one. */
  public static Optional<TemplateSource> find(Path folder, String name) {
    Path config = folder.resolve("tokenizer_config.json");
    JsonObject json = Files.isRegularFile(config) ? HfTokenizer.readObject(config) : new JsonObject();
    Map<String, String> tokens = specialTokens(config, json);
    String wanted = name == null ? "default" : name;
    if (name != null) {
      Path file = folder.resolve("additional_chat_templates").resolve(name + ".jinja");
      if (Files.isRegularFile(file)) {
        return Optional.of(new TemplateSource(read(file), file, name, tokens));
      }
    } else {
      Path file = folder.resolve("chat_template.jinja");
      if (Files.isRegularFile(file)) {
        return Optional.of(new TemplateSource(read(file), file, wanted, tokens));
      }
    }
    JsonElement value = json.get("chat_template");
    if (value == null || value.isJsonNull()) {
      return Optional.empty();
    }
    if (value.isJsonPrimitive() && value.getAsJsonPrimitive().isString()) {
      return name == null
          ? Optional.of(new TemplateSource(value.getAsString(), config, wanted, tokens))
          : Optional.empty();
    }
    if (!value.isJsonArray()) {
      throw new UserError(config + ": chat_template must be a string or a list of {name,"
          + " template}");
    }
    List<String> names = new ArrayList<>();
    String found = null;
    for (JsonElement e : value.getAsJsonArray()) {
      if (!e.isJsonObject() || !isString(e.getAsJsonObject(), "name")
          || !isString(e.getAsJsonObject(), "template")) {
        throw new UserError(config + ": each entry of chat_template must be {\"name\": ...,"
            + " \"template\": ...}");
      }
      JsonObject o = e.getAsJsonObject();
      String entry = o.get("name").getAsString();
      if (names.contains(entry)) {
        // transformers keeps the last, skillmix kept the first: neither is safe to guess
        throw new UserError(config + ": chat_template has two templates named '" + entry
            + "'; keep one of them (or rename the other)");
      }
      names.add(entry);
      if (entry.equals(wanted)) {
        found = o.get("template").getAsString();
      }
    }
    if (found != null) {
      return Optional.of(new TemplateSource(found, config, wanted, tokens));
    }
    if (name == null) {
      throw new UserError(config + ": chat_template has no template named 'default' (it has "
          + String.join(", ", names) + "); set model.chat-template to one of those names");
    }
    return Optional.empty();
  }

  private static Map<String, String> specialTokens(Path file, JsonObject json) {
    Map<String, String> tokens = new LinkedHashMap<>();
    for (String key : TOKEN_KEYS) {
      JsonElement value = json.get(key);
      if (value != null && value.isJsonObject() && value.getAsJsonObject().has("content")) {
        value = value.getAsJsonObject().get("content"); // an AddedToken
      }
      if (value == null || value.isJsonNull()) {
        continue;
      }
      if (!value.isJsonPrimitive() || !value.getAsJsonPrimitive().isString()) {
        throw new UserError(file + ": key '" + key + "' must be a token string or"
            + " {\"content\": ...}");
      }
      tokens.put(key, value.getAsString());
    }
    return tokens;
  }

  private static boolean isString(JsonObject o, String key) {
    return o.has(key) && o.get(key).isJsonPrimitive() && o.get(key).getAsJsonPrimitive().isString();
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UserError(file + ": cannot read (" + e.getMessage() + ")");
    }
  }
}
